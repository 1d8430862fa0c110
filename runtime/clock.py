"""Injectable time: the runtime, mailboxes and the model gateway ask a clock, never `time` directly.

`SystemClock` is real time. `FakeClock` is for tests: time stands still until the test calls
`advance()`, so a 30-second timeout is tested in microseconds and nothing really sleeps.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """What the framework needs of time."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back; only differences mean anything."""
        ...

    def now(self) -> datetime:
        """The current UTC time."""
        ...

    def timestamp(self) -> str:
        """The current UTC time as ISO-8601 with microseconds, for messages and log lines."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Suspend the caller for `seconds` of this clock's time."""
        ...

    def timeout(self, seconds: float | None) -> AbstractAsyncContextManager[object]:
        """A scope that raises TimeoutError when `seconds` of this clock's time pass (None: never)."""
        ...


_time_ns = time.time_ns


class SystemClock:
    """Real time: `time.monotonic`, `asyncio.sleep` and `asyncio.timeout`."""

    def __init__(self) -> None:
        self._second = -1
        self._prefix = ""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(UTC)

    def timestamp(self) -> str:
        # Every message and log line carries one: format the date and time once per second only, and the
        # microseconds from the integer clock (no float arithmetic; cut off, as datetime.isoformat does).
        now = _time_ns()
        second = now // 1_000_000_000
        if second != self._second:
            self._second = second
            self._prefix = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        return self._prefix + str(now // 1000 % 1_000_000).zfill(6) + "+00:00"

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    def timeout(self, seconds: float | None) -> AbstractAsyncContextManager[object]:
        return asyncio.timeout(seconds)


class FakeClock:
    """Time that moves only when told to.

    Sleepers and timeout scopes register a deadline; `advance(seconds)` moves time forward and wakes
    (or expires) everything whose deadline has come, in deadline order.
    """

    def __init__(self, start: float = 0.0, wall_start: datetime | None = None) -> None:
        self._now = start
        self._start = start
        self._wall_start = wall_start or datetime(2026, 1, 1, tzinfo=UTC)
        self._order = itertools.count()
        self._deadlines: list[tuple[float, int, Callable[[], None]]] = []

    def monotonic(self) -> float:
        return self._now

    def now(self) -> datetime:
        return self._wall_start + timedelta(seconds=self._now - self._start)

    def timestamp(self) -> str:
        return self.now().isoformat(timespec="microseconds")

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        woken = asyncio.get_running_loop().create_future()

        def wake() -> None:
            if not woken.done():
                woken.set_result(None)

        self._at(self._now + seconds, wake)
        await woken

    def timeout(self, seconds: float | None) -> AbstractAsyncContextManager[object]:
        return _FakeTimeout(self, seconds)

    def advance(self, seconds: float) -> None:
        """Move time forward and fire every deadline reached, earliest first."""
        target = self._now + seconds
        while self._deadlines and self._deadlines[0][0] <= target:
            deadline, _, fire = heapq.heappop(self._deadlines)
            self._now = max(self._now, deadline)
            fire()
        self._now = target

    def _at(self, deadline: float, fire: Callable[[], None]) -> None:
        heapq.heappush(self._deadlines, (deadline, next(self._order), fire))


class _FakeTimeout:
    """An `asyncio.timeout` scope whose deadline is kept by a FakeClock."""

    def __init__(self, clock: FakeClock, seconds: float | None) -> None:
        self._clock = clock
        self._seconds = seconds
        self._scope = asyncio.timeout(None)
        self._inside = False

    async def __aenter__(self) -> asyncio.Timeout:
        await self._scope.__aenter__()
        self._inside = True
        if self._seconds is not None:
            self._clock._at(self._clock.monotonic() + self._seconds, self._expire)
        return self._scope

    async def __aexit__(self, *exc_info: object) -> bool | None:
        self._inside = False
        return await self._scope.__aexit__(*exc_info)  # type: ignore[arg-type]

    def _expire(self) -> None:
        if self._inside and self._scope.when() is None:
            self._scope.reschedule(asyncio.get_running_loop().time())
