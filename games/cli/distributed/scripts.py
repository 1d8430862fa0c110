"""The Lua scripts that make each step of a game's delivery atomic on the server.

A worker takes a game (TAKE), keeps it while it plays (RENEW), records each model reply as it comes
(JOURNAL) and hands in the result (SUBMIT). TAKE, JOURNAL and SUBMIT each take many games in one call:
all the entries one read brought, the replies that came while the last write was under way, all the
results that ended close together. TAKE gives every delivery a new
fencing token, "<epoch>:<n>"; the other three act only while the game's current token is the caller's,
so a worker that stalled past its lease and came back can neither write to the journal nor hand in a
second result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.commands.core import AsyncScript
from redis.exceptions import ResponseError

from games.cli.distributed.keys import BATCH_TTL_S, GROUP, QueueKeys

# Takes every entry one read brought, in one call.
# KEYS: games, then for each batch the entries name (numbered from 0 in that order): plan, stop, fatal,
#       done, takers, fences, results
# ARGV: group, worker name, ttl, then for each entry: its batch's number, epoch, game, entry id
# -> for each entry {"play", token, deliveries, takers} or {why}: "gone" (no such batch, or an older
#    publication), "stopped", "done"; the entry is acknowledged and deleted unless it is to be played.
#    A game's deliveries are its takers, counted: the n-th delivery's token is "<epoch>:<n>". Per batch
#    and call, not per game: whether the publication is current and open, the expiry of the batch's
#    keys, and one entry on its results stream naming the games taken ({kind: taken, games: JSON list}).
TAKE = """
local answers, open, taken, order = {}, {}, {}, {}
for i = 0, (#ARGV - 3) / 4 - 1 do
  local b, epoch, game, id = ARGV[4 + i * 4], ARGV[5 + i * 4], ARGV[6 + i * 4], ARGV[7 + i * 4]
  local k = 1 + tonumber(b) * 7
  local publication = b .. ' ' .. epoch
  local why = open[publication]
  if why == nil then
    if redis.call('HGET', KEYS[k + 1], 'epoch') ~= epoch then why = 'gone'
    elseif redis.call('EXISTS', KEYS[k + 2], KEYS[k + 3]) > 0 then why = 'stopped'
    else why = false end
    open[publication] = why
  end
  if not why and redis.call('HEXISTS', KEYS[k + 4], game) == 1 then why = 'done' end
  if why then
    redis.call('XACK', KEYS[1], ARGV[1], id)
    redis.call('XDEL', KEYS[1], id)
    answers[#answers + 1] = {why}
  else
    local before = redis.call('HGET', KEYS[k + 5], game)
    local takers = before and (before .. ',' .. ARGV[2]) or ARGV[2]
    local _, commas = string.gsub(takers, ',', ',')
    local n = commas + 1
    redis.call('HSET', KEYS[k + 5], game, takers)
    local token = epoch .. ':' .. n
    redis.call('HSET', KEYS[k + 6], game, token)
    if not taken[b] then
      taken[b] = {}
      order[#order + 1] = b
      for j = k + 4, k + 7 do redis.call('EXPIRE', KEYS[j], ARGV[3]) end
    end
    table.insert(taken[b], game)
    answers[#answers + 1] = {'play', token, tostring(n), takers}
  end
end
for _, b in ipairs(order) do
  redis.call('XADD', KEYS[8 + tonumber(b) * 7], '*', 'kind', 'taken', 'games', cjson.encode(taken[b]))
end
return answers
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
# Writes several model replies, of any games of the queue, in one call; each only while its game's token
# is the caller's.
# KEYS: the keys the writes name, each once
# ARGV: ttl, then for each write: the places in KEYS of its batch's fences, its game's journal and the
#       shared cap's slots (0: no slot), then game, token, field, reply (JSON), slot
# -> for each write 1 written, 0 lost. A write's slot (the model call's place under the shared cap) is
#    given back whether its reply is written or not: the call is over either way.
JOURNAL = """
local answers, given_back, expiring = {}, {}, {}
for i = 0, (#ARGV - 1) / 8 - 1 do
  local a = 2 + i * 8
  local fences, journal, slots = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  local game, token, field, reply, slot = ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6], ARGV[a + 7]
  if slots > 0 then
    given_back[slots] = given_back[slots] or {}
    table.insert(given_back[slots], slot)
  end
  if redis.call('HGET', KEYS[fences], game) == token then
    redis.call('HSET', KEYS[journal], field, reply)
    expiring[journal] = true
    answers[#answers + 1] = 1
  else
    answers[#answers + 1] = 0
  end
end
for slots, members in pairs(given_back) do
  redis.call('ZREM', KEYS[slots], unpack(members))
end
for journal in pairs(expiring) do
  redis.call('EXPIRE', KEYS[journal], ARGV[1])
end
return answers
"""

# Hands in several games' results in one call.
# KEYS: games, then for each batch the results belong to (numbered from 0 in that order): fences, done,
#       results; then each game's journal
# ARGV: group, how many batches, then for each game: its batch's number, game, token, entry id, payload
# -> for each game 1 accepted, 0 refused (another delivery holds the game, or its result is in already)
# The results accepted go on their batch's results stream in one entry: {kind: ended, games: JSON list,
# 1: the first game's payload, 2: the second's, ...}; their journals are deleted with one DEL.
SUBMIT = """
local answers, acknowledged, ended, order, journals = {}, {}, {}, {}, {}
local journal = 2 + tonumber(ARGV[2]) * 3
for i = 0, (#ARGV - 2) / 5 - 1 do
  local a = 3 + i * 5
  local b, game, token, id, payload = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4]
  local k = 1 + tonumber(b) * 3
  local held = redis.call('HGET', KEYS[k + 1], game) == token
  if held and redis.call('HSETNX', KEYS[k + 2], game, token) == 1 then
    local entry = ended[b]
    if not entry then
      entry = {games = {}, fields = {}}
      ended[b] = entry
      order[#order + 1] = b
    end
    table.insert(entry.games, game)
    table.insert(entry.fields, tostring(#entry.games))
    table.insert(entry.fields, payload)
    journals[#journals + 1] = KEYS[journal + i]
    acknowledged[#acknowledged + 1] = id
    answers[#answers + 1] = 1
  else
    answers[#answers + 1] = 0
  end
end
for _, b in ipairs(order) do
  local entry = ended[b]
  redis.call('XADD', KEYS[4 + tonumber(b) * 3], '*', 'kind', 'ended', 'games', cjson.encode(entry.games),
    unpack(entry.fields))
end
if #acknowledged > 0 then
  redis.call('DEL', unpack(journals))
  redis.call('XACK', KEYS[1], ARGV[1], unpack(acknowledged))
  redis.call('XDEL', KEYS[1], unpack(acknowledged))
end
return answers
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


@dataclass(frozen=True)
class Entry:
    """An entry of the games stream, as a worker read it."""

    entry_id: str
    batch_id: str
    game_id: str
    epoch: str


@dataclass(frozen=True)
class JournalWrite:
    """A model reply to record under the token of the delivery that asked for it; `slot` (the shared cap's
    key and the call's place in it) goes back in the same call."""

    batch_id: str
    game_id: str
    token: str
    field: str
    value: bytes
    slot: tuple[str, str] | None = None


@dataclass(frozen=True)
class HandIn:
    """A game's result to hand in, under the token of the delivery that played it."""

    batch_id: str
    game_id: str
    token: str
    entry_id: str
    payload: bytes


def _taken(parts: list[str]) -> Taken:
    if parts[0] != "play":
        return Taken(parts[0])
    return Taken("play", parts[1], int(parts[2]), tuple(parts[3].split(",")))


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
        [taken] = await self.take_all([Entry(entry_id, batch_id, game_id, epoch)], worker)
        return taken

    async def take_all(self, entries: Sequence[Entry], worker: str) -> list[Taken]:
        """TAKE for every entry of a read, in one round trip: the answers in the entries' order."""
        keys: list[str] = [self._queue.games]
        args: list[str | int] = [GROUP, worker, BATCH_TTL_S]
        numbers: dict[str, int] = {}
        for entry in entries:
            number = numbers.get(entry.batch_id)
            if number is None:
                number = numbers[entry.batch_id] = len(numbers)
                batch = self._queue.batch(entry.batch_id)
                keys += [batch.plan, batch.stop, batch.fatal, batch.done, batch.takers, batch.fences,
                         batch.results]  # fmt: skip
            args += [number, entry.epoch, entry.game_id, entry.entry_id]
        answers = await self._take(keys=keys, args=args)
        return [_taken([_text(part) for part in answer]) for answer in answers]

    async def renew(self, batch_id: str, game_id: str, token: str, worker: str, entry_id: str) -> str:
        """ "ok", or why the delivery is over: "lost", "gone", "stopped"."""
        keys = self._queue.batch(batch_id)
        answer = await self._renew(
            keys=[keys.fences, keys.plan, keys.stop, self._queue.games],
            args=[game_id, token, GROUP, worker, entry_id],
        )
        return _text(answer)

    async def journal(
        self,
        batch_id: str,
        game_id: str,
        token: str,
        field: str,
        value: bytes,
        slot: tuple[str, str] | None = None,
    ) -> bool:
        [written] = await self.journal_all([JournalWrite(batch_id, game_id, token, field, value, slot)])
        return written

    async def journal_all(self, writes: Sequence[JournalWrite]) -> list[bool]:
        """JOURNAL for several replies, in one round trip: whether each was written (False: another
        delivery holds its game), in their order."""
        keys: list[str] = []
        places: dict[str, int] = {}

        def place(key: str) -> int:
            number = places.get(key)
            if number is None:
                keys.append(key)
                number = places[key] = len(keys)
            return number

        args: list[str | bytes | int] = [JOURNAL_TTL_S]
        for write in writes:
            batch = self._queue.batch(write.batch_id)
            slots, slot = (0, "") if write.slot is None else (place(write.slot[0]), write.slot[1])
            args += [place(batch.fences), place(batch.journal(write.game_id)), slots]
            args += [write.game_id, write.token, write.field, write.value, slot]
        written = await self._journal(keys=keys, args=args)
        return [bool(answer) for answer in written]

    async def submit(self, batch_id: str, game_id: str, token: str, entry_id: str, payload: bytes) -> bool:
        [accepted] = await self.submit_all([HandIn(batch_id, game_id, token, entry_id, payload)])
        return accepted

    async def submit_all(self, hand_ins: Sequence[HandIn]) -> list[bool]:
        """SUBMIT for several games, in one round trip: whether each was accepted, in their order."""
        keys: list[str] = [self._queue.games]
        journals: list[str] = []
        args: list[str | bytes | int] = [GROUP, 0]
        numbers: dict[str, int] = {}
        for hand_in in hand_ins:
            batch = self._queue.batch(hand_in.batch_id)
            number = numbers.get(hand_in.batch_id)
            if number is None:
                number = numbers[hand_in.batch_id] = len(numbers)
                keys += [batch.fences, batch.done, batch.results]
            journals.append(batch.journal(hand_in.game_id))
            args += [number, hand_in.game_id, hand_in.token, hand_in.entry_id, hand_in.payload]
        args[1] = len(numbers)
        answers = await self._submit(keys=keys + journals, args=args)
        return [bool(answer) for answer in answers]

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
