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
from games.cli.distributed.batcher import Batcher, Waiting

Sleep = Callable[[float], Awaitable[None]]
KEY_TTL_S = 24 * 3600
# A caller the cap turned away asks again after 2 ms, then twice as long each time, up to 50 ms.
POLL_FIRST_S = 0.002
POLL_MAX_S = 0.05

# Asks for places for several callers at once, granted in their order while the cap and the window have
# room. KEYS: inflight, rpm, fatal. ARGV: hold_s, max_concurrency, requests_per_minute (0: none),
# window_s, key_ttl_s, then the callers' tokens. Answers {granted, why the next one was refused, value}:
# the first `granted` tokens hold places, and the next was refused for 'cap' (value 0) or 'rpm' (value:
# seconds until the window has room); {n, 'ok', 0} when all n were granted; {0, 'fatal', json} after a trip.
_ACQUIRE = """
local fatal = redis.call('GET', KEYS[3])
if fatal then
    return {0, 'fatal', fatal}
end
local time = redis.call('TIME')
local now = tonumber(time[1]) + tonumber(time[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.6f', now))
local room, why = tonumber(ARGV[2]) - redis.call('ZCARD', KEYS[1]), 'cap'
local limit, window = tonumber(ARGV[3]), tonumber(ARGV[4])
if limit > 0 then
    redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', string.format('%.6f', now - window))
    local starts = limit - redis.call('ZCARD', KEYS[2])
    if starts < room then
        room, why = starts, 'rpm'
    end
end
local asked = #ARGV - 5
if room >= asked then
    room, why = asked, 'ok'
end
if room > 0 then
    local held, started = {}, {}
    local expiry, start = string.format('%.6f', now + tonumber(ARGV[1])), string.format('%.6f', now)
    for i = 6, 5 + room do
        table.insert(held, expiry)
        table.insert(held, ARGV[i])
        table.insert(started, start)
        table.insert(started, ARGV[i])
    end
    redis.call('ZADD', KEYS[1], unpack(held))
    redis.call('EXPIRE', KEYS[1], ARGV[5])
    if limit > 0 then
        redis.call('ZADD', KEYS[2], unpack(started))
        redis.call('EXPIRE', KEYS[2], ARGV[5])
    end
else
    room = 0
end
if why == 'rpm' then
    local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    return {room, 'rpm', string.format('%.6f', tonumber(oldest[2]) + window - now)}
end
return {room, why, '0'}
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
    often than that. The callers of one instance are served in arrival order, several per round trip:
    while one request is under way, those that come meanwhile wait and go together in the next, which
    grants them in order as far as the cap and the window allow. Instances poll, so across them no order
    is kept.
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
        self._asking: Batcher[str, None] = Batcher(self._ask, name="limits:acquire")
        self._turned_away = ("", POLL_FIRST_S)  # the caller first in line the cap last refused, its wait
        self._cleanups: set[asyncio.Task[Any]] = set()

    @asynccontextmanager
    async def slot(self, backend: Backend) -> AsyncIterator[None]:
        """Wait for a slot under the cap and the window, and hold it inside the `async with`.

        Raises ModelRejected, with the first trip's message and status, once any instance has tripped.
        """
        token = uuid.uuid4().hex
        try:
            await self._asking(token)
        except asyncio.CancelledError:
            if token in self._held:  # granted, but cancelled before it could go on
                self._held.discard(token)
                self._background(self._give_back([token]))
            raise
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
        """Wait for the requests and releases still under way (those of callers cancelled while releasing
        or asking), so that the Redis client can be closed."""
        await self._asking.idle()
        while self._cleanups:
            await asyncio.wait(set(self._cleanups))

    async def _ask(self, group: list[Waiting[str, None]]) -> None:
        """One try at a slot for each caller of `group`, in one round trip. The callers granted one go;
        when one is refused, it and those after it stay first in line, and the next try waits as a lone
        caller would: for the window to have room, or, after the cap, POLL_FIRST_S doubling up to
        POLL_MAX_S while the same caller is first."""
        tokens = [waiting.request for waiting in group]
        limits = [self.hold_s, self.max_concurrency, self.requests_per_minute or 0, WINDOW_S, KEY_TTL_S]
        asking = asyncio.ensure_future(
            self._acquire(keys=[self._inflight, self._rpm, self._fatal], args=[*limits, *tokens])
        )
        try:
            granted, why, value = await asyncio.shield(asking)
        except BaseException:
            # Cancelled, or the connection dropped, after the script may have run: once it has, take
            # back whatever it granted (starts that never happened included).
            self._background(self._undo(asking, tokens))
            raise
        why, value = _text(why), _text(value)
        if why == "fatal":
            fatal = json.loads(value)
            raise ModelRejected(fatal["message"], status=fatal["status"])
        granted = int(granted)
        gone = []
        for waiting in group[:granted]:
            self._held.add(waiting.request)
            if not waiting.settle(None):  # cancelled while asking
                self._held.discard(waiting.request)
                gone.append(waiting.request)
        if gone:
            self._background(self._give_back(gone))
        if why == "rpm":
            await self._sleep(float(value))
        elif why == "cap":
            first = group[granted].request
            turned_away, poll_s = self._turned_away
            poll_s = min(poll_s * 2, POLL_MAX_S) if first == turned_away else POLL_FIRST_S
            self._turned_away = (first, poll_s)
            await self._sleep(poll_s)

    async def _undo(self, asking: asyncio.Future[Any], tokens: list[str]) -> None:
        await asyncio.wait([asking])  # its outcome, whatever it was, is undone
        await self._give_back(tokens)

    async def _give_back(self, tokens: list[str]) -> None:
        """Take back the slots and starts of `tokens`, which no call will use."""
        with contextlib.suppress(RedisError):  # else the slots lapse after hold_s
            await self._redis.zrem(self._inflight, *tokens)
            await self._redis.zrem(self._rpm, *tokens)

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
