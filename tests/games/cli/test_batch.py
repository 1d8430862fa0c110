"""The batch runner: the game list a seed decides, fault isolation, the cap on games in flight."""

from __future__ import annotations

import asyncio

from games.cli.batch import Batch, GameSpec, game_specs, run_batch
from games.kit.outcome import GameResult, Outcome

SUBJECTS = [f"card{i}" for i in range(10)]


def test_specs_are_distinct_and_fixed_by_the_seed() -> None:
    """N games get N distinct subjects and seeds; the same run seed gives the same list."""
    specs = game_specs(7, 10, SUBJECTS)
    assert sorted(spec.subject for spec in specs) == sorted(SUBJECTS)
    assert len({spec.seed for spec in specs}) == 10
    assert specs == game_specs(7, 10, SUBJECTS)
    assert specs != game_specs(8, 10, SUBJECTS)


def test_more_games_than_subjects_repeat_subjects() -> None:
    """With more games than subjects, subjects repeat in the seeded order."""
    specs = game_specs(1, 25, SUBJECTS)
    assert [spec.subject for spec in specs[:10]] == [spec.subject for spec in specs[10:20]]


def test_swap_adds_a_twin_per_game() -> None:
    """--swap plays each subject twice, the twin with swapped roles and the same seed."""
    specs = game_specs(3, 2, SUBJECTS, swap=True)
    assert [spec.game_id for spec in specs] == ["g1", "g1s", "g2", "g2s"]
    assert specs[0].seed == specs[1].seed and specs[1].swapped


def won(spec: GameSpec) -> GameResult:
    return GameResult(spec.game_id, Outcome.SUCCESS, 1, 100.0, "guessed", spec.subject)


async def test_a_crashing_game_does_not_stop_the_others() -> None:
    """A game whose code raises becomes an error result; every other game finishes."""

    async def play(spec: GameSpec) -> GameResult:
        if spec.index == 3:
            raise RuntimeError("boom")
        return won(spec)

    batch = Batch(game_specs(1, 8, SUBJECTS))
    results = await run_batch(batch, play, concurrency=3)
    assert len(results) == 8
    errors = [result for result in results if result.outcome is Outcome.ERROR]
    assert len(errors) == 1 and "boom" in errors[0].reason


async def test_at_most_k_games_are_in_flight() -> None:
    """The batch never has more than `concurrency` games running, and reaches that many."""
    in_flight = 0
    peak = 0
    release = asyncio.Event()
    reached = asyncio.Event()

    async def play(spec: GameSpec) -> GameResult:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        if in_flight == 4:
            reached.set()
        await release.wait()
        in_flight -= 1
        return won(spec)

    batch = Batch(game_specs(1, 10, SUBJECTS))
    task = asyncio.create_task(run_batch(batch, play, concurrency=4))
    await reached.wait()
    release.set()
    await task
    assert peak == 4
    assert len(batch.results) == 10


async def test_cancelling_keeps_the_finished_results() -> None:
    """Cancelling a batch cancels the games in flight and keeps the results already in."""
    hold = asyncio.Event()
    two_done = asyncio.Event()

    async def play(spec: GameSpec) -> GameResult:
        if spec.index >= 2:
            await hold.wait()
        return won(spec)

    batch = Batch(game_specs(1, 6, SUBJECTS))

    def on_result(result: GameResult) -> None:
        if len(batch.results) == 2:
            two_done.set()

    task = asyncio.create_task(run_batch(batch, play, concurrency=6, on_result=on_result))
    await two_done.wait()
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    assert task.cancelled()
    assert len(batch.results) == 2
