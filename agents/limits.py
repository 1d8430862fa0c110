"""A requests-per-minute limit over a sliding 60-second window, timed by an injectable clock."""

from __future__ import annotations

import asyncio
from collections import deque

from runtime.clock import Clock

WINDOW_S = 60.0


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
