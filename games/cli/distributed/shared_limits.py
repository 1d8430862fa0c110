"""The limits on model calls shared by every worker of a batch through Redis: one cap on calls in flight,
one per-minute window, and one stop for all once some worker's gateway has tripped.

Keys under the batch's prefix, each expiring a day after its last use:
- `{prefix}:inflight`: a sorted set of the slots held, each scored by when it expires. Holders push
  their slots' expiry forward (`renew`, from the worker's heartbeat), so a killed worker's slots lapse.
- `{prefix}:rpm`: a sorted set of the calls started in the last minute, scored by their start.
- `{prefix}:fatal`: JSON {"message", "status"} of the first trip.
Times are the Redis server's (`TIME`), so the workers' clocks need not agree.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from agents.errors import ModelError, ModelRejected
from agents.limits import WINDOW_S, Backend

Sleep = Callable[[float], Awaitable[None]]
KEY_TTL_S = 24 * 3600
# A caller the cap turned away asks again after 2 ms, then twice as long each time, up to 50 ms.
POLL_FIRST_S = 0.002
POLL_MAX_S = 0.05

# KEYS: inflight, rpm, fatal. ARGV: token, hold_s, max_concurrency, requests_per_minute (0: none),
# window_s, key_ttl_s. Answers {'ok', 0}, {'cap', 0}, {'rpm', seconds to wait} or {'fatal', json}.
_ACQUIRE = """
local fatal = redis.call('GET', KEYS[3])
if fatal then
    return {'fatal', fatal}
end
local time = redis.call('TIME')
local now = tonumber(time[1]) + tonumber(time[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.6f', now))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
    return {'cap', '0'}
end
local limit = tonumber(ARGV[4])
if limit > 0 then
    local window = tonumber(ARGV[5])
    redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', string.format('%.6f', now - window))
    if redis.call('ZCARD', KEYS[2]) >= limit then
        local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
        return {'rpm', string.format('%.6f', tonumber(oldest[2]) + window - now)}
    end
    redis.call('ZADD', KEYS[2], string.format('%.6f', now), ARGV[1])
    redis.call('EXPIRE', KEYS[2], ARGV[6])
end
redis.call('ZADD', KEYS[1], string.format('%.6f', now + tonumber(ARGV[2])), ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[6])
return {'ok', '0'}
"""

# KEYS: inflight. ARGV: hold_s, key_ttl_s, then the tokens of the slots to keep. A slot already
# released is not brought back (XX).
_RENEW = """
local time = redis.call('TIME')
local expiry = tonumber(time[1]) + tonumber(time[2]) / 1000000 + tonumber(ARGV[1])
for i = 3, #ARGV do
    redis.call('ZADD', KEYS[1], 'XX', string.format('%.6f', expiry), ARGV[i])
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 0
"""


@dataclass
class HeldSlot:
    """The place a model call holds under the shared cap: a member of the sorted set `key`. Whoever
    gives it back on the server in a round trip of its own (the journal's write of the call's reply)
    marks it `given_back`, and the slot's end then sends nothing."""

    key: str
    token: str
    given_back: bool = False


_current_slot: ContextVar[HeldSlot | None] = ContextVar("held_slot", default=None)


def held_slot() -> HeldSlot | None:
    """The shared slot of the model call under way in this task; None outside one."""
    return _current_slot.get()


class RedisCallLimits:
    """CallLimits shared through Redis by every instance with the same `prefix`: at most
    `max_concurrency` slots held at once, at most `requests_per_minute` starts in any minute (None: no
    such limit), and after `trip` every `slot` raises the tripping error.

    A slot lapses `hold_s` after it was taken or last renewed: whoever holds slots calls `renew` more
    often than that. The callers of one instance ask in arrival order; instances poll, so across them
    no order is kept.
    """

    def __init__(
        self,
        redis: Redis,
        prefix: str,
        *,
        max_concurrency: int,
        requests_per_minute: int | None,
        hold_s: float = 30.0,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if max_concurrency < 1:
            raise ValueError(f"max_concurrency must be at least 1, got {max_concurrency}")
        if requests_per_minute is not None and requests_per_minute < 1:
            raise ValueError(f"requests per minute must be at least 1, got {requests_per_minute}")
        if hold_s <= 0:
            raise ValueError(f"hold_s must be positive, got {hold_s}")
        self.max_concurrency = max_concurrency
        self.requests_per_minute = requests_per_minute
        self.hold_s = hold_s
        self._redis = redis
        self._sleep = sleep
        self._inflight, self._rpm, self._fatal = (f"{prefix}:{name}" for name in ("inflight", "rpm", "fatal"))
        self._acquire = redis.register_script(_ACQUIRE)
        self._renew = redis.register_script(_RENEW)
        self._held: set[str] = set()
        self._turn = asyncio.Lock()  # this instance's callers ask one at a time, in arrival order
        self._cleanups: set[asyncio.Task[Any]] = set()

    @asynccontextmanager
    async def slot(self, backend: Backend) -> AsyncIterator[None]:
        """Wait for a slot under the cap and the window, and hold it inside the `async with`.

        Raises ModelRejected, with the first trip's message and status, once any instance has tripped.
        """
        token = uuid.uuid4().hex
        await self._take(token)
        held = HeldSlot(self._inflight, token)
        current = _current_slot.set(held)
        try:
            yield
        finally:
            _current_slot.reset(current)
            self._held.discard(token)
            if not held.given_back:
                await self._shielded(self._redis.zrem(self._inflight, token))

    async def renew(self) -> None:
        """Push the expiry of the slots this instance holds `hold_s` past now."""
        if self._held:
            await self._renew(keys=[self._inflight], args=[self.hold_s, KEY_TTL_S, *self._held])

    async def trip(self, error: ModelError) -> bool:
        """Stop every instance's calls with `error` (its text and, for ModelRejected, its status).
        Only the first trip counts: True when this one was it."""
        status = error.status if isinstance(error, ModelRejected) else None
        value = json.dumps({"message": str(error), "status": status})
        return bool(await self._redis.set(self._fatal, value, nx=True, ex=KEY_TTL_S))

    async def fatal(self) -> str | None:
        """The message of the trip that stopped the calls, or None while none has."""
        value = await self._redis.get(self._fatal)
        return None if value is None else json.loads(value)["message"]

    async def drain(self) -> None:
        """Wait for the releases still under way (those of callers cancelled while releasing or
        asking), so that the Redis client can be closed."""
        while self._cleanups:
            await asyncio.wait(set(self._cleanups))

    async def _take(self, token: str) -> None:
        poll_s = POLL_FIRST_S
        async with self._turn:
            while True:
                answer, wait_s = await self._ask(token)
                if answer == "ok":
                    self._held.add(token)
                    return
                if answer == "rpm":
                    await self._sleep(wait_s)
                else:
                    await self._sleep(poll_s)
                    poll_s = min(poll_s * 2, POLL_MAX_S)

    async def _ask(self, token: str) -> tuple[str, float]:
        """One try at a slot: ("ok", 0), ("cap", 0) or ("rpm", seconds until the window has room)."""
        args = [token, self.hold_s, self.max_concurrency, self.requests_per_minute or 0, WINDOW_S, KEY_TTL_S]
        asking = asyncio.ensure_future(
            self._acquire(keys=[self._inflight, self._rpm, self._fatal], args=args)
        )
        try:
            answer, value = await asyncio.shield(asking)
        except BaseException:
            # Cancelled, or the connection dropped, after the script may have run: once it has, take
            # back whatever it granted (a start that never happened included).
            self._background(self._undo(asking, token))
            raise
        answer, value = _text(answer), _text(value)
        if answer == "fatal":
            fatal = json.loads(value)
            raise ModelRejected(fatal["message"], status=fatal["status"])
        return answer, float(value)

    async def _undo(self, asking: asyncio.Future[Any], token: str) -> None:
        await asyncio.wait([asking])  # its outcome, whatever it was, is undone
        with contextlib.suppress(RedisError):  # else the slot lapses after hold_s
            await self._redis.zrem(self._inflight, token)
            await self._redis.zrem(self._rpm, token)

    async def _shielded(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run `work` to its end even if the caller is cancelled meanwhile."""
        await asyncio.shield(self._background(work))

    def _background(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(work)
        self._cleanups.add(task)
        task.add_done_callback(self._cleaned)
        return task

    def _cleaned(self, task: asyncio.Task[Any]) -> None:
        self._cleanups.discard(task)
        if not task.cancelled():
            task.exception()  # retrieved here too: a release nobody awaits any more fails quietly


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
