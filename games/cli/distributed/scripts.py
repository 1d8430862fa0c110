"""The Lua scripts that make each step of a game's delivery atomic on the server.

A worker takes a game (TAKE), keeps it while it plays (RENEW), records each model reply as it comes
(JOURNAL) and hands in the result (SUBMIT). TAKE gives every delivery a new fencing token, "<epoch>:<n>";
the other three act only while the game's current token is the caller's, so a worker that stalled past
its lease and came back can neither write to the journal nor hand in a second result.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from redis.commands.core import AsyncScript
from redis.exceptions import ResponseError

from games.cli.distributed.keys import BATCH_TTL_S, GROUP, QueueKeys

# KEYS: plan, stop, fatal, done, deliveries, takers, fences, results, games
# ARGV: epoch, game, group, entry id, worker name, ttl
# -> {"play", token, deliveries, takers} or {why}: "gone" (no such batch, or an older publication),
#    "stopped", "done"; the entry is acknowledged and deleted unless it is to be played.
TAKE = """
local function drop(why)
  redis.call('XACK', KEYS[9], ARGV[3], ARGV[4])
  redis.call('XDEL', KEYS[9], ARGV[4])
  return {why}
end
if redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[1] then return drop('gone') end
if redis.call('EXISTS', KEYS[2]) == 1 or redis.call('EXISTS', KEYS[3]) == 1 then return drop('stopped') end
if redis.call('HEXISTS', KEYS[4], ARGV[2]) == 1 then return drop('done') end
local n = redis.call('HINCRBY', KEYS[5], ARGV[2], 1)
local before = redis.call('HGET', KEYS[6], ARGV[2])
local takers = before and (before .. ',' .. ARGV[5]) or ARGV[5]
redis.call('HSET', KEYS[6], ARGV[2], takers)
local token = ARGV[1] .. ':' .. n
redis.call('HSET', KEYS[7], ARGV[2], token)
redis.call('XADD', KEYS[8], '*', 'kind', 'taken', 'game', ARGV[2], 'token', token, 'worker', ARGV[5])
for i = 4, 8 do redis.call('EXPIRE', KEYS[i], ARGV[6]) end
return {'play', token, tostring(n), takers}
"""

# KEYS: fences, plan, stop, games   ARGV: game, token, group, worker name, entry id
# -> "ok" (the lease runs again from now), "lost" (another delivery holds the game), "gone", "stopped"
RENEW = """
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 'lost' end
if redis.call('EXISTS', KEYS[2]) == 0 then return 'gone' end
if redis.call('EXISTS', KEYS[3]) == 1 then return 'stopped' end
redis.call('XCLAIM', KEYS[4], ARGV[3], ARGV[4], 0, ARGV[5], 'JUSTID')
return 'ok'
"""

JOURNAL_TTL_S = 24 * 3600
# KEYS: fences, journal   ARGV: game, token, field, reply (JSON), ttl   -> 1 written, 0 lost
JOURNAL = """
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[5])
return 1
"""

# KEYS: fences, done, results, games, journal   ARGV: game, token, group, entry id, payload
# -> 1 accepted; 0 refused (another delivery holds the game, or its result is in already)
SUBMIT = """
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('XADD', KEYS[3], '*', 'kind', 'ended', 'game', ARGV[1], 'token', ARGV[2], 'payload', ARGV[5])
redis.call('XACK', KEYS[4], ARGV[3], ARGV[4])
redis.call('XDEL', KEYS[4], ARGV[4])
redis.call('DEL', KEYS[5])
return 1
"""

# KEYS: games   ARGV: group, worker name, entry id, idle ms
# A worker that stops hands its games back: they look idle for a whole lease, so the next XAUTOCLAIM
# takes them at once (no-op when another worker holds the entry now).
RELEASE = """
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if #pending == 1 and pending[1][2] == ARGV[2] then
  redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'IDLE', ARGV[4], 'JUSTID')
end
return 1
"""


@dataclass(frozen=True)
class Taken:
    """TAKE's answer: "play" with the delivery's token, how many deliveries the game has had and who
    took it each time; or why the entry was dropped ("gone", "stopped", "done")."""

    verdict: str
    token: str = ""
    deliveries: int = 0
    takers: tuple[str, ...] = ()


class DeliverySteps:
    """The scripts of one queue, each called with its keys in the order it reads them. redis-py sends a
    script by its SHA and loads it when the server does not know it (after a restart, say)."""

    def __init__(self, redis: Redis, queue: QueueKeys) -> None:
        self._queue = queue
        self._take: AsyncScript = redis.register_script(TAKE)
        self._renew: AsyncScript = redis.register_script(RENEW)
        self._journal: AsyncScript = redis.register_script(JOURNAL)
        self._submit: AsyncScript = redis.register_script(SUBMIT)
        self._release: AsyncScript = redis.register_script(RELEASE)

    async def take(self, batch_id: str, game_id: str, epoch: str, entry_id: str, worker: str) -> Taken:
        keys = self._queue.batch(batch_id)
        answer = await self._take(
            keys=[
                keys.plan,
                keys.stop,
                keys.fatal,
                keys.done,
                keys.deliveries,
                keys.takers,
                keys.fences,
                keys.results,
                self._queue.games,
            ],  # fmt: skip
            args=[epoch, game_id, GROUP, entry_id, worker, BATCH_TTL_S],
        )
        parts = [_text(part) for part in answer]
        if parts[0] != "play":
            return Taken(parts[0])
        return Taken("play", parts[1], int(parts[2]), tuple(parts[3].split(",")))

    async def renew(self, batch_id: str, game_id: str, token: str, worker: str, entry_id: str) -> str:
        """ "ok", or why the delivery is over: "lost", "gone", "stopped"."""
        keys = self._queue.batch(batch_id)
        answer = await self._renew(
            keys=[keys.fences, keys.plan, keys.stop, self._queue.games],
            args=[game_id, token, GROUP, worker, entry_id],
        )
        return _text(answer)

    async def journal(self, batch_id: str, game_id: str, token: str, field: str, value: bytes) -> bool:
        keys = self._queue.batch(batch_id)
        written = await self._journal(
            keys=[keys.fences, keys.journal(game_id)], args=[game_id, token, field, value, JOURNAL_TTL_S]
        )
        return bool(written)

    async def submit(self, batch_id: str, game_id: str, token: str, entry_id: str, payload: bytes) -> bool:
        keys = self._queue.batch(batch_id)
        accepted = await self._submit(
            keys=[keys.fences, keys.done, keys.results, self._queue.games, keys.journal(game_id)],
            args=[game_id, token, GROUP, entry_id, payload],
        )
        return bool(accepted)

    async def release(self, worker: str, entry_id: str, idle_ms: int) -> None:
        await self._release(keys=[self._queue.games], args=[GROUP, worker, entry_id, idle_ms])


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


async def ensure_group(redis: Redis, stream: str) -> None:
    """The workers' consumer group on the games stream, created (with the stream) if missing; from the
    stream's start, so games put on it before any worker came are taken too."""
    try:
        await redis.xgroup_create(stream, GROUP, id="0", mkstream=True)
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise
