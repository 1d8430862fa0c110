"""The same seed plays the same games whatever Python's string hashing: the offline players' sums and
choices never follow a set's order (which changes from one process to the next)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import run_main

ROOT = Path(__file__).resolve().parents[2]
FITS = """
import hashlib, random
from games.chameleon.categories import DEFAULT_CATEGORIES_PATH, load_categories
from games.chameleon.offline import Associations
out = []
for category in list(load_categories(DEFAULT_CATEGORIES_PATH))[:6]:
    known = Associations(category, 1.0, random.Random(1))
    clues, rng = sorted(known.share), random.Random(2)
    for _ in range(300):
        out.append(repr(sorted(known.fit(rng.sample(clues, min(6, len(clues)))).items())))
print(hashlib.sha1("\\n".join(out).encode()).hexdigest())
"""


def run(args: list[str], hash_seed: int) -> str:
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_chameleons_sense_of_fit_does_not_follow_string_hashing() -> None:
    assert len({run(["-c", FITS], seed) for seed in (0, 1, 2, 3)}) == 1


def played(log: Path) -> list[tuple[str, object, object]]:
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    return [(e["event"], e.get("text"), e.get("outcome")) for e in events if e["event"] != "llm_call"]


def another_hash_seed() -> int:
    """A PYTHONHASHSEED other than this process's (a random one, unless the environment fixed it)."""
    here = os.environ.get("PYTHONHASHSEED", "random")
    return int(here) + 1 if here.isdigit() else 1


@pytest.mark.parametrize("game", ["taboo", "twenty-questions", "chameleon"])
def test_a_batch_is_the_same_under_another_hash_seed(game: str, tmp_path: Path) -> None:
    """Played in this process and in a new Python whose string hashing differs from this one's."""
    args = [game, "--games", "12", "--seed", "5", "--quiet", "--log"]
    assert run_main(*args, str(tmp_path / "here.jsonl")).returncode == 0
    run(["main.py", *args, str(tmp_path / "there.jsonl")], another_hash_seed())
    assert played(tmp_path / "here.jsonl") == played(tmp_path / "there.jsonl")
