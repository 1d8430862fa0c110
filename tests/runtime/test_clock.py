"""Tests for runtime.clock: the fake clock moves only when told to; the system clock is real time."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from runtime import FakeClock
from runtime import clock as clock_module
from runtime.clock import Clock, SystemClock
from tests.support.agents import let_run


async def test_fake_sleep_wakes_only_when_the_clock_is_advanced_far_enough():
    """FakeClock.sleep(10) stays asleep through advance(9.9) and wakes on the next 0.1."""
    clock = FakeClock()
    sleeping = asyncio.create_task(clock.sleep(10))
    await let_run()
    assert not sleeping.done()

    clock.advance(9.9)
    await let_run()
    assert not sleeping.done()
    clock.advance(0.1)
    await let_run()

    assert sleeping.done()


async def test_fake_sleepers_wake_in_deadline_order():
    """One advance past several deadlines wakes the sleepers earliest first."""
    clock = FakeClock()
    woken = []

    async def sleeper(seconds):
        await clock.sleep(seconds)
        woken.append(seconds)

    tasks = [asyncio.create_task(sleeper(seconds)) for seconds in (3, 1, 2)]
    await let_run()
    clock.advance(5)
    await asyncio.gather(*tasks)

    assert woken == [1, 2, 3]


def test_fake_clock_moves_monotonic_and_wall_time_together():
    """advance() moves monotonic() and now() by the same amount, and only advance() moves them."""
    start = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
    clock = FakeClock(start=100.0, wall_start=start)
    assert (clock.monotonic(), clock.now()) == (100.0, start)

    clock.advance(30)

    assert (clock.monotonic(), clock.now()) == (130.0, start + timedelta(seconds=30))


async def test_fake_timeout_scope_expires_at_its_deadline_and_not_before():
    """A FakeClock.timeout(30) scope raises TimeoutError when 30 seconds pass, not at 29.9."""
    clock = FakeClock()
    never = asyncio.Event()

    async def wait_in_scope():
        async with clock.timeout(30):
            await never.wait()

    waiting = asyncio.create_task(wait_in_scope())
    await let_run()
    clock.advance(29.9)
    await let_run()
    assert not waiting.done()

    clock.advance(0.1)

    with pytest.raises(TimeoutError):
        await waiting


async def test_fake_timeout_none_never_expires():
    """A FakeClock.timeout(None) scope lets its body finish however far the clock moves."""
    clock = FakeClock()

    async with clock.timeout(None):
        clock.advance(1e9)
        await let_run()


async def test_fake_timeout_has_no_effect_after_its_scope_ends():
    """Advancing past the deadline of a scope that has already ended cancels nothing."""
    clock = FakeClock()
    async with clock.timeout(5):
        pass

    clock.advance(10)
    await let_run()  # a stray cancellation would surface here


async def test_system_clock_basics():
    """SystemClock is a Clock: monotonic never goes back, now() is aware UTC, sleep(0) and timeouts work."""
    clock: Clock = SystemClock()
    first = clock.monotonic()
    await clock.sleep(0)
    assert clock.monotonic() >= first
    assert clock.now().tzinfo is UTC

    async with clock.timeout(None):
        await clock.sleep(0)
    with pytest.raises(TimeoutError):
        async with clock.timeout(0):
            await asyncio.Event().wait()


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (1_764_000_000_000_000_000, "2025-11-24T16:00:00.000000+00:00"),
        (1_764_000_000_999_999_300, "2025-11-24T16:00:00.999999+00:00"),  # truncated, never rounded up
        (1_764_000_059_000_123_700, "2025-11-24T16:00:59.000123+00:00"),
        (1_764_000_060_500_000_000, "2025-11-24T16:01:00.500000+00:00"),  # the next second: a new prefix
    ],
)
def test_system_clock_timestamp_is_iso_utc_with_truncated_microseconds(monkeypatch, now, expected):
    """SystemClock.timestamp writes ISO-8601 UTC with six digits of microseconds, cut off, not rounded."""
    clock = SystemClock()
    clock.timestamp()  # caches the current second's prefix, which the patched time must replace
    monkeypatch.setattr(clock_module, "_time_ns", lambda: now)
    assert clock.timestamp() == expected
    assert clock.timestamp() == expected  # and again from the cached prefix
