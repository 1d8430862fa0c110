"""The same seed plays the same games: a fixed-seed batch of offline games leaves, game by game, exactly
the events recorded in golden/offline_batch.json (taken before the batch was made faster).

Fields that record when or how fast (`ts`, `created`, `seq`, the run's id, latencies, durations) are left
out; everything else of every line of every game counts, in the game's own order.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from tests.support.cli import read_log, run_main

GOLDEN = Path(__file__).parent / "golden" / "offline_batch.json"
COMMAND = ("taboo", "--offline", "--games", "60", "--seed", "17", "--quiet")
VOLATILE = frozenset({"ts", "created", "seq", "run_id", "latency_ms", "queued_ms", "duration_ms"})


def game_fingerprints(records: list[dict[str, Any]]) -> dict[str, str]:
    """A digest per game of its events in order (volatile fields left out), and its outcome."""
    per_game: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        if "game_id" in record:
            per_game[record["game_id"]].append({k: v for k, v in record.items() if k not in VOLATILE})
    return {
        game: hashlib.sha256(json.dumps(lines, sort_keys=True).encode()).hexdigest()[:16]
        for game, lines in per_game.items()
    }


def outcomes(records: list[dict[str, Any]]) -> dict[str, list[Any]]:
    return {
        r["game_id"]: [r["outcome"], r["turns"], r["score"]] for r in records if r["event"] == "game_ended"
    }


def play(tmp_path: Path) -> list[dict[str, Any]]:
    log = tmp_path / "batch.jsonl"
    done = run_main(*COMMAND, "--log", str(log))
    assert done.returncode == 0, done.stderr
    return read_log(log)


def test_a_fixed_seed_batch_plays_the_recorded_games(tmp_path: Path) -> None:
    records = play(tmp_path)
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert outcomes(records) == golden["outcomes"]
    got = game_fingerprints(records)
    differing = sorted(game for game in golden["games"] if got.get(game) != golden["games"][game])
    assert not differing, f"games whose events changed: {differing}"
    assert set(got) == set(golden["games"])


def record(path: Path = GOLDEN) -> None:
    """Write the golden file from today's code: `python -m tests.games.taboo.test_batch_fingerprint`."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        records = play(Path(tmp))
    games = game_fingerprints(records)
    golden = {"command": " ".join(COMMAND), "outcomes": outcomes(records), "games": games}
    path.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    record()
