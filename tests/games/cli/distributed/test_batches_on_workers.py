"""A batch played by worker processes is the batch one process plays: the same games, outcomes and
events, each game once, the same summary."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from games.cli.registry import games_by_name
from tests.support.cli import events, read_log, run_main
from tests.support.redis_server import delete_queue, unique_queue
from tests.support.workers import workers

# What differs between two plays of the same game: when things happened and how long they took.
TIMING = frozenset({"ts", "seq", "run_id", "created", "latency_ms", "queued_ms", "duration_ms", "elapsed_ms"})


def by_game(records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Each game's events in order, without their timing."""
    games: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        if record["event"] in ("run_started", "run_ended") or "game_id" not in record:
            continue
        games.setdefault(record["game_id"], []).append(_untimed(record))
    return games


def _untimed(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _untimed(item) for key, item in value.items() if key not in TIMING}
    if isinstance(value, list):
        return [_untimed(item) for item in value]
    return value


@pytest.fixture(scope="module")
def served_queue(redis_url: str) -> Iterator[str]:
    """A queue that two workers (--concurrency 3) serve for every game's batch below, one batch after
    another: starting worker processes was most of each test's time, and workers serve many batches."""
    queue = unique_queue()
    try:
        with workers(redis_url, queue, 2, "--concurrency", "3"):
            yield queue
    finally:
        delete_queue(redis_url, queue)


@pytest.mark.parametrize("game", sorted(games_by_name()))
def test_two_workers_play_the_batch_one_process_plays(
    tmp_path: Path, redis_url: str, served_queue: str, game: str
) -> None:
    common = ("--games", "12", "--seed", "5", "--offline", "--quiet")
    alone = run_main(
        game, *common, "--log", str(tmp_path / "alone.jsonl"), "--summary-json", str(tmp_path / "a.json")
    )
    assert alone.returncode == 0, alone.stderr
    shared = run_main(
        game, *common, "--redis", redis_url, "--queue", served_queue,
        "--log", str(tmp_path / "shared.jsonl"), "--summary-json", str(tmp_path / "s.json"),
    )  # fmt: skip
    assert shared.returncode == 0, shared.stderr
    assert "Traceback" not in shared.stderr
    one, two = read_log(tmp_path / "alone.jsonl"), read_log(tmp_path / "shared.jsonl")
    planned = [entry["game_id"] for entry in one[0]["plan"]]
    assert [entry["game_id"] for entry in two[0]["plan"]] == planned
    ended = [record["game_id"] for record in events(two, "game_ended")]
    assert sorted(ended) == sorted(planned)  # every planned game, each once
    assert by_game(two) == by_game(one)  # event for event, game by game
    assert [record["seq"] for record in two] == list(range(len(two)))
    assert two[-1]["event"] == "run_ended" and two[-1]["status"] == "ok"
    summary_alone = json.loads((tmp_path / "a.json").read_text())
    summary_shared = json.loads((tmp_path / "s.json").read_text())
    assert summary_shared["run"]["log"] == str(tmp_path / "shared.jsonl")
    assert _untimed(_elsewhere(summary_shared)) == _untimed(_elsewhere(summary_alone))


def _elsewhere(summary: dict[str, Any]) -> dict[str, Any]:
    """A summary without the run's log path (each run writes its own log)."""
    return {**summary, "run": {key: value for key, value in summary["run"].items() if key != "log"}}


def test_games_go_to_both_workers(tmp_path: Path, redis_url: str, queue: str) -> None:
    """Both workers take part: each says it played games of the batch."""
    with workers(redis_url, queue, 2, "--concurrency", "1") as running:
        done = run_main(
            "taboo", "--games", "30", "--seed", "1", "--offline", "--quiet",
            "--redis", redis_url, "--queue", queue, "--log", str(tmp_path / "log.jsonl"),
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        for worker in running:
            assert worker.wait_for("playing games of batch", timeout=5), worker.output


def test_one_game_on_a_worker_is_drawn_as_in_one_process(
    tmp_path: Path, redis_url: str, served_queue: str
) -> None:
    """A one-game run draws the game as it goes; on a worker, the controller shows its transcript every
    event (not only those the summary counts), so the screen is the one process's."""
    common = ("--games", "1", "--seed", "3", "--offline")
    alone = run_main("taboo", *common, "--log", str(tmp_path / "alone.jsonl"))
    shared = run_main(
        "taboo",
        *common,
        "--redis",
        redis_url,
        "--queue",
        served_queue,
        "--log",
        str(tmp_path / "shared.jsonl"),
    )
    assert alone.returncode == shared.returncode == 0, shared.stderr
    drawn = [line for line in alone.stdout.splitlines() if "alone.jsonl" not in line]
    assert len(drawn) > 4  # the game's turns, not only its last line
    assert [line for line in shared.stdout.splitlines() if "shared.jsonl" not in line] == drawn
