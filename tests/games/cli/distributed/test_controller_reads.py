"""How the controller reads what workers hand in, against a real Redis server: while results flow it waits
a little between reads (one round trip takes in many results, instead of one per result) but for the
last few games, it writes each game once however often it is handed in, and `patiently` tries a step
once before retrying."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from games.cli.batch import Batch
from games.cli.distributed.controller import FEW_LEFT, PACE_S, Controller, Publication
from games.cli.distributed.forwarded import RecordedEvents, encode_result
from games.cli.distributed.keys import QueueKeys
from games.cli.distributed.server import patiently
from games.kit.definition import GameSpec
from games.kit.outcome import GameResult, Outcome
from runtime.clock import SystemClock

DEADLINE_S = 10.0  # what no step of these tests comes near, unless it hangs


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


def ended(game_id: str) -> dict[str, Any]:
    """A results-stream entry as a worker's hand-in writes it."""
    result = GameResult(game_id, Outcome.SUCCESS, 1, 50.0, "guessed", "cat")
    recorded = RecordedEvents()
    result.log(recorded.events)
    return {"kind": "ended", "games": orjson.dumps([game_id]), "1": encode_result(result, recorded)}


def decoded(lines: list[tuple[str, bytes]]) -> list[dict[str, Any]]:
    """Relayed events as the run log would hold them (but for the fields the log adds)."""
    return [{"ts": ts, **orjson.loads(b"{" + tail)} for ts, tail in lines]


class Pacing(SystemClock):
    """The system clock, but each wait is recorded and runs `on_wait` first (the test's next hand-in)."""

    def __init__(self, on_wait: Any) -> None:
        super().__init__()
        self.waits: list[float] = []
        self._on_wait = on_wait

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        await self._on_wait()
        await asyncio.sleep(0)


def controller_for(
    redis: Redis, queue: str, batch: Batch, relayed: list[dict[str, Any]], clock: SystemClock, **kwargs: Any
) -> Controller:
    return Controller(
        redis,
        QueueKeys(queue),
        "b1",
        batch,
        Publication("taboo", {}, [], 8, None),
        lambda lines, _shown: relayed.extend(decoded(lines)),
        notice=lambda line: None,
        clock=clock,
        **{"on_result": lambda result: None, **kwargs},
    )


async def test_results_read_while_they_flow_are_paced_and_each_game_is_written_once(
    redis: Redis, queue: str
) -> None:
    names = [f"g{n}" for n in range(1, FEW_LEFT + 4)]  # enough games that reads are paced
    batch = Batch([GameSpec(name, n, n + 1, "cat") for n, name in enumerate(names)])
    relayed: list[dict[str, Any]] = []
    keys = QueueKeys(queue).batch("b1")
    late = [["g1"], names[2:]]  # the first game handed in again, then every game not yet handed in

    async def hand_in_next() -> None:
        for game_id in late.pop(0) if late else []:
            await redis.xadd(keys.results, ended(game_id))

    clock = Pacing(hand_in_next)
    controller = controller_for(redis, queue, batch, relayed, clock)
    for game_id in ("g1", "g2"):  # handed in before the controller's first read
        await redis.xadd(keys.results, ended(game_id))

    async with asyncio.timeout(DEADLINE_S):
        await controller.run()

    assert sorted(result.game_id for result in batch.results) == sorted(names)
    assert sorted(record["game_id"] for record in relayed) == sorted(names)
    # A wait after each read that brought results (g1 and g2; g1 again), none once the last game ended.
    assert clock.waits == [PACE_S, PACE_S]
    assert controller.remaining == []


async def test_with_few_games_left_the_next_read_goes_at_once(redis: Redis, queue: str) -> None:
    """A two-game batch: the second game's result is handed in once the first is written, and the
    controller, never pausing, takes it in with its next (blocking) read."""
    batch = Batch([GameSpec("g1", 0, 1, "cat"), GameSpec("g2", 1, 2, "cat")])
    relayed: list[dict[str, Any]] = []
    keys = QueueKeys(queue).batch("b1")
    handing_in: list[asyncio.Task[Any]] = []

    def on_result(result: GameResult) -> None:
        if result.game_id == "g1":
            handing_in.append(asyncio.create_task(redis.xadd(keys.results, ended("g2"))))

    async def never() -> None:
        raise AssertionError("the controller paused between reads")

    clock = Pacing(never)
    controller = controller_for(redis, queue, batch, relayed, clock, on_result=on_result)
    await redis.xadd(keys.results, ended("g1"))

    async with asyncio.timeout(DEADLINE_S):
        await controller.run()
        await asyncio.gather(*handing_in)

    assert [result.game_id for result in batch.results] == ["g1", "g2"]
    assert clock.waits == []


async def test_patiently_tries_a_step_once_when_it_succeeds_and_again_while_the_server_is_away() -> None:
    calls: list[str] = []

    async def fine() -> str:
        calls.append("fine")
        return "ok"

    assert await patiently(fine, 5.0) == "ok"
    assert calls == ["fine"]

    failures = [RedisConnectionError("gone"), RedisConnectionError("still gone")]

    async def flaky() -> str:
        calls.append("flaky")
        if failures:
            raise failures.pop(0)
        return "back"

    async with asyncio.timeout(DEADLINE_S):
        assert await patiently(flaky, 5.0) == "back"
    assert calls.count("flaky") == 3


async def test_patiently_gives_up_with_the_last_error_once_its_patience_is_spent() -> None:
    async def down() -> str:
        raise RedisConnectionError("refused")

    with pytest.raises(RedisConnectionError, match="refused"):
        await patiently(down, 0.0)


async def test_a_stop_that_the_redis_client_turns_into_a_timeout_still_stops_the_controller(
    redis: Redis, queue: str
) -> None:
    """A cancellation racing the client's socket timeout can come out of a Redis call as a timeout error;
    the controller must not take it for an outage and poll on for good (it did once, after SIGTERM)."""
    batch = Batch([GameSpec("g1", 0, 1, "cat")])
    controller = Controller(
        redis,
        QueueKeys(queue),
        "b2",
        batch,
        Publication("taboo", {}, [], 8, None),
        lambda lines, shown: None,
        on_result=lambda result: None,
        notice=lambda line: None,
    )
    stepping = asyncio.Event()
    swallowed: list[bool] = []

    async def step_that_swallows_the_cancellation() -> None:
        stepping.set()
        try:
            await asyncio.Event().wait()  # a read that would block until the server answers
        except asyncio.CancelledError:
            if swallowed:  # only the first (a later one is this test's deadline)
                raise
            swallowed.append(True)
            raise RedisTimeoutError("Timeout reading from socket") from None

    controller._step = step_that_swallows_the_cancellation  # type: ignore[method-assign]
    running = asyncio.create_task(controller.run())
    await stepping.wait()
    running.cancel()
    done, _ = await asyncio.wait({running}, timeout=DEADLINE_S)
    if not done:  # stop it for good before failing (a second cancellation is not swallowed)
        running.cancel()
        await asyncio.wait({running})
    assert done, "the controller took the swallowed stop for an outage and went on"
    assert running.cancelled()
