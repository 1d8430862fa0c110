"""A reader that goes away (`python main.py taboo | head -1`) is not an error: output stops quietly, the
run and its log finish as they would have, exit 0, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run_main, start_new_python

WAIT_S = 120


def records_of(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("batch", [[], ["--games", "20"]], ids=["one game", "batch"])
def test_a_run_whose_reader_has_gone_finishes_as_it_would_have(tmp_path: Path, batch: list[str]) -> None:
    """The reader closes the pipe before the first line: the run plays on, its log ends ok, exit 0."""
    log = tmp_path / "run.jsonl"
    process = start_new_python("taboo", "--offline", "--seed", "2", *batch, "--log", str(log))
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before anything was written: every write meets a closed pipe
    assert process.wait(timeout=WAIT_S) == 0
    assert process.stderr.read() == ""
    records = records_of(log)
    assert records[-1]["event"] == "run_ended" and records[-1]["status"] == "ok"
    assert len([record for record in records if record["event"] == "game_ended"]) == (20 if batch else 1)


@pytest.fixture(scope="module")
def long_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A log whose every view is far longer than a pipe's buffer (64 KiB)."""
    log = tmp_path_factory.mktemp("long") / "long.jsonl"
    done = run_main("taboo", "--offline", "--games", "60", "--seed", "3", "--quiet", "--log", str(log))
    assert done.returncode == 0, done.stderr
    return log


@pytest.mark.parametrize("view", [["--events"], ["--json"], ["--game", "g7", "--events"]])
def test_replay_stops_quietly_when_its_reader_goes_after_the_first_line(long_log: Path, view) -> None:
    """`replay LOG | head -1`: the first line arrives, then the replay ends quietly with exit 0."""
    process = start_new_python("replay", str(long_log), *view)
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline()
    process.stdout.close()
    assert process.wait(timeout=WAIT_S) == 0
    assert process.stderr.read() == ""


def test_a_batch_whose_reader_goes_after_the_first_line_finishes(tmp_path: Path) -> None:
    """`taboo --games N | head -1`: the batch plays every game and ends its log ok, exit 0."""
    log = tmp_path / "batch.jsonl"
    process = start_new_python("taboo", "--offline", "--games", "30", "--seed", "4", "--log", str(log))
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith("Playing with the built-in offline players")
    process.stdout.close()
    assert process.wait(timeout=WAIT_S) == 0
    assert "Traceback" not in process.stderr.read()
    records = records_of(log)
    assert records[-1]["event"] == "run_ended" and records[-1]["status"] == "ok"
    assert len([record for record in records if record["event"] == "game_ended"]) == 30
