"""RedisCallLimits against a real Redis: two instances over two clients stand for two workers sharing one
cap, one per-minute window and one stop."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from agents.chat import ChatRequest, ModelSettings
from agents.doubles import ScriptedModel, reply_for
from agents.errors import ModelRejected, ModelUnavailable
from agents.gateway import Gateway
from agents.limits import LocalLimits, RoutedLimits
from games.cli.distributed.shared_limits import POLL_FIRST_S, RedisCallLimits
from runtime.clock import SystemClock
from tests.games.cli.distributed.held_scripts import SlowScripts

BACKEND = ("openai", "http://127.0.0.1:9/v1")
DEADLINE_S = 10.0  # what no step of these tests comes near, unless it hangs


class Stop(Exception):
    """Raised by a sleep to end a wait the test has seen enough of."""


class Polls:
    """A sleep that records each wait and says when there has been one, then sleeps for real."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.turned_away = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.turned_away.set()
        await asyncio.sleep(seconds)


@pytest.fixture
async def slow(redis_url: str) -> AsyncIterator[SlowScripts]:
    client = SlowScripts.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
async def clients(redis_url: str) -> AsyncIterator[list[Redis]]:
    """Two clients of the test's Redis: one per worker."""
    made = [Redis.from_url(redis_url) for _ in range(2)]
    yield made
    for client in made:
        await client.aclose()


def workers(clients: list[Redis], prefix: str, **options: Any) -> list[RedisCallLimits]:
    options.setdefault("requests_per_minute", None)
    return [RedisCallLimits(client, prefix, **options) for client in clients]


async def held(client: Redis, prefix: str) -> int:
    return await client.zcard(f"{prefix}:inflight")


async def server_time(client: Redis) -> float:
    seconds, microseconds = await client.time()
    return seconds + microseconds / 1_000_000


async def test_two_workers_never_hold_more_slots_than_the_cap(clients, redis_prefix):
    """Twenty callers on two workers under a cap of three: three hold slots at once, never more."""
    first, second = workers(clients, redis_prefix, max_concurrency=3)
    inside = most = 0
    entered: asyncio.Queue[int] = asyncio.Queue()
    leave = [asyncio.Event() for _ in range(20)]

    async def call(index: int) -> None:
        nonlocal inside, most
        async with (first if index % 2 else second).slot(BACKEND):
            inside += 1
            most = max(most, inside)
            entered.put_nowait(index)
            await leave[index].wait()
            inside -= 1

    tasks = [asyncio.create_task(call(index)) for index in range(20)]
    try:
        async with asyncio.timeout(DEADLINE_S):
            holding = [await entered.get() for _ in range(3)]
            assert await held(clients[0], redis_prefix) == 3
            while len(holding) < 20:
                leave[holding[-3]].set()
                holding.append(await entered.get())
            for index in holding[-3:]:
                leave[index].set()
            await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()

    assert most == 3
    assert sorted(holding) == list(range(20))
    assert await held(clients[0], redis_prefix) == 0


async def test_a_waiter_cancelled_while_turned_away_leaks_no_slot(clients, redis_prefix):
    """A caller cancelled while it waits for the cap holds nothing; the slot it waited for is free."""
    polls = Polls()
    first = RedisCallLimits(clients[0], redis_prefix, max_concurrency=1, requests_per_minute=None)
    second = RedisCallLimits(
        clients[1], redis_prefix, max_concurrency=1, requests_per_minute=None, sleep=polls
    )

    async with asyncio.timeout(DEADLINE_S):
        async with first.slot(BACKEND):
            waiter = asyncio.create_task(second.slot(BACKEND).__aenter__())
            await polls.turned_away.wait()
            waiter.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiter
        await second.drain()
        assert await held(clients[0], redis_prefix) == 0
        async with second.slot(BACKEND):
            assert await held(clients[0], redis_prefix) == 1

    assert await held(clients[0], redis_prefix) == 0


async def test_a_caller_cancelled_while_its_slot_was_granted_gives_it_back(slow, clients, redis_prefix):
    """Cancelled after the script granted a slot but before the answer came: the slot and its start are
    taken back once the answer is in."""
    limits = RedisCallLimits(slow, redis_prefix, max_concurrency=1, requests_per_minute=5)
    slow.answering.clear()
    async with asyncio.timeout(DEADLINE_S):
        caller = asyncio.create_task(limits.slot(BACKEND).__aenter__())
        await slow.ran.wait()
        assert await held(clients[0], redis_prefix) == 1
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
        slow.answering.set()
        await limits.drain()

    assert await held(clients[0], redis_prefix) == 0
    assert await clients[0].zcard(f"{redis_prefix}:rpm") == 0


async def test_a_slot_is_released_when_its_holder_is_cancelled(clients, redis_prefix):
    """A holder cancelled inside its slot gives it back."""
    limits = RedisCallLimits(clients[0], redis_prefix, max_concurrency=2, requests_per_minute=None)
    inside = asyncio.Event()

    async def hold() -> None:
        async with limits.slot(BACKEND):
            inside.set()
            await asyncio.Event().wait()

    async with asyncio.timeout(DEADLINE_S):
        holder = asyncio.create_task(hold())
        await inside.wait()
        holder.cancel()
        with pytest.raises(asyncio.CancelledError):
            await holder
        await limits.drain()

    assert await held(clients[0], redis_prefix) == 0


async def test_the_sixth_start_in_a_minute_waits_for_the_window(clients, redis_prefix):
    """Five starts a minute across both workers: the sixth is told to wait until the first leaves the
    window, about 60 s, and takes no slot meanwhile."""
    waits: list[float] = []

    async def stop(seconds: float) -> None:
        waits.append(seconds)
        raise Stop

    first, second = workers(clients, redis_prefix, max_concurrency=10, requests_per_minute=5, sleep=stop)
    for limits in [first, second, first, second, first]:
        async with limits.slot(BACKEND):
            pass
    assert waits == []

    with pytest.raises(Stop):
        async with second.slot(BACKEND):
            pass

    assert len(waits) == 1 and 55.0 < waits[0] <= 60.0
    assert await clients[0].zcard(f"{redis_prefix}:rpm") == 5
    assert await held(clients[0], redis_prefix) == 0


async def test_renewed_slots_are_kept_and_the_others_lapse_after_hold_s(clients, redis_prefix):
    """`renew` pushes the expiry of the slots held hold_s past now, and brings back none released; a
    worker that stops renewing loses its slots hold_s later, and another worker gets them."""
    polls = Polls()
    first = RedisCallLimits(clients[0], redis_prefix, max_concurrency=2, requests_per_minute=None, hold_s=0.2)
    second = RedisCallLimits(
        clients[1], redis_prefix, max_concurrency=2, requests_per_minute=None, sleep=polls
    )
    leave = asyncio.Event()
    inside: asyncio.Queue[None] = asyncio.Queue()

    async def hold() -> None:
        async with first.slot(BACKEND):
            inside.put_nowait(None)
            await leave.wait()

    async with asyncio.timeout(DEADLINE_S):
        holders = [asyncio.create_task(hold()) for _ in range(2)]
        for _ in holders:
            await inside.get()
        before = [
            score for _, score in await clients[0].zrange(f"{redis_prefix}:inflight", 0, -1, withscores=True)
        ]
        renewed_from = await server_time(clients[0])
        await first.renew()
        after = [
            score for _, score in await clients[0].zrange(f"{redis_prefix}:inflight", 0, -1, withscores=True)
        ]
        assert all(score >= renewed_from + 0.2 for score in after)
        assert min(after) > max(before)

        async with second.slot(BACKEND):  # the cap is full until first's slots lapse
            assert polls.waits
            leave.set()
            await asyncio.gather(*holders)
            await first.renew()
            assert await held(clients[0], redis_prefix) == 1

    assert await held(clients[0], redis_prefix) == 0


async def test_a_renew_that_races_a_release_brings_nothing_back(slow, clients, redis_prefix):
    """A renew sent before a release but run after it leaves the released slot gone."""
    limits = RedisCallLimits(slow, redis_prefix, max_concurrency=1, requests_per_minute=None)
    async with asyncio.timeout(DEADLINE_S):
        async with limits.slot(BACKEND):
            slow.sending.clear()
            renewing = asyncio.create_task(limits.renew())
            await slow.held_back.wait()
        assert await held(clients[0], redis_prefix) == 0
        slow.sending.set()
        await renewing

    assert await held(clients[0], redis_prefix) == 0


async def test_a_trip_on_one_worker_stops_the_others_with_the_same_error(clients, redis_prefix):
    """After one worker trips, the other's next slot raises ModelRejected with the first trip's message and
    status; a later trip changes nothing."""
    first, second = workers(clients, redis_prefix, max_concurrency=2)
    rejected = ModelRejected("HTTP 401 from http://127.0.0.1:9/v1: the API key was rejected", status=401)
    assert await second.fatal() is None

    assert await first.trip(rejected) is True
    assert (
        await second.trip(ModelUnavailable("cannot reach the server", reason="refused", attempts=2)) is False
    )
    with pytest.raises(ModelRejected) as caught:
        async with second.slot(BACKEND):
            pass

    assert (str(caught.value), caught.value.status) == (str(rejected), 401)
    assert await second.fatal() == str(rejected)
    assert await held(clients[0], redis_prefix) == 0


async def test_a_trip_stops_a_caller_already_waiting_and_keeps_a_status_it_lacks(clients, redis_prefix):
    """A caller waiting for the cap raises as soon as another worker trips; a tripping error without a
    status (a server never reached) comes back as ModelRejected without one."""
    polls = Polls()
    first = RedisCallLimits(clients[0], redis_prefix, max_concurrency=1, requests_per_minute=None)
    second = RedisCallLimits(
        clients[1], redis_prefix, max_concurrency=1, requests_per_minute=None, sleep=polls
    )
    unreached = ModelUnavailable(
        "cannot reach the server at http://127.0.0.1:9/v1", reason="refused", attempts=2
    )

    async with asyncio.timeout(DEADLINE_S):
        async with first.slot(BACKEND):
            waiter = asyncio.create_task(second.slot(BACKEND).__aenter__())
            await polls.turned_away.wait()
            await first.trip(unreached)
            with pytest.raises(ModelRejected) as caught:
                await waiter

    assert (str(caught.value), caught.value.status) == (str(unreached), None)


async def test_routed_limits_take_shared_slots_only_for_the_shared_backends(clients, redis_prefix):
    """Behind RoutedLimits, a shared backend's call holds a slot in Redis; an offline one's does not."""
    shared = RedisCallLimits(clients[0], redis_prefix, max_concurrency=2, requests_per_minute=None)
    limits = RoutedLimits(shared, LocalLimits(2, None, SystemClock()), shared_for=lambda b: b[0] == "openai")

    async with limits.slot(BACKEND):
        assert await held(clients[0], redis_prefix) == 1
    async with limits.slot(("offline", None)):
        assert await held(clients[0], redis_prefix) == 0


def ask(agent: str) -> ChatRequest:
    return ChatRequest.build(agent, [{"role": "user", "content": "go"}], ModelSettings("m"), game_id="g1")


async def test_two_gateways_share_the_cap_and_the_stop(clients, redis_prefix):
    """Two workers' gateways under one shared cap of one: the second's call goes once the first's has
    ended; after the first worker's gateway trips and says so, the second's calls fail alike."""
    polls = Polls()
    shared = [
        RedisCallLimits(clients[0], redis_prefix, max_concurrency=1, requests_per_minute=None),
        RedisCallLimits(clients[1], redis_prefix, max_concurrency=1, requests_per_minute=None, sleep=polls),
    ]
    gateways = [Gateway(limits=limits) for limits in shared]
    order: list[str] = []
    answering, answer = asyncio.Event(), asyncio.Event()

    async def respond(request: ChatRequest):
        order.append(request.agent)
        if request.agent == "a":
            answering.set()
            await answer.wait()
        return reply_for(request, "ok")

    async with asyncio.timeout(DEADLINE_S):
        first = asyncio.create_task(gateways[0].complete(ScriptedModel(respond), ask("a")))
        await answering.wait()
        second = asyncio.create_task(gateways[1].complete(ScriptedModel(respond), ask("b")))
        await polls.turned_away.wait()
        assert order == ["a"]
        answer.set()
        await asyncio.gather(first, second)
    assert order == ["a", "b"]

    rejected = ScriptedModel([ModelRejected("HTTP 401: the API key was rejected", status=401)])
    with pytest.raises(ModelRejected) as caught:
        await gateways[0].complete(rejected, ask("a"))
    assert gateways[0].fatal is caught.value
    await shared[0].trip(gateways[0].fatal)
    never = ScriptedModel(["never"])
    with pytest.raises(ModelRejected) as refused:
        await gateways[1].complete(never, ask("b"))

    assert (str(refused.value), refused.value.status) == (str(caught.value), 401)
    assert never.requests == []


# -- callers of one instance asking together ---------------------------------------------------------


class Gate:
    """A sleep that says when it starts (`asked`, the seconds asked for) and returns only when the test
    lets one through (`let_through`)."""

    def __init__(self) -> None:
        self.asked: asyncio.Queue[float] = asyncio.Queue()
        self._through: asyncio.Queue[None] = asyncio.Queue()

    async def __call__(self, seconds: float) -> None:
        self.asked.put_nowait(seconds)
        await self._through.get()

    def let_through(self) -> None:
        self._through.put_nowait(None)


class Callers:
    """Callers of `limits.slot`, each holding its slot until told to leave; `entered` says who got in."""

    def __init__(self, limits: RedisCallLimits) -> None:
        self._limits = limits
        self.entered: asyncio.Queue[int] = asyncio.Queue()
        self.inside = self.most = 0
        self._leave: dict[int, asyncio.Event] = {}
        self.tasks: dict[int, asyncio.Task[None]] = {}

    async def line_up(self, *indexes: int) -> None:
        """Start a caller for each index; return once each has asked (is in line or under way)."""
        asked = [asyncio.Event() for _ in indexes]
        for index, event in zip(indexes, asked, strict=True):
            self._leave[index] = asyncio.Event()
            self.tasks[index] = asyncio.create_task(self._call(index, event))
        for event in asked:
            await event.wait()

    async def leave(self, *indexes: int) -> None:
        """Let the callers leave, and return once their slots are given back."""
        for index in indexes:
            self._leave[index].set()
        await asyncio.gather(*(self.tasks[index] for index in indexes))

    async def _call(self, index: int, asked: asyncio.Event) -> None:
        entering = self._limits.slot(BACKEND)
        asking = entering.__aenter__()
        asked.set()  # the caller is in line before this task next lets another run
        await asking
        try:
            self.inside += 1
            self.most = max(self.most, self.inside)
            self.entered.put_nowait(index)
            await self._leave[index].wait()
            self.inside -= 1
        finally:
            await entering.__aexit__(None, None, None)

    async def finish(self) -> None:
        for leave in self._leave.values():
            leave.set()
        await asyncio.gather(*self.tasks.values(), return_exceptions=True)


async def entered(callers: Callers, count: int) -> list[int]:
    return [await callers.entered.get() for _ in range(count)]


async def test_callers_that_come_during_a_request_ask_together_in_arrival_order(slow, clients, redis_prefix):
    """Under a cap of three, a caller's request is held on its way while five more come: they ask in one
    round trip, which grants the first two; the other three keep their order and ask again after the cap's
    poll (2 ms, then twice as long while the same caller is first), together."""
    gate = Gate()
    limits = RedisCallLimits(slow, redis_prefix, max_concurrency=3, requests_per_minute=None, sleep=gate)
    callers = Callers(limits)
    slow.sending.clear()
    try:
        async with asyncio.timeout(DEADLINE_S):
            await callers.line_up(0)
            await slow.held_back.wait()
            await callers.line_up(1, 2, 3, 4, 5)
            slow.sending.set()
            assert await entered(callers, 3) == [0, 1, 2]
            assert await gate.asked.get() == POLL_FIRST_S
            assert slow.calls == 2
            assert await held(clients[0], redis_prefix) == 3

            gate.let_through()  # the cap is still full: caller 3 is refused again, and waits twice as long
            assert await gate.asked.get() == 2 * POLL_FIRST_S
            await callers.leave(0)
            gate.let_through()
            assert await entered(callers, 1) == [3]
            assert await gate.asked.get() == POLL_FIRST_S  # caller 4 is first now
            assert slow.calls == 4

            await callers.leave(1, 2)
            gate.let_through()
            assert await entered(callers, 2) == [4, 5]
            assert slow.calls == 5  # six callers, five round trips, two of them polls
            assert gate.asked.empty()
    finally:
        await callers.finish()
    await limits.drain()
    assert callers.most == 3
    assert await held(clients[0], redis_prefix) == 0


async def test_a_group_is_granted_up_to_the_window_and_the_rest_wait_for_it(slow, clients, redis_prefix):
    """Five starts a minute: of seven callers asking together, four more after a first are granted, and
    the sixth is told to wait for the window (about 60 s); it and those after it get no slot or start."""
    waits: list[float] = []

    async def stop(seconds: float) -> None:
        waits.append(seconds)
        raise Stop

    limits = RedisCallLimits(slow, redis_prefix, max_concurrency=10, requests_per_minute=5, sleep=stop)
    callers = Callers(limits)
    slow.sending.clear()
    try:
        async with asyncio.timeout(DEADLINE_S):
            await callers.line_up(0)
            await slow.held_back.wait()
            await callers.line_up(1, 2, 3, 4, 5, 6, 7)
            slow.sending.set()
            assert await entered(callers, 5) == [0, 1, 2, 3, 4]
            for index in (5, 6, 7):
                with pytest.raises(Stop):
                    await callers.tasks[index]
            assert slow.calls == 2
            assert await held(clients[0], redis_prefix) == 5
            assert await clients[0].zcard(f"{redis_prefix}:rpm") == 5
    finally:
        await callers.finish()
    await limits.drain()
    assert len(waits) == 1 and 55.0 < waits[0] <= 60.0
    assert await held(clients[0], redis_prefix) == 0
    assert await clients[0].zcard(f"{redis_prefix}:rpm") == 5


async def test_a_caller_cancelled_while_its_group_asks_leaks_no_slot(slow, clients, redis_prefix):
    """Three callers ask in one round trip; the second is cancelled after the script granted all three but
    before the answer came: the other two hold their slots, and the second's slot and start go back."""
    limits = RedisCallLimits(slow, redis_prefix, max_concurrency=5, requests_per_minute=10)
    callers = Callers(limits)
    slow.answering.clear()
    try:
        async with asyncio.timeout(DEADLINE_S):
            await callers.line_up(0, 1, 2)
            await slow.ran.wait()
            assert await held(clients[0], redis_prefix) == 3
            callers.tasks[1].cancel()
            slow.answering.set()
            assert await entered(callers, 2) == [0, 2]
            await limits.drain()
            assert await held(clients[0], redis_prefix) == 2
            assert await clients[0].zcard(f"{redis_prefix}:rpm") == 2
            assert slow.calls == 1
    finally:
        await callers.finish()
    assert callers.tasks[1].cancelled()
    await limits.drain()
    assert await held(clients[0], redis_prefix) == 0


async def test_a_caller_cancelled_as_its_grant_came_gives_its_slot_back(clients, redis_prefix):
    """Two callers granted in one round trip; the first, once in, cancels the second before it could go
    on: the second's slot and start go back."""
    limits = RedisCallLimits(clients[0], redis_prefix, max_concurrency=5, requests_per_minute=10)
    inside, leave = asyncio.Event(), asyncio.Event()
    second: asyncio.Task[None] | None = None

    async def first_caller() -> None:
        async with limits.slot(BACKEND):
            assert second is not None
            second.cancel()
            inside.set()
            await leave.wait()

    async def second_caller() -> None:
        async with limits.slot(BACKEND):
            raise AssertionError("the second caller went on")

    async with asyncio.timeout(DEADLINE_S):
        first = asyncio.create_task(first_caller())
        second = asyncio.create_task(second_caller())
        await inside.wait()
        with pytest.raises(asyncio.CancelledError):
            await second
        await limits.drain()
        assert await held(clients[0], redis_prefix) == 1
        assert await clients[0].zcard(f"{redis_prefix}:rpm") == 1
        leave.set()
        await first
    await limits.drain()
    assert await held(clients[0], redis_prefix) == 0


async def test_an_unreachable_server_or_a_trip_fails_every_caller_of_the_group(clients, redis_prefix):
    """Callers asking together all see the error of their one round trip: a server that cannot be
    reached, or the first trip's ModelRejected."""
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = SlowScripts.from_url(f"redis://127.0.0.1:{port}")
    try:
        unreachable = RedisCallLimits(down, redis_prefix, max_concurrency=5, requests_per_minute=None)
        async with asyncio.timeout(DEADLINE_S):
            outcomes = await asyncio.gather(
                *(unreachable.slot(BACKEND).__aenter__() for _ in range(3)), return_exceptions=True
            )
            await unreachable.drain()
        assert [type(outcome) for outcome in outcomes] == [RedisConnectionError] * 3
        assert down.calls == 1
    finally:
        await down.aclose()

    tripped = RedisCallLimits(clients[0], redis_prefix, max_concurrency=5, requests_per_minute=None)
    await tripped.trip(ModelRejected("HTTP 401: the API key was rejected", status=401))
    async with asyncio.timeout(DEADLINE_S):
        outcomes = await asyncio.gather(
            *(tripped.slot(BACKEND).__aenter__() for _ in range(3)), return_exceptions=True
        )
    assert [(type(outcome), getattr(outcome, "status", None)) for outcome in outcomes] == [
        (ModelRejected, 401)
    ] * 3
    assert await held(clients[0], redis_prefix) == 0
