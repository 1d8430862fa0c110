"""Ratings of competitors seated on opposite sides: a Bradley-Terry fit with a term per side, its
bootstrap interval, and an honest note when every game was self-play."""

from __future__ import annotations

import random
from pathlib import Path

from games.logtools.report import build_report
from games.logtools.report.ratings import ratings
from games.logtools.report.rows import GameRow
from tests.support.cli import run_main


def game(number: int, alone: str, informed: str, winner: str) -> GameRow:
    """A four-seat game: `alone` plays p1 on its own side, `informed` the three others."""
    players = {"p1": alone, "p2": informed, "p3": informed, "p4": informed}
    return GameRow(
        run_id="r", log="x.jsonl", game_id=f"g{number}", game="sides-game", rules=None, cast="c",
        players=players, run_seed=1, seed=number, card="w", band=None, category=None,
        outcome="success" if winner == "informed" else "lose_turns", played=True,
        success=winner == "informed", score=None, turns=2, reason=None,
        sides={"alone": ["p1"], "informed": ["p2", "p3", "p4"]}, winner=winner,
    )  # fmt: skip


def test_the_stronger_model_is_rated_above_the_weaker_whatever_side_it_plays() -> None:
    """ "strong" wins 80% of its games on either side against "weak": its interval lies above weak's."""
    rng = random.Random(4)
    rows = []
    for number in range(300):
        strong_alone = number % 2 == 0
        strong_won = rng.random() < 0.8
        alone, informed = ("strong", "weak") if strong_alone else ("weak", "strong")
        winner = "alone" if strong_won == strong_alone else "informed"
        rows.append(game(number, alone, informed, winner))
    (rating,) = ratings(rows, resamples=100)
    first, second = rating["competitors"]
    assert first["name"] == "strong" and second["name"] == "weak"
    assert first["low"] > second["high"]
    assert first["rating"] - second["rating"] > 150  # 80% expected: about 240 Elo points
    assert rating["matches"] == 300 and rating["self_play"] == 0
    assert first["games"] == second["games"] == 300


def test_a_side_that_wins_by_its_nature_does_not_flatter_whoever_plays_it() -> None:
    """Equal models, the lone side winning 75%: the side's term takes it, the models stay close."""
    rng = random.Random(5)
    rows = []
    for number in range(400):
        alone, informed = ("a", "b") if number % 2 == 0 else ("b", "a")
        rows.append(game(number, alone, informed, "alone" if rng.random() < 0.75 else "informed"))
    (rating,) = ratings(rows, resamples=50)
    first, second = rating["competitors"]
    assert abs(first["rating"] - second["rating"]) < 60
    assert rating["sides"]["side:alone"] - rating["sides"]["side:informed"] > 100


def test_self_play_alone_is_said_to_rate_nothing() -> None:
    rows = [game(number, "same", "same", "alone") for number in range(10)]
    (rating,) = ratings(rows)
    assert rating["competitors"] == [] and rating["self_play"] == 10
    assert "only self-play" in rating["note"]


def test_real_games_of_sides_are_read_from_the_game_facts(tmp_path: Path) -> None:
    """A Chameleon run: every game's sides and winner come from the game's own events; one model plays
    every seat, so the ratings say self-play only."""
    log = tmp_path / "run.jsonl"
    flags = ("--players", "4", "--games", "6", "--seed", "2", "--log", str(log), "--quiet")
    done = run_main("chameleon", *flags)
    assert done.returncode == 0, done.stderr
    report = build_report([str(log)])
    played = [row for row in report.rows if row.played]
    assert played and all(row.sides and row.winner in row.sides for row in played)
    assert all(len(next(iter(row.sides.values()))) + len(list(row.sides.values())[1]) == 4 for row in played)
    (rating,) = report.ratings
    assert rating["self_play"] == len(played) and rating["competitors"] == []
