"""Gateway policy with doubles and injected time: backoff, budgets, latency, cancellation, limits."""

from __future__ import annotations

import asyncio
import random

import pytest

from agents.chat import ChatRequest, ModelSettings
from agents.doubles import ScriptedModel, reply_for
from agents.errors import ModelUnavailable, TransientModelError
from agents.gateway import Gateway, RetryPolicy
from agents.limits import RequestsPerMinute
from runtime.clock import FakeClock
from runtime.events import capture_events
from tests.support.agents import let_run


def ask(agent: str = "hinter") -> ChatRequest:
    return ChatRequest.build(agent, [{"role": "user", "content": "go"}], ModelSettings("m"), game_id="g1")


class RecordedSleep:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


async def test_backoff_doubles_up_to_the_maximum():
    """Without Retry-After, waits double from the initial wait and stop growing at the maximum."""
    sleep = RecordedSleep()
    policy = RetryPolicy(max_attempts=5, initial_backoff_s=0.5, max_backoff_s=1.5, jitter_s=0.0)
    model = ScriptedModel([TransientModelError("HTTP 500")] * 4 + ["ok"])

    await Gateway(sleep=sleep, retry=policy).complete(model, ask())

    assert sleep.waits == [0.5, 1.0, 1.5, 1.5]


def test_backoff_jitter_stays_within_bounds():
    """Jitter adds at most jitter_s to the exponential wait."""
    policy = RetryPolicy(initial_backoff_s=1.0, max_backoff_s=100.0, jitter_s=0.5)
    rng = random.Random(3)

    waits = [policy.backoff_s(3, rng) for _ in range(50)]

    assert all(4.0 <= wait <= 4.5 for wait in waits)
    assert len(set(waits)) > 1


async def test_unexpected_errors_are_not_retried():
    """A bug in a model (not a ModelError) propagates at once."""
    model = ScriptedModel([KeyError("oops"), "never"])

    with pytest.raises(KeyError):
        await Gateway(sleep=RecordedSleep()).complete(model, ask())

    assert len(model.requests) == 1


async def test_model_unavailable_reports_the_last_reason():
    """ModelUnavailable says how many attempts were made and the last failure's reason."""
    model = ScriptedModel([TransientModelError("HTTP 502"), TransientModelError("timeout")])

    with pytest.raises(ModelUnavailable) as caught:
        await Gateway(sleep=RecordedSleep(), retry=RetryPolicy(max_attempts=2)).complete(model, ask())

    assert caught.value.reason == "timeout"
    assert "did not answer after 2 attempts" in str(caught.value)
    assert "backend 'scripted'" in str(caught.value)


async def test_cap_wait_is_not_counted_in_latency():
    """Time spent waiting for the concurrency cap shows in queued_ms, not latency_ms."""
    clock = FakeClock()
    entered = asyncio.Event()
    go = asyncio.Event()

    class SlowFirst:
        name = "slow-first"
        calls = 0

        async def complete(self, request: ChatRequest):
            self.calls += 1
            if self.calls == 1:
                entered.set()
                await go.wait()
                clock.advance(5.0)
            return reply_for(request, "x")

    gateway = Gateway(max_concurrency=1, clock=clock)
    model = SlowFirst()
    sink, logs = capture_events()
    first = asyncio.create_task(gateway.complete(model, ask("first"), sink))
    await entered.wait()
    second = asyncio.create_task(gateway.complete(model, ask("second"), sink))
    await asyncio.sleep(0)
    go.set()

    first_reply, second_reply = await asyncio.gather(first, second)

    assert first_reply.latency_ms == 5000
    assert second_reply.latency_ms == 0
    queued = {entry["agent"]: entry["queued_ms"] for entry in logs if entry["event"] == "llm_call"}
    assert queued == {"first": 0, "second": 5000}


async def test_per_request_timeout_uses_the_clock():
    """An attempt outliving its timeout on the gateway's clock is retried as a timeout."""
    clock = FakeClock()
    hang = asyncio.Event()
    started = asyncio.Event()

    class HangsOnce:
        name = "hangs-once"
        calls = 0

        async def complete(self, request: ChatRequest):
            self.calls += 1
            if self.calls == 1:
                started.set()
                await hang.wait()
            return reply_for(request, "second try")

    request = ChatRequest.build("a", [{"role": "user", "content": "q"}], ModelSettings("m", timeout_s=30.0))
    gateway = Gateway(clock=clock, sleep=RecordedSleep())
    task = asyncio.create_task(gateway.complete(HangsOnce(), request))
    await started.wait()
    clock.advance(30.0)

    reply = await task

    assert (reply.text, reply.attempts) == ("second try", 2)
    assert 30000 <= reply.latency_ms <= 31000


async def test_budget_cuts_a_hanging_attempt_short():
    """An attempt that hangs ends when the call's whole budget is spent, before its own timeout."""
    clock = FakeClock()
    hanging = asyncio.Event()

    class FailsThenHangs:
        name = "fails-then-hangs"
        calls = 0

        async def complete(self, request: ChatRequest):
            self.calls += 1
            if self.calls == 1:
                clock.advance(20.0)
                raise TransientModelError("HTTP 503")
            hanging.set()
            await asyncio.Event().wait()

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)

    policy = RetryPolicy(max_total_s=30.0, initial_backoff_s=0.5, jitter_s=0.0)
    request = ChatRequest.build("a", [{"role": "user", "content": "q"}], ModelSettings("m", timeout_s=25.0))
    gateway = Gateway(clock=clock, sleep=sleep, retry=policy)
    task = asyncio.create_task(gateway.complete(FailsThenHangs(), request))
    await hanging.wait()
    clock.advance(9.5)  # 30 s since the call began; the second attempt's own timeout is 15 s away
    await let_run()

    assert task.done()
    with pytest.raises(ModelUnavailable) as caught:
        task.result()
    assert (caught.value.reason, caught.value.attempts) == ("timeout", 2)
    assert clock.monotonic() == 30.0


async def test_request_timeout_longer_than_the_budget_is_honoured():
    """A request timeout longer than max_total_s gets one whole attempt: the budget grows to it."""
    clock = FakeClock()
    hanging = asyncio.Event()

    class HangsOnce:
        name = "hangs-once"
        calls = 0

        async def complete(self, request: ChatRequest):
            self.calls += 1
            if self.calls == 1:
                hanging.set()
                await asyncio.Event().wait()
            return reply_for(request, "late but fine")

    request = ChatRequest.build("a", [{"role": "user", "content": "q"}], ModelSettings("m", timeout_s=50.0))
    gateway = Gateway(clock=clock, sleep=RecordedSleep(), retry=RetryPolicy(max_total_s=30.0))
    task = asyncio.create_task(gateway.complete(HangsOnce(), request))
    await hanging.wait()
    clock.advance(49.0)
    await let_run()
    assert not task.done()
    clock.advance(1.0)

    with pytest.raises(ModelUnavailable) as caught:
        await task
    assert caught.value.attempts == 1


async def test_cancellation_is_never_swallowed():
    """Cancelling a call in flight cancels it; it is neither retried nor turned into a ModelError."""
    started = asyncio.Event()

    class Hangs:
        name = "hangs"

        async def complete(self, request: ChatRequest):
            started.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(Gateway(sleep=RecordedSleep()).complete(Hangs(), ask()))
    await started.wait()
    task.cancel()

    with pytest.raises(asyncio.CancelledError):
        await task


async def test_requests_per_minute_spreads_requests_over_the_window():
    """Past the per-minute limit, a request waits until the oldest one leaves the 60 s window."""
    clock = FakeClock()
    limit = RequestsPerMinute(2, clock)
    await limit.acquire()
    clock.advance(10.0)
    await limit.acquire()

    third = asyncio.create_task(limit.acquire())
    await asyncio.sleep(0)
    clock.advance(49.0)
    await asyncio.sleep(0)
    assert not third.done()
    clock.advance(1.0)
    await third

    assert clock.monotonic() == 60.0


async def test_gateway_applies_the_requests_per_minute_limit():
    """The gateway holds a request beyond the per-minute limit until the window allows it."""
    clock = FakeClock()
    gateway = Gateway(requests_per_minute=1, clock=clock)
    model = ScriptedModel(["one", "two"])
    await gateway.complete(model, ask())

    second = asyncio.create_task(gateway.complete(model, ask()))
    await asyncio.sleep(0)
    assert not second.done()
    assert len(model.requests) == 1
    clock.advance(60.0)
    reply = await second

    assert reply.text == "two"
    assert reply.latency_ms == 0
