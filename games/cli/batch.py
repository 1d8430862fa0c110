"""Many games in one process: the game list a seed decides, and at most K games in flight.

One game's failure stays in that game: `play_one` maps model and agent failures to an `error` outcome,
and anything it still raises becomes an `error` result here, so the other games go on. Cancelling the
batch (Ctrl-C) cancels the games in flight; the results finished so far stay in `Batch.results`.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from games.kit.definition import GameSpec
from games.kit.outcome import GameResult, Outcome
from runtime.events import NULL_EVENTS, EventLog


def game_seed(run_seed: int, index: int) -> int:
    """Game `index`'s seed: fixed by the run's seed, different for every game."""
    return random.Random(f"{run_seed}:{index}").randrange(2**31)


def game_specs(
    run_seed: int,
    count: int,
    subjects: Sequence[str],
    *,
    fixed: str | None = None,
    swap: bool = False,
    ordered: bool = False,
) -> list[GameSpec]:
    """`count` games over distinct subjects (in an order the seed decides, or in their own order when
    `ordered`; repeated only when there are more games than subjects). With `swap`, every game is
    followed by its role-swapped twin."""
    if fixed is not None:
        order = [fixed]
    else:
        order = list(subjects)
        if not ordered:
            random.Random(run_seed).shuffle(order)
    if count == 1 and fixed is None and not ordered:
        order = [random.Random(run_seed).choice(list(subjects))]
    specs = []
    for index in range(count):
        subject = order[index % len(order)]
        seed = run_seed if count == 1 else game_seed(run_seed, index)
        specs.append(GameSpec(f"g{index + 1}", index, seed, subject))
        if swap:
            specs.append(GameSpec(f"g{index + 1}s", index, seed, subject, swapped=True))
    return specs


@dataclass
class Batch:
    """A running batch's results, in the order the games finished. `stop()` starts no more games (the
    ones in flight finish); the games never started are `unplayed`."""

    specs: list[GameSpec]
    results: list[GameResult] = field(default_factory=list)
    stopped: str | None = None  # why the batch stopped starting games

    def stop(self, reason: str) -> None:
        if self.stopped is None:
            self.stopped = reason

    @property
    def unplayed(self) -> list[GameSpec]:
        """The planned games that did not end, in plan order."""
        ended = {result.game_id for result in self.results}
        return [spec for spec in self.specs if spec.game_id not in ended]


async def run_batch(
    batch: Batch,
    play_one: Callable[[GameSpec], Awaitable[GameResult]],
    *,
    concurrency: int,
    events: EventLog = NULL_EVENTS,
    on_result: Callable[[GameResult], None] | None = None,
) -> list[GameResult]:
    """Play every game of `batch`, at most `concurrency` at once, in one event loop; a game that raised
    is logged to `events` as ended in error."""
    slots = asyncio.Semaphore(concurrency)

    async def one(spec: GameSpec) -> None:
        async with slots:
            if batch.stopped is not None:
                return
            try:
                result = await play_one(spec)
            except Exception as exc:  # a bug in one game must not stop the others
                result = GameResult(
                    spec.game_id, Outcome.ERROR, 0, None, f"{type(exc).__name__}: {exc}", spec.subject
                )
                result.log(events.bind(game_id=spec.game_id))
        batch.results.append(result)
        if on_result is not None:
            on_result(result)

    async with asyncio.TaskGroup() as group:
        for spec in batch.specs:
            group.create_task(one(spec), name=f"game:{spec.game_id}")
    return batch.results
