"""Every game gets the same command line: a game, a batch with its summary, replay, HTML, rerun."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from games.cli.registry import games_by_name
from tests.support.cli import events, read_log, run_main

GAMES = sorted(games_by_name())


def test_the_three_games_are_registered() -> None:
    """Taboo, Twenty Questions and Chameleon are all on the command line."""
    assert {"taboo", "twenty-questions", "chameleon"} <= set(GAMES)


@pytest.mark.parametrize("game", GAMES)
def test_a_batch_then_replay_and_rerun(game: str, tmp_path: Path) -> None:
    """A seeded offline batch ends with a summary; replay lists its games; rerun reproduces it."""
    log = tmp_path / "batch.jsonl"
    summary = tmp_path / "summary.json"
    done = run_main(game, "--games", "4", "--seed", "7", "--log", str(log), "--summary-json", str(summary))
    assert done.returncode == 0, done.stderr
    figures = json.loads(summary.read_text())
    assert figures["games"] == 4 and sum(figures["outcomes"].values()) == 4
    records = read_log(log)
    assert {e["game"] for e in events(records, "game_started")} == {game}

    listing = run_main("replay", str(log))
    assert listing.returncode == 0, listing.stderr
    assert all(f"g{i}" in listing.stdout for i in range(1, 5))

    page = tmp_path / "g1.html"
    shown = run_main("replay", str(log), "--game", "g1", "--html", str(page))
    assert shown.returncode == 0, shown.stderr
    assert "<html" in page.read_text(encoding="utf-8").lower()

    again = run_main("rerun", str(log), "--quiet", "--log", str(tmp_path / "rerun.jsonl"))
    assert again.returncode == 0, again.stderr + again.stdout
    assert "reproduced" in again.stdout


@pytest.mark.parametrize("game", GAMES)
def test_same_seed_same_game(game: str, tmp_path: Path) -> None:
    """One seed, one game: two offline runs say the same things in the same order."""
    said = []
    for name in ("a", "b"):
        log = tmp_path / f"{name}.jsonl"
        assert run_main(game, "--seed", "21", "--quiet", "--log", str(log)).returncode == 0
        said.append([(e["sender"], e["recipient"], e["text"]) for e in events(read_log(log), "message_sent")])
    assert said[0] == said[1] and len(said[0]) > 3


@pytest.mark.parametrize("game", GAMES)
def test_a_negative_reprompt_count_is_a_usage_error(game: str, tmp_path: Path) -> None:
    """--reprompts -1 gets one line and exit 2 in every game (the flag is shared)."""
    done = run_main(game, "--reprompts", "-1", "--log", str(tmp_path / "x.jsonl"))
    assert done.returncode == 2
    assert "--reprompts: expected 0 or more, got -1" in done.stderr and "Traceback" not in done.stderr
