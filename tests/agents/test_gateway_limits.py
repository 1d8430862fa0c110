"""The gateway's limits as a seam: LocalLimits is the cap and window of one process, RoutedLimits picks
limits per backend, and the gateway asks whatever limits it holds for a place per attempt."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from agents.chat import ChatRequest, ModelSettings
from agents.doubles import ScriptedModel
from agents.errors import ModelRejected, TransientModelError
from agents.gateway import Gateway
from agents.limits import Backend, LocalLimits, RoutedLimits
from runtime.clock import FakeClock
from runtime.events import capture_events
from tests.support.agents import let_run


def ask(agent: str = "hinter") -> ChatRequest:
    return ChatRequest.build(agent, [{"role": "user", "content": "go"}], ModelSettings("m"), game_id="g1")


async def no_wait(seconds: float) -> None:
    pass


class GatedLimits:
    """Limits that record each slot asked for and, when gated, let a caller in only once the test sets
    the event it finds in `waiting` (in arrival order)."""

    def __init__(self, name: str = "gated", *, gated: bool = False) -> None:
        self.name = name
        self.gated = gated
        self.log: list[tuple[str, str, Backend]] = []
        self.waiting: asyncio.Queue[asyncio.Event] = asyncio.Queue()

    @asynccontextmanager
    async def slot(self, backend: Backend) -> AsyncIterator[None]:
        if self.gated:
            gate = asyncio.Event()
            self.waiting.put_nowait(gate)
            await gate.wait()
        self.log.append((self.name, "enter", backend))
        try:
            yield
        finally:
            self.log.append((self.name, "exit", backend))

    async def let_in_next(self) -> None:
        (await self.waiting.get()).set()


async def test_local_limits_hand_out_places_in_arrival_order():
    """Past the cap, callers get their places in the order they asked."""
    limits = LocalLimits(1, None, FakeClock())
    entered: list[int] = []
    release = asyncio.Event()

    async def call(index: int) -> None:
        async with limits.slot(("scripted", None)):
            entered.append(index)
            if index == 0:
                await release.wait()

    tasks = [asyncio.create_task(call(index)) for index in range(4)]
    await let_run()
    assert entered == [0]
    release.set()
    await asyncio.gather(*tasks)

    assert entered == [0, 1, 2, 3]


async def test_local_limits_keep_the_per_minute_window_on_their_clock():
    """With one request a minute, the second slot opens when the clock has moved 60 s."""
    clock = FakeClock()
    limits = LocalLimits(4, 1, clock)
    async with limits.slot(("scripted", None)):
        pass

    async def second_call() -> None:
        async with limits.slot(("scripted", None)):
            pass

    second = asyncio.create_task(second_call())
    await let_run()
    assert not second.done()
    clock.advance(60.0)
    await second

    assert clock.monotonic() == 60.0


def test_a_cap_below_one_is_refused():
    """LocalLimits, and so a Gateway without limits of its own, refuse a cap of zero."""
    with pytest.raises(ValueError, match="max_concurrency must be at least 1, got 0"):
        LocalLimits(0, None, FakeClock())
    with pytest.raises(ValueError, match="max_concurrency must be at least 1, got 0"):
        Gateway(max_concurrency=0)


async def test_routed_limits_send_the_picked_backends_to_the_shared_limits():
    """Backends `shared_for` picks use the shared limits, the others the local ones."""
    shared, local = GatedLimits("shared"), GatedLimits("local")
    limits = RoutedLimits(shared, local, shared_for=lambda backend: backend[0] == "openai")

    for backend in [("openai", "http://127.0.0.1:9/v1"), ("offline", None), ("openai", None)]:
        async with limits.slot(backend):
            pass

    assert [(name, backend) for name, step, backend in shared.log + local.log if step == "enter"] == [
        ("shared", ("openai", "http://127.0.0.1:9/v1")),
        ("shared", ("openai", None)),
        ("local", ("offline", None)),
    ]


async def test_each_attempt_runs_inside_a_slot_for_its_backend():
    """A retried call asks for a place per attempt, naming the model's backend, and holds it while the
    model answers."""
    limits = GatedLimits()
    steps: list[str] = []

    def respond(request: ChatRequest):
        steps.append(f"attempt inside {limits.log[-1][1]}")
        if len(steps) == 1:
            raise TransientModelError("HTTP 500")
        return "ok"

    reply = await Gateway(sleep=no_wait, limits=limits).complete(ScriptedModel(respond), ask())

    assert reply.text == "ok" and reply.attempts == 2
    assert steps == ["attempt inside enter"] * 2
    assert limits.log == [("gated", step, ("scripted", None)) for step in ["enter", "exit"] * 2]


async def test_time_waiting_for_a_slot_is_queued_not_latency():
    """Time spent waiting for the limits shows in queued_ms, not in latency_ms."""
    clock = FakeClock()
    limits = GatedLimits(gated=True)
    sink, logs = capture_events()

    call = asyncio.create_task(
        Gateway(clock=clock, limits=limits).complete(ScriptedModel(["x"]), ask(), sink)
    )
    await let_run()
    clock.advance(3.0)
    await limits.let_in_next()
    reply = await call

    assert reply.latency_ms == 0
    assert [entry["queued_ms"] for entry in logs if entry["event"] == "llm_call"] == [3000]


async def test_a_backend_stopped_while_a_call_waited_for_its_slot_gets_nothing_sent():
    """A call that got its place after the backend was stopped raises the same error and sends nothing."""
    limits = GatedLimits(gated=True)
    model = ScriptedModel(["warm", ModelRejected("HTTP 401: the key was rejected", status=401), "never"])
    gateway = Gateway(sleep=no_wait, limits=limits)
    first = asyncio.create_task(gateway.complete(model, ask()))
    await limits.let_in_next()
    await first

    rejected = asyncio.create_task(gateway.complete(model, ask("a")))
    refused = asyncio.create_task(gateway.complete(model, ask("b")))
    await limits.let_in_next()
    with pytest.raises(ModelRejected) as caught:
        await rejected
    await limits.let_in_next()
    with pytest.raises(ModelRejected) as later:
        await refused

    assert [step for _, step, _ in limits.log].count("enter") == 3
    assert len(model.requests) == 2
    assert (str(later.value), later.value.status) == (str(caught.value), 401)
