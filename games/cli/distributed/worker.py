"""A worker (`python main.py worker`, games.cli.distributed.worker_command): take games from the queue's
consumer group, play many at once, hand in each game's result and events.

The games one read brings are taken in one round trip (TAKE for all of them), and the results of games
that end close together are handed in in one (games.cli.distributed.hand_in): while games are in play,
the next read waits a little for more room, and a result a little for others.

A delivery is held under a lease: the worker renews it (RENEW) every third of the lease while it plays;
a worker that dies or stalls stops renewing, and once the entry has been idle a whole lease another
worker's XAUTOCLAIM takes it, with a new fencing token. A game taken more than `--max-deliveries` times
(it crashed every worker that took it) is handed in as an `error` with the workers that took it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from agents import ModelError
from games.cli.command import play_game
from games.cli.distributed.forwarded import RecordedEvents, encode_result
from games.cli.distributed.hand_in import HandIns
from games.cli.distributed.journal import GameLost, Journal, JournaledModel, JournalWrites
from games.cli.distributed.keys import GROUP, BatchKeys, QueueKeys
from games.cli.distributed.published import BatchSetup, set_up
from games.cli.distributed.scripts import DeliverySteps, Entry, HandIn, Taken, ensure_group
from games.cli.distributed.server import REDIS_DOWN, raise_if_cancelled, reachable, shown
from games.cli.distributed.shared_limits import RedisCallLimits
from games.cli.registry import catalog_for
from games.cli.summary import summary_view
from games.kit.exits import UsageError
from games.kit.outcome import GameResult, Outcome
from runtime.clock import Clock, SystemClock

READ_BLOCK_MS = 1000
CLAIM_EVERY_S = 1.0  # look for games whose lease ran out at most this often (and at most every lease/3)
# While games are in play, a read waits up to this long for a quarter of the worker's room to be free, so
# that one read, and one TAKE, bring several games.
READ_PACE_S = 0.02
# What the summary needs of the events of a game that no batch setup could play (its game_ended).
_SHARED_SUMMARY = summary_view(catalog_for(None))


@dataclass
class Delivery:
    """A game this worker is playing: where it came from and the token that fences it."""

    entry_id: str
    batch_id: str
    game_id: str
    token: str
    task: asyncio.Task[None]


class Worker:
    def __init__(
        self,
        redis: Redis,
        queue: QueueKeys,
        *,
        name: str,
        concurrency: int,
        lease_s: float,
        max_deliveries: int,
        base_url: str | None,
        say: Any,
        quiet: bool = False,
        clock: Clock | None = None,
    ) -> None:
        self._redis = redis
        self._queue = queue
        self.name = name
        self._concurrency = concurrency
        self._lease_ms = max(int(lease_s * 1000), 1)
        self._lease_s = lease_s
        self._max_deliveries = max_deliveries
        self._base_url = base_url
        self._say = say
        self._quiet = quiet
        self._clock = clock or SystemClock()
        self._steps = DeliverySteps(redis, queue)
        self._batches: dict[str, BatchSetup | UsageError] = {}
        self._playing: dict[str, Delivery] = {}  # entry id -> delivery
        self._handing_in: set[str] = set()  # entries played whose results are on their way
        self._starting: set[str] = set()  # entries being taken
        self._taking: set[asyncio.Task[None]] = set()
        self._setting_up = asyncio.Lock()
        self._room = asyncio.Event()
        self._room.set()
        self._room_enough = asyncio.Event()  # a quarter of the room (at least one game) is free
        self._room_enough.set()
        self._hand_ins = HandIns(self._steps, self._clock, self._playing_others, lease_s)
        self._journal_writes = JournalWrites(self._steps, lease_s)
        self._claim_from = "0-0"
        self._claimed_at: float | None = None
        self._background: set[asyncio.Task[Any]] = set()
        self.handed_in = 0

    def _tell(self, line: str) -> None:
        if not self._quiet:
            self._say(line)

    async def connect(self, url: str) -> None:
        """Reach the server (a few tries while it starts); UsageError when it cannot be reached."""
        await reachable(self._redis, url, self._clock)
        await ensure_group(self._redis, self._queue.games)
        self._tell(
            f"worker {self.name}: serving queue {self._queue.queue!r} at {shown(url)}, "
            f"{self._concurrency} game(s) at once"
        )

    async def run(self) -> None:
        heartbeat = asyncio.create_task(self._heartbeat(), name="worker:heartbeat")
        outage = 0
        try:
            while True:
                await self._room.wait()
                if self._busy:  # games in play: let more room free up, so that one read brings several
                    with contextlib.suppress(TimeoutError):
                        async with self._clock.timeout(READ_PACE_S):
                            await self._room_enough.wait()
                try:
                    entries = await self._next_entries(self._concurrency - self._busy)
                except REDIS_DOWN as exc:
                    raise_if_cancelled()
                    outage += 1
                    if outage == 1:
                        self._say(
                            f"worker {self.name}: lost the Redis server ({type(exc).__name__}); retrying"
                        )
                    await self._clock.sleep(min(0.05 * 2 ** min(outage, 5), 1.0))
                    continue
                except ResponseError as exc:
                    if "NOGROUP" not in str(exc):
                        raise
                    await ensure_group(self._redis, self._queue.games)  # the server lost the stream
                    continue
                if outage:
                    self._say(f"worker {self.name}: the Redis server answers again")
                    outage = 0
                if entries:
                    self._take(entries)
        finally:
            heartbeat.cancel()
            await asyncio.gather(heartbeat, return_exceptions=True)

    @property
    def _held(self) -> set[str]:
        """The entries this worker is taking or playing (a game whose result is on its way included)."""
        return set(self._playing) | self._starting

    @property
    def _busy(self) -> int:
        """The places taken. A game whose result is on its way gives its place to the next one, but on a
        worker playing one game at a time (it hands each game in before it takes the next)."""
        waiting = len(self._handing_in) if self._concurrency > 1 else 0
        return len(self._playing) + len(self._starting) - waiting

    def _playing_others(self) -> bool:
        """Whether games are being taken or played here, besides those whose results are on their way."""
        return len(self._playing) + len(self._starting) > len(self._handing_in)

    async def _next_entries(self, room: int) -> list[tuple[str, Mapping[bytes, bytes]]]:
        """Games to take: first any whose lease ran out on another worker, else new ones. Leases run
        for seconds: looking for lapsed ones before every read would cost the server a scan per game."""
        now = self._clock.monotonic()
        if self._claimed_at is None or now - self._claimed_at >= min(CLAIM_EVERY_S, self._lease_s / 3):
            start, claimed, _deleted = await self._redis.xautoclaim(
                self._queue.games, GROUP, self.name, self._lease_ms, self._claim_from, count=room
            )
            self._claim_from = _text(start)
            if self._claim_from == "0-0":  # the whole pending list was looked through: rest a while
                self._claimed_at = now
            # Its own games that were idle a lease (a busy event loop missed a renewal): still being played.
            held = self._held
            entries = [(_text(id_), fields) for id_, fields in claimed if fields and _text(id_) not in held]
            if entries:
                return entries
        answer = await self._redis.xreadgroup(
            GROUP, self.name, {self._queue.games: ">"}, count=room, block=READ_BLOCK_MS
        )
        return [
            (_text(entry_id), fields)
            for _stream, found in answer or []
            for entry_id, fields in found
            if fields
        ]

    def _take(self, entries: Sequence[tuple[str, Mapping[bytes, bytes]]]) -> None:
        """Take the entries a read brought (one round trip), then play each game taken."""
        read = [
            Entry(
                entry_id,
                _text(fields.get(b"batch", b"")),
                _text(fields.get(b"game", b"")),
                _text(fields.get(b"epoch", b"")),
            )
            for entry_id, fields in entries
        ]
        self._starting.update(entry.entry_id for entry in read)
        self._update_room()
        task = asyncio.create_task(self._take_all(read), name="worker:take")
        self._taking.add(task)

        def done(finished: asyncio.Task[None]) -> None:
            self._taking.discard(finished)
            self._starting.difference_update(entry.entry_id for entry in read)
            self._update_room()
            if not finished.cancelled() and finished.exception() is not None:
                error = finished.exception()
                ids = ", ".join(entry.entry_id for entry in read)
                self._say(f"worker {self.name}: taking {ids} failed: {type(error).__name__}: {error}")

        task.add_done_callback(done)

    async def _take_all(self, read: list[Entry]) -> None:
        answers = await self._steps.take_all(read, self.name)
        ended: set[str] = set()
        for entry, taken in zip(read, answers, strict=True):
            if taken.verdict == "play":
                self._start(entry, taken)
            elif taken.verdict in ("gone", "stopped"):
                ended.add(entry.batch_id)
            self._starting.discard(entry.entry_id)
        self._update_room()
        for batch_id in ended:
            await self._forget(batch_id)

    def _start(self, entry: Entry, taken: Taken) -> None:
        task = asyncio.create_task(self._deliver(entry, taken), name=f"delivery:{entry.entry_id}")
        self._playing[entry.entry_id] = Delivery(
            entry.entry_id, entry.batch_id, entry.game_id, taken.token, task
        )

        def done(finished: asyncio.Task[None]) -> None:
            self._playing.pop(entry.entry_id, None)
            self._handing_in.discard(entry.entry_id)
            self._update_room()
            if not finished.cancelled() and finished.exception() is not None:
                error = finished.exception()
                self._say(
                    f"worker {self.name}: delivery {entry.entry_id} failed: {type(error).__name__}: {error}"
                )

        task.add_done_callback(done)

    def _update_room(self) -> None:
        room = self._concurrency - self._busy
        if room > 0:
            self._room.set()
        else:
            self._room.clear()
        if room >= max(1, self._concurrency // 4):
            self._room_enough.set()
        else:
            self._room_enough.clear()

    async def _deliver(self, entry: Entry, taken: Taken) -> None:
        batch_id, game_id, token = entry.batch_id, entry.game_id, taken.token
        keys = self._queue.batch(batch_id)
        task = asyncio.current_task()
        assert task is not None
        setup = await self._setup(keys, batch_id)
        recorded = RecordedEvents(
            self._clock, setup.summary if isinstance(setup, BatchSetup) else _SHARED_SUMMARY
        )
        if isinstance(setup, UsageError):
            result = _error(game_id, "", f"worker {self.name} cannot play this batch: {setup}")
        elif taken.deliveries > self._max_deliveries:
            earlier = taken.takers[:-1]
            result = _error(
                game_id,
                setup.spec(game_id).subject,
                f"no worker finished this game in {len(earlier)} deliveries (each taker died or stalled: "
                f"{', '.join(earlier)})",
            )
        else:
            first = taken.deliveries == 1
            played = await self._play(setup, keys, batch_id, game_id, token, recorded, task, first=first)
            if played is None:
                return
            result = played
        if recorded.last_event != "game_ended":
            result.log(recorded.events.bind(game_id=game_id))
        payload = encode_result(result, recorded)
        # The result goes with those of other games that end soon after (at once when no other game is in
        # play here); meanwhile the game stays held (renewed, handed back on close) but its place goes
        # to the next game. A server out of reach for a whole lease: the game stays pending and is
        # played again.
        self._handing_in.add(entry.entry_id)
        self._update_room()
        accepted = await self._hand_ins.submit(HandIn(batch_id, game_id, token, entry.entry_id, payload))
        if accepted:
            self.handed_in += 1
        else:
            self._say(
                f"worker {self.name}: game {game_id} of batch {batch_id}: result refused "
                "(another worker took the game over, or its result is in already)"
            )

    async def _play(
        self,
        setup: BatchSetup,
        keys: BatchKeys,
        batch_id: str,
        game_id: str,
        token: str,
        recorded: RecordedEvents,
        task: asyncio.Task[None],
        *,
        first: bool,
    ) -> GameResult | None:
        """Play the game, serving the replies its journal holds; None when another delivery took it.
        On the game's `first` delivery its journal is empty (both are the batch's, and go together when
        the server loses them), so it is not read."""
        spec = setup.spec(game_id)
        served = None
        if setup.real_model is not None:  # offline and scripted players answer alike again: no journal
            on_lost = partial(self._taken_over, game_id, task)
            if first:
                journal = Journal(self._journal_writes, batch_id, game_id, token, {}, on_lost)
            else:
                journal = await Journal.load(
                    self._redis, self._journal_writes, keys, batch_id, game_id, token, on_lost, self._lease_s
                )
            served = partial(JournaledModel, journal=journal)
        try:
            return await play_game(
                spec, setup.chosen, setup.gateway, setup.real_model, recorded.events, served=served
            )
        except GameLost:
            return None
        except Exception as exc:  # one game's bug must not stop the worker: an error result, as in-process
            result = _error(game_id, spec.subject, f"{type(exc).__name__}: {exc}")
            result.log(recorded.events.bind(game_id=game_id))
            return result

    async def _setup(self, keys: BatchKeys, batch_id: str) -> BatchSetup | UsageError:
        known = self._batches.get(batch_id)
        if known is not None:
            return known
        async with self._setting_up:  # one setup per batch, however many of its games arrive at once
            known = self._batches.get(batch_id)
            if known is None:
                known = self._batches[batch_id] = await self._set_up(keys, batch_id)
            return known

    async def _set_up(self, keys: BatchKeys, batch_id: str) -> BatchSetup | UsageError:
        payload = await self._redis.hget(keys.plan, "plan")
        try:
            if payload is None:
                raise UsageError(f"batch {batch_id}: its plan is gone from the server")
            # Off the event loop: preparing a game reads its data, and the leases must be renewed meanwhile.
            setup: BatchSetup | UsageError = await asyncio.to_thread(
                set_up,
                batch_id,
                payload,
                base_url=self._base_url,
                shared_limits=lambda cap, rpm: RedisCallLimits(
                    self._redis,
                    keys.limits,
                    max_concurrency=cap,
                    requests_per_minute=rpm,
                    hold_s=self._lease_s,
                ),
                on_fatal=self._trip,
            )
            self._tell(f"worker {self.name}: playing games of batch {batch_id}")
        except UsageError as exc:
            setup = exc
            self._say(f"worker {self.name}: {exc}")
        return setup

    def _trip(self, shared: RedisCallLimits, error: ModelError) -> None:
        """A rejected key or an unknown model: every worker's next call to it fails alike, no worker
        takes another game of the batch, and the controller stops it."""
        task = asyncio.create_task(shared.trip(error))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _forget(self, batch_id: str) -> None:
        """A batch that ended: drop its setup once none of its games is in flight here."""
        if any(delivery.batch_id == batch_id for delivery in self._playing.values()):
            return
        setup = self._batches.pop(batch_id, None)
        if isinstance(setup, BatchSetup):
            await setup.aclose()

    async def _heartbeat(self) -> None:
        """Renew every delivery in flight; stop playing those another worker holds or whose batch ended."""
        while True:
            await self._clock.sleep(self._lease_s / 3)
            try:
                for setup in list(self._batches.values()):
                    if isinstance(setup, BatchSetup):
                        await setup.shared.renew()  # the model calls in flight keep their places
            except REDIS_DOWN:
                raise_if_cancelled()
                continue
            for delivery in list(self._playing.values()):
                try:
                    state = await self._steps.renew(
                        delivery.batch_id, delivery.game_id, delivery.token, self.name, delivery.entry_id
                    )
                except REDIS_DOWN:
                    raise_if_cancelled()
                    break  # the main loop says so; the leases are renewed when the server is back
                if state == "ok":
                    continue
                if state == "lost":
                    self._taken_over(delivery.game_id, delivery.task)
                delivery.task.cancel()

    def _taken_over(self, game_id: str, task: asyncio.Task[None]) -> None:
        """Another delivery holds the game (this worker stalled or lost the server past its lease)."""
        if not task.done() and not task.cancelling():
            self._say(f"worker {self.name}: game {game_id} was taken over by another worker")
        task.cancel()

    async def close(self) -> None:
        """Stop playing; hand the games in flight back at once (they look idle for a whole lease)."""
        playing = list(self._playing.values())
        tasks = [delivery.task for delivery in playing] + list(self._taking)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._hand_ins.aclose()
        await self._journal_writes.aclose()
        try:
            async with asyncio.timeout(2.0):
                for delivery in playing:
                    await self._steps.release(self.name, delivery.entry_id, self._lease_ms)
        except (*REDIS_DOWN, TimeoutError, ResponseError):
            pass  # their leases run out instead
        for setup in self._batches.values():
            if isinstance(setup, BatchSetup):
                await setup.aclose()
        try:
            async with asyncio.timeout(2.0):
                await self._redis.aclose()
        except (*REDIS_DOWN, TimeoutError):
            pass


def _error(game_id: str, subject: str, reason: str) -> GameResult:
    return GameResult(game_id, Outcome.ERROR, 0, None, reason, subject)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
