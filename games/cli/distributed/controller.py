"""The controller's side of a batch played by workers: publish the plan, put every game on the queue,
relay each accepted result into the run log, and notice what the server lost.

Exactly once: the server accepts one result per game (the fenced SUBMIT), and the controller writes a
game only the first time it sees it ended, whatever the server or a worker repeats. If the server loses
the batch (restarted, emptied), the controller publishes it again with a new epoch and puts back every
game it has not written; results of the old epoch can no longer be handed in.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.exceptions import ResponseError

from games.cli.batch import Batch
from games.cli.distributed.forwarded import decode_result
from games.cli.distributed.keys import BATCH_TTL_S, STOPPED_TTL_S, BatchKeys, QueueKeys
from games.cli.distributed.scripts import ensure_group
from games.cli.distributed.server import REDIS_DOWN, raise_if_cancelled
from games.kit.outcome import GameResult
from runtime.clock import Clock, SystemClock

READ_BLOCK_MS = 500
READ_COUNT = 500
# While results flow, the next read waits this long: each read then takes in many results, instead of
# one round trip (and one wake-up of the server and of this process) per result.
PACE_S = 0.05
# With this many games or fewer left to end, the next read goes at once (and blocks until a result
# comes): waiting would only delay the last results, and a small batch's only ones.
FEW_LEFT = 8
KEEP_ALIVE_S = 10.0  # how often the batch's expiry is pushed forward (well within BATCH_TTL_S)
NO_WORKER_HINT = "no worker has taken a game yet; start one with: python main.py worker --redis URL"
NO_WORKER_HINT_S = 5.0  # say how to start a worker when none has taken a game this long
SERVER_PATIENCE_S = 60.0  # a server that has not answered this long stops the batch (resumable)
STOPPED_GRACE_S = 30.0  # after a fatal error, how long games in flight on workers may take to end
CLEANUP_TIMEOUT_S = 2.0

# Writes a game's events into the run log: each (ts, encoded tail), and what its listeners are shown
# (None: every event).
Relay = Callable[[list[tuple[str, bytes]], list[dict[str, Any]] | None], None]


@dataclass(frozen=True)
class Publication:
    """What a worker needs to play a batch's games: the run's configuration and plan (as run_started
    records them) and the limits on model calls that all workers share."""

    game: str
    config: Mapping[str, Any]
    plan: list[dict[str, Any]]
    max_concurrent_calls: int
    rpm: int | None

    def encoded(self) -> bytes:
        return orjson.dumps(
            {
                "game": self.game,
                "config": self.config,
                "plan": self.plan,
                "limits": {"max_concurrent_calls": self.max_concurrent_calls, "rpm": self.rpm},
            }
        )


async def play_on_workers(
    batch: Batch,
    publication: Publication,
    batch_id: str,
    relay: Relay,
    *,
    redis: Redis,
    queue: str,
    on_result: Callable[[GameResult], None],
    notice: Callable[[str], None],
    clock: Clock | None = None,
    every_event: bool = False,
) -> None:
    """Play `batch` on the queue's workers; returns once every game has ended or the batch stopped.
    `redis` (see server.py: reached before the run log was opened) is closed at the end. `relay`
    writes a game's encoded events (RunLog.relay_encoded) and shows its listeners what the summary
    needs of them, or (`every_event`: a transcript is drawn) every event."""
    controller = Controller(
        redis, QueueKeys(queue), batch_id, batch, publication, relay, on_result, notice, clock,
        every_event=every_event,
    )  # fmt: skip
    try:
        await controller.run()
    finally:
        await controller.close()


class Controller:
    def __init__(
        self,
        redis: Redis,
        queue: QueueKeys,
        batch_id: str,
        batch: Batch,
        publication: Publication,
        relay: Relay,
        on_result: Callable[[GameResult], None],
        notice: Callable[[str], None],
        clock: Clock | None = None,
        *,
        every_event: bool = False,
    ) -> None:
        self._redis = redis
        self._queue = queue
        self.keys: BatchKeys = queue.batch(batch_id)
        self.batch_id = batch_id
        self._batch = batch
        self._publication = publication
        self._relay = relay
        self._every_event = every_event
        self._on_result = on_result
        self._notice = notice
        self._clock = clock or SystemClock()
        self._ended: set[str] = {result.game_id for result in batch.results}
        self._left: set[str] = {spec.game_id for spec in batch.specs} - self._ended
        self._in_flight: set[str] = set()
        self._last_id = "0-0"
        self._epoch = ""
        self._anyone_took = False
        self._kept_alive_at: float | None = None
        self.republished = 0  # how many times the server had lost the batch

    @property
    def remaining(self) -> list[str]:
        """The games not ended yet, in the plan's order."""
        return [spec.game_id for spec in self._batch.specs if spec.game_id in self._left]

    async def run(self) -> None:
        started = self._clock.monotonic()
        down_since: float | None = None
        stopped_at: float | None = None
        hinted = False
        while self._left:
            now = self._clock.monotonic()
            if self._batch.stopped is not None:
                stopped_at = now if stopped_at is None else stopped_at
                if not self._in_flight or now - stopped_at > STOPPED_GRACE_S:
                    return
            try:
                await self._step()
            except REDIS_DOWN as exc:
                raise_if_cancelled()
                down_since = now if down_since is None else down_since
                if now - down_since > SERVER_PATIENCE_S:
                    self._batch.stop(f"the Redis server has not answered for {SERVER_PATIENCE_S:g}s ({exc})")
                    return
                if now == down_since:
                    self._notice(f"lost the Redis server ({type(exc).__name__}); waiting for it to come back")
                await self._clock.sleep(min(0.05 * 2 ** min(int(now - down_since), 5), 1.0))
                continue
            if down_since is not None:
                self._notice("the Redis server answers again")
                down_since = None
            if not hinted and not self._anyone_took and now - started > NO_WORKER_HINT_S:
                hinted = True
                self._notice(
                    "no worker has taken a game yet; start one with: python main.py worker --redis URL"
                )

    async def _step(self) -> None:
        """One round, one round trip: publish when the server does not hold the batch (first time, or
        lost), check for a fatal error, push the batch's expiry forward when due, read what the workers
        reported (waiting up to READ_BLOCK_MS for it)."""
        if not self._epoch:
            await self._publish()
        now = self._clock.monotonic()
        keep_alive = self._kept_alive_at is None or now - self._kept_alive_at >= KEEP_ALIVE_S
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.exists(self.keys.plan)
            pipe.get(self.keys.fatal)
            if keep_alive:
                for key in self.keys.all():
                    pipe.expire(key, BATCH_TTL_S)
            pipe.xread({self.keys.results: self._last_id}, count=READ_COUNT, block=READ_BLOCK_MS)
            answers = await pipe.execute()
        held, fatal, answer = answers[0], answers[1], answers[-1]
        if keep_alive:
            self._kept_alive_at = now
        if fatal is not None and self._batch.stopped is None:
            self._batch.stop(_fatal_message(fatal))
            await self._redis.set(self.keys.stop, b"stopped: a model call failed for good", ex=STOPPED_TTL_S)
        read = 0
        for _stream, entries in answer or []:
            for entry_id, fields in entries:
                self._last_id = entry_id
                self._take_in(fields)
                read += 1
        if not held:
            self.republished += 1
            self._notice(f"the Redis server lost the batch; putting back {len(self._left)} game(s)")
            await self._publish()
        elif read and len(self._left) > FEW_LEFT:
            await self._clock.sleep(PACE_S)

    async def _publish(self) -> None:
        self._epoch = secrets.token_hex(4)
        self._last_id = "0-0"
        self._in_flight.clear()
        await ensure_group(self._redis, self._queue.games)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hset(self.keys.plan, mapping={"epoch": self._epoch, "plan": self._publication.encoded()})
            pipe.expire(self.keys.plan, BATCH_TTL_S)
            for game_id in self.remaining:
                entry = {"batch": self.batch_id, "game": game_id, "epoch": self._epoch}
                pipe.xadd(self._queue.games, entry)
            await pipe.execute()

    def _take_in(self, fields: Mapping[bytes, bytes]) -> None:
        """One entry of the results stream: the games one TAKE call gave out (`taken`), or the results
        one SUBMIT call accepted (`ended`: the games, then each one's message under its place, 1, 2...)."""
        kind = fields.get(b"kind")
        try:
            games = orjson.loads(fields.get(b"games", b"[]"))
        except orjson.JSONDecodeError:
            games = None
        if not isinstance(games, list) or not all(isinstance(game_id, str) for game_id in games):
            self._notice(f"a malformed entry on the results stream ({kind!r}); passed over")
            return
        if kind == b"taken":
            self._anyone_took = True
            self._in_flight.update(game_id for game_id in games if game_id not in self._ended)
        elif kind == b"ended":
            for place, game_id in enumerate(games, 1):
                if game_id not in self._ended:
                    self._take_in_result(game_id, fields.get(str(place).encode(), b""))

    def _take_in_result(self, game_id: str, payload: bytes) -> None:
        try:
            handed = decode_result(payload)
        except ValueError as exc:
            self._notice(
                f"game {game_id}: a worker handed in a malformed result ({exc}); it will be played again"
            )
            return
        self._ended.add(game_id)
        self._left.discard(game_id)
        self._in_flight.discard(game_id)
        self._relay(handed.lines, None if self._every_event else handed.summary)
        self._batch.results.append(handed.result)
        self._on_result(handed.result)

    async def close(self) -> None:
        """The batch takes no more games; its keys go. Bounded: a server that is gone is not waited for."""
        reason = "interrupted" if self._batch.stopped is None and self._left else "ended"
        try:
            async with asyncio.timeout(CLEANUP_TIMEOUT_S):
                await self._redis.set(self.keys.stop, reason, ex=STOPPED_TTL_S)
                await self._redis.delete(*self.keys.all())
        except (*REDIS_DOWN, TimeoutError, ResponseError):
            pass  # the keys expire on their own
        finally:
            try:
                async with asyncio.timeout(CLEANUP_TIMEOUT_S):
                    await self._redis.aclose()
            except (*REDIS_DOWN, TimeoutError):
                pass


def _fatal_message(value: bytes) -> str:
    try:
        return str(orjson.loads(value)["message"])
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return value.decode(errors="replace")
