"""Reading an eval's folder back for the tests: each cell's chain of logs, and what the logs say ended;
and the demo eval, interrupted with Ctrl-C and resumed, played once per test session for the tests that
read it."""

from __future__ import annotations

import csv
import json
import shutil
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import events, read_log, run_main, start_main
from tests.support.once import built_once

DEMO = """\
name = "demo"
seeds = [7]
games = 50

[game.taboo]
[game.twenty-questions]

[cast.steady]
model = "offline"

[cast.sloppy]
model = "offline"
persona = "sloppy.toml"
"""

# A persona that plays offline carelessly in two games, so that a cast wearing it loses some games.
SLOPPY_PERSONA = """\
name = "sloppy"
description = "Plays carelessly offline."
roles = "any"

[taboo.hinter.offline]
slip_rate = 0.3

[taboo.guesser]
prompt = "You are the {role}. {rules}"
[taboo.guesser.offline]
knowledge = 0.3

[twenty-questions.answerer.offline]
noise = 0.3
"""


def chains(folder: Path) -> dict[str, list[Path]]:
    """Each cell's log files, in the order they were written (ID.jsonl, ID.2.jsonl, ...)."""
    found: dict[str, list[tuple[int, Path]]] = {}
    for path in (folder / "logs").glob("*.jsonl"):
        cell, _, number = path.name.removesuffix(".jsonl").partition(".")
        found.setdefault(cell, []).append((int(number or 1), path))
    return {cell: [path for _, path in sorted(paths)] for cell, paths in sorted(found.items())}


def ended_in(paths: list[Path]) -> list[dict[str, Any]]:
    """The game_ended events written in these logs themselves (not carried), interrupted ones left out."""
    ended = []
    for path in paths:
        ended += [e for e in events(read_log(path), "game_ended") if e.get("reason") != "interrupted"]
    return ended


def planned_ids(path: Path) -> list[str]:
    return [entry["game_id"] for entry in read_log(path)[0]["plan"]]


def outcome_counts(ended: list[dict[str, Any]]) -> Counter[str]:
    return Counter(record["outcome"] for record in ended)


def results_csv(folder: Path) -> dict[str, dict[str, str]]:
    with (folder / "results.csv").open(encoding="utf-8", newline="") as handle:
        return {row["cell"]: row for row in csv.DictReader(handle)}


def results_json(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "results.json").read_text(encoding="utf-8"))


def write_plan(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sloppy.toml").write_text(SLOPPY_PERSONA, encoding="utf-8")
    plan = folder / "plan.toml"
    plan.write_text(text, encoding="utf-8")
    return plan


def stop_after_a_game(process: subprocess.Popen[str], log: Path, signum: int) -> tuple[str, str]:
    """Send `signum` once `log` holds a finished game; the process's output once it has ended."""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if log.exists() and '"event":"game_ended"' in log.read_text(encoding="utf-8"):
            break
        time.sleep(0.01)  # another process's progress: watched through its log, with a deadline
    process.send_signal(signum)
    return process.communicate(timeout=60)


def demo_eval(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo eval (two offline casts x two games x 50 games) run as `python main.py eval PLAN --out
    out` in a process, stopped with Ctrl-C once its first cell has ended a game, then resumed with `eval
    --resume out`. Played once for the whole session; the tests only read it. The folder holds `out`
    (the eval's folder at its end), `interrupted` (a copy of it as the Ctrl-C left it) and `runs.json`
    (each command's exit code, standard output and error)."""
    return built_once(tmp_path_factory, "demo-eval", _play_demo_eval)


def _play_demo_eval(folder: Path) -> None:
    plan = write_plan(folder, DEMO)
    out = folder / "out"
    process = start_main("eval", str(plan), "--out", str(out))
    stdout, stderr = stop_after_a_game(process, out / "logs" / "taboo-steady-7.jsonl", signal.SIGINT)
    shutil.copytree(out, folder / "interrupted")
    resumed = run_main("eval", "--resume", str(out), "--quiet")
    runs = {
        "interrupted": {"code": process.returncode, "stdout": stdout, "stderr": stderr},
        "resumed": {"code": resumed.returncode, "stdout": resumed.stdout, "stderr": resumed.stderr},
    }
    (folder / "runs.json").write_text(json.dumps(runs), encoding="utf-8")
