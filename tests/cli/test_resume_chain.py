"""`--resume` chains: a batch killed again and again, each time resumed from the newest log, ends with
exactly its planned games, none twice, each as an uninterrupted run plays it."""

from __future__ import annotations

import json
import random
import signal
import time
from pathlib import Path
from typing import Any

from tests.support.cli import events, read_log, run_main, start_main

GAMES = 300
SEED = 17


def _complete_lines(path: Path) -> list[dict[str, Any]]:
    """The whole lines of a log that a killed process left (a cut-short last line is left out)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return [json.loads(line) for line in text.splitlines(keepends=True) if line.endswith("\n")]


def _kill_after(args: list[str], log: Path, ended: int) -> None:
    """Start main.py and kill -9 it once its log holds `ended` game_ended lines (or it has finished)."""
    process = start_main(*args)
    deadline = time.monotonic() + 120
    try:
        while process.poll() is None and time.monotonic() < deadline:
            if log.exists() and log.read_text().count('"event":"game_ended"') >= ended:
                break
            time.sleep(0.02)  # a subprocess's progress has no event to wait on: watch its log
        process.send_signal(signal.SIGKILL)
    finally:
        process.communicate(timeout=30)


def _finished(log: Path) -> dict[str, tuple[str, int, Any]]:
    """Every game the chain ending in `log` finished: carried from earlier logs, or ended in this one."""
    records = read_log(log)
    started = records[0]
    own = [(e["game_id"], e) for e in events(records, "game_ended")]
    carried = [(e["game_id"], e) for e in started["carried"]]
    ids = [game_id for game_id, _ in own + carried]
    assert len(ids) == len(set(ids)), "a game ended twice"
    return {game_id: (e["outcome"], e["turns"], e["score"]) for game_id, e in own + carried}


def test_a_batch_killed_three_times_and_resumed_ends_with_exactly_its_games(tmp_path: Path) -> None:
    """Three kill -9s at random points, each followed by --resume of the newest log: every planned game
    ends exactly once, with the outcome, turns and score of an uninterrupted run of the same seed."""
    common = ["--quiet", "--concurrency", "16"]
    whole = tmp_path / "whole.jsonl"
    assert (
        run_main("taboo", "--games", str(GAMES), "--seed", str(SEED), *common, "--log", str(whole)).returncode
        == 0
    )
    expected = _finished(whole)
    assert len(expected) == GAMES

    points = random.Random(3).sample(range(10, 80), 3)
    log = tmp_path / "run0.jsonl"
    _kill_after(
        ["taboo", "--games", str(GAMES), "--seed", str(SEED), *common, "--log", str(log)], log, points[0]
    )
    for number, point in enumerate(points[1:] + [None], start=1):
        assert _complete_lines(log)[0]["event"] == "run_started"
        resumed = tmp_path / f"run{number}.jsonl"
        args = ["taboo", "--resume", str(log), *common, "--log", str(resumed)]
        if point is None:
            done = run_main(*args)
            assert done.returncode == 0, done.stderr
        else:
            _kill_after(args, resumed, point)
        log = resumed

    records = read_log(log)
    assert records[-1]["event"] == "run_ended" and records[-1]["status"] == "ok"
    plan = records[0]["plan"]
    assert [entry["game_id"] for entry in plan] == [f"g{i}" for i in range(1, GAMES + 1)]
    assert _finished(log) == expected


def test_a_resumed_log_records_the_whole_plan_and_where_it_came_from(tmp_path: Path) -> None:
    """The resumed run's run_started holds the original plan, the log it resumes and the games carried."""
    first = tmp_path / "first.jsonl"
    assert run_main("taboo", "--games", "6", "--seed", "4", "--quiet", "--log", str(first)).returncode == 0
    lines = first.read_text().splitlines(keepends=True)
    ended_at = [i for i, line in enumerate(lines) if '"event":"game_ended"' in line]
    cut = tmp_path / "cut.jsonl"
    cut.write_text("".join(lines[: ended_at[1] + 1]))
    second = tmp_path / "second.jsonl"
    assert run_main("taboo", "--resume", str(cut), "--quiet", "--log", str(second)).returncode == 0

    original, resumed = read_log(first)[0], read_log(second)[0]
    assert resumed["plan"] == original["plan"]
    assert resumed["config"]["resumed_from"] == str(cut)
    assert resumed["config"]["games"] == 6
    assert {e["game_id"] for e in resumed["carried"]} == {
        json.loads(lines[i])["game_id"] for i in ended_at[:2]
    }
    assert all(e["log"] == str(cut) for e in resumed["carried"])


def test_resume_refuses_flags_that_recast_the_remaining_games(tmp_path: Path) -> None:
    """--resume with a persona other than the plan's is one line and exit 2, before anything plays."""
    first = tmp_path / "first.jsonl"
    assert run_main("taboo", "--games", "4", "--seed", "4", "--quiet", "--log", str(first)).returncode == 0
    lines = first.read_text().splitlines(keepends=True)
    cut = tmp_path / "cut.jsonl"
    cut.write_text("".join(lines[:3]))
    done = run_main("taboo", "--resume", str(cut), "--hinter", "pirate", "--log", str(tmp_path / "x.jsonl"))
    assert done.returncode == 2
    assert "was planned with" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.jsonl").exists()


def test_resume_takes_the_logs_personas_when_no_flag_names_one(tmp_path: Path) -> None:
    """A batch played with --hinter pirate is resumed with pirate, not the default persona."""
    first = tmp_path / "first.jsonl"
    args = ["taboo", "--games", "4", "--seed", "4", "--hinter", "pirate", "--quiet"]
    assert run_main(*args, "--log", str(first)).returncode == 0
    lines = first.read_text().splitlines(keepends=True)
    cut = tmp_path / "cut.jsonl"
    cut.write_text("".join(lines[:3]))
    second = tmp_path / "second.jsonl"
    assert run_main("taboo", "--resume", str(cut), "--quiet", "--log", str(second)).returncode == 0
    casts = [e["players"]["hinter"] for e in events(read_log(second), "game_cast")]
    assert casts and all(label == "offline/pirate" for label in casts)


def test_ctrl_c_counts_only_games_that_ended(tmp_path: Path) -> None:
    """Ctrl-C mid-batch: games stopped mid-play get game_interrupted (never game_ended), the summary
    counts only ended games, lists the rest as not played, and the last lines give the --resume command."""
    log = tmp_path / "int.jsonl"
    process = start_main("taboo", "--games", "300", "--seed", "5", "--log", str(log), "--summary-json",
                         str(tmp_path / "s.json"))  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if log.exists() and log.read_text().count('"event":"game_ended"') >= 5:
            break
        time.sleep(0.02)  # watching a subprocess's log: nothing to wait on but the file
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    records = read_log(log)
    ended = {e["game_id"] for e in events(records, "game_ended")}
    interrupted = {e["game_id"] for e in events(records, "game_interrupted")}
    assert interrupted and not ended & interrupted
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["games"] == len(ended)
    assert sorted(summary["not_played"]) == sorted({f"g{i}" for i in range(1, 301)} - ended)
    lines = out.strip().splitlines()
    assert f"{len(ended)} of 300 game(s) ended" in lines[-2] and str(log) in lines[-2]
    assert lines[-1] == f"resume with: python main.py taboo --resume {log}"
    assert records[-1]["event"] == "run_ended" and records[-1]["status"] == "interrupted"
