"""A Redis client whose script calls a test can count and hold back."""

from __future__ import annotations

import asyncio
from typing import Any

from redis.asyncio import Redis


class SlowScripts(Redis):
    """A Redis client that counts its script calls (`calls`: how many were sent) and can hold them
    back: before they are sent (`sending` cleared), or after they ran but before their answer comes
    (`answering` cleared)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sending, self.answering = asyncio.Event(), asyncio.Event()
        self.sending.set()
        self.answering.set()
        self.held_back, self.ran = asyncio.Event(), asyncio.Event()
        self.calls = 0

    async def evalsha(self, *args: Any) -> Any:
        if not self.sending.is_set():
            self.held_back.set()
            await self.sending.wait()
        self.calls += 1
        result = await super().evalsha(*args)
        self.ran.set()
        await self.answering.wait()
        return result
