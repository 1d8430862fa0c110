"""The gateway's limits on model calls: a cap on calls in flight and a requests-per-minute window.

`CallLimits` is what the gateway asks for a place before each attempt. `LocalLimits` keeps both limits
in this process; `RoutedLimits` sends some backends to other limits (shared between processes, say) and
keeps the rest local.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from runtime.clock import Clock

WINDOW_S = 60.0
Backend = tuple[str, str | None]  # a model's backend name and where it lives: what fails together


class CallLimits(Protocol):
    """Places for model calls under a cap and a per-minute limit."""

    def slot(self, backend: Backend) -> AbstractAsyncContextManager[object]:
        """Wait for a place for one attempt at `backend` under the limits, and hold it while the
        attempt runs (inside the `async with`)."""
        ...


class LocalLimits:
    """Both limits in this process: at most `max_concurrency` attempts in flight, and at most
    `requests_per_minute` starts in any 60 seconds (None: no such limit). Callers queue for the cap in
    arrival order, then for the window while holding their place under the cap."""

    def __init__(self, max_concurrency: int, requests_per_minute: int | None, clock: Clock) -> None:
        if max_concurrency < 1:
            raise ValueError(f"max_concurrency must be at least 1, got {max_concurrency}")
        self._cap = asyncio.Semaphore(max_concurrency)
        self._rpm = RequestsPerMinute(requests_per_minute, clock) if requests_per_minute else None

    @asynccontextmanager
    async def slot(self, backend: Backend) -> AsyncIterator[None]:
        async with self._cap:
            if self._rpm is not None:
                await self._rpm.acquire()
            yield


class RoutedLimits:
    """`shared` for the backends `shared_for` picks, `local` for the others (offline and scripted
    players need not pay a round trip to a shared server per call)."""

    def __init__(self, shared: CallLimits, local: CallLimits, shared_for: Callable[[Backend], bool]) -> None:
        self.shared = shared
        self.local = local
        self._shared_for = shared_for

    def slot(self, backend: Backend) -> AbstractAsyncContextManager[object]:
        limits = self.shared if self._shared_for(backend) else self.local
        return limits.slot(backend)


class RequestsPerMinute:
    """At most `limit` requests start in any 60 seconds; callers queue in arrival order."""

    def __init__(self, limit: int, clock: Clock) -> None:
        if limit < 1:
            raise ValueError(f"requests per minute must be at least 1, got {limit}")
        self.limit = limit
        self._clock = clock
        self._starts: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait until one more request fits in the window, then count it."""
        async with self._lock:
            while True:
                now = self._clock.monotonic()
                while self._starts and self._starts[0] <= now - WINDOW_S:
                    self._starts.popleft()
                if len(self._starts) < self.limit:
                    self._starts.append(now)
                    return
                await self._clock.sleep(self._starts[0] + WINDOW_S - now)
