"""The fenced steps of a delivery, run against the server: a token taken over can neither journal,
renew nor hand in; a result goes in once; a stopped or vanished batch's games are dropped."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence

import orjson
import pytest
from redis.asyncio import Redis

from agents import ChatReply, Usage
from games.cli.distributed.journal import GameLost, Journal, JournalWrites
from games.cli.distributed.keys import BATCH_TTL_S, GROUP, QueueKeys
from games.cli.distributed.scripts import DeliverySteps, Entry, HandIn, ensure_group
from games.cli.distributed.shared_limits import RedisCallLimits, held_slot

EPOCH = "e1"


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def publish(redis: Redis, queue: QueueKeys, batch_id: str, *games: str) -> list[str]:
    """A batch's plan and its games on the stream, read by the group (pending, as a worker sees them)."""
    await ensure_group(redis, queue.games)
    await redis.hset(queue.batch(batch_id).plan, mapping={"epoch": EPOCH, "plan": "{}"})
    ids = [
        (await redis.xadd(queue.games, {"batch": batch_id, "game": g, "epoch": EPOCH})).decode()
        for g in games
    ]
    await redis.xreadgroup(GROUP, "w1", {queue.games: ">"})
    return ids


def per_game(results: Sequence[tuple[bytes, Mapping[bytes, bytes]]]) -> list[tuple[bytes, str, bytes | None]]:
    """Each game the results stream's entries name, in order: (kind, game, its message when ended). A
    TAKE call writes one entry for the games it gave out, a SUBMIT call one for the results it accepted."""
    return [
        (fields[b"kind"], game, fields.get(str(place).encode()))
        for _id, fields in results
        for place, game in enumerate(orjson.loads(fields[b"games"]), 1)
    ]


async def test_a_token_taken_over_is_fenced_off_everywhere(redis: Redis, queue: str) -> None:
    keys = QueueKeys(queue)
    steps = DeliverySteps(redis, keys)
    [entry] = await publish(redis, keys, "b1", "g1")
    first = await steps.take("b1", "g1", EPOCH, entry, "w1")
    second = await steps.take("b1", "g1", EPOCH, entry, "w2")  # the lease ran out: w2 took it over
    assert (first.verdict, first.token, first.deliveries) == ("play", f"{EPOCH}:1", 1)
    assert (second.token, second.deliveries, second.takers) == (f"{EPOCH}:2", 2, ("w1", "w2"))
    assert not await steps.journal("b1", "g1", first.token, "hinter:0", b"{}")
    assert await steps.journal("b1", "g1", second.token, "hinter:0", b"{}")
    assert await steps.renew("b1", "g1", first.token, "w1", entry) == "lost"
    assert await steps.renew("b1", "g1", second.token, "w2", entry) == "ok"
    assert not await steps.submit("b1", "g1", first.token, entry, b"{}")
    assert await steps.submit("b1", "g1", second.token, entry, b"{}")
    assert not await steps.submit("b1", "g1", second.token, entry, b"{}")  # once only
    results = await redis.xrange(keys.batch("b1").results)
    assert [(kind, game) for kind, game, _ in per_game(results)] == [
        (b"taken", "g1"), (b"taken", "g1"), (b"ended", "g1")
    ]  # fmt: skip
    assert await redis.xlen(keys.games) == 0  # acknowledged and deleted
    assert not await redis.exists(keys.batch("b1").journal("g1"))  # dropped with the result in


async def test_games_of_a_stopped_or_vanished_batch_are_dropped(redis: Redis, queue: str) -> None:
    keys = QueueKeys(queue)
    steps = DeliverySteps(redis, keys)
    stopped, vanished, done = await publish(redis, keys, "b2", "g1", "g2", "g3")
    await redis.hset(keys.batch("b2").done, "g3", f"{EPOCH}:1")
    assert (await steps.take("b2", "g3", EPOCH, done, "w1")).verdict == "done"
    await redis.set(keys.batch("b2").stop, "interrupted")
    assert (await steps.take("b2", "g1", EPOCH, stopped, "w1")).verdict == "stopped"
    await redis.delete(keys.batch("b2").plan, keys.batch("b2").stop)
    assert (await steps.take("b2", "g2", EPOCH, vanished, "w1")).verdict == "gone"
    assert await redis.xlen(keys.games) == 0
    assert (await redis.xpending(keys.games, GROUP))["pending"] == 0


async def test_an_entry_of_an_older_publication_is_dropped(redis: Redis, queue: str) -> None:
    """After the server lost a batch and the controller published it again, entries of the old epoch
    (a worker's stale read) play nothing."""
    keys = QueueKeys(queue)
    steps = DeliverySteps(redis, keys)
    [entry] = await publish(redis, keys, "b3", "g1")
    assert (await steps.take("b3", "g1", "older", entry, "w1")).verdict == "gone"


async def test_a_released_game_is_claimable_at_once(redis: Redis, queue: str) -> None:
    """A worker that stops hands its games back: the next XAUTOCLAIM of another worker takes them
    without waiting out the lease."""
    keys = QueueKeys(queue)
    steps = DeliverySteps(redis, keys)
    [entry] = await publish(redis, keys, "b4", "g1")
    lease_ms = 60_000
    _next, claimed, _gone = await redis.xautoclaim(keys.games, GROUP, "w2", lease_ms, "0-0")
    assert claimed == []  # held by w1, idle for less than a lease
    await steps.release("w1", entry, lease_ms)
    _next, claimed, _gone = await redis.xautoclaim(keys.games, GROUP, "w2", lease_ms, "0-0")
    assert [entry_id.decode() for entry_id, _fields in claimed] == [entry]


async def test_one_call_takes_several_games_and_one_hands_several_in_each_on_its_own_terms(
    redis: Redis, queue: str
) -> None:
    """TAKE for all the entries of a read and SUBMIT for all the results that ended together: each game
    is taken, dropped, accepted or refused as if it had been alone."""
    keys = QueueKeys(queue)
    batch = keys.batch("b5")
    steps = DeliverySteps(redis, keys)
    first, second, third = await publish(redis, keys, "b5", "g1", "g2", "g3")
    await redis.hset(batch.done, "g3", f"{EPOCH}:1")  # its result is in already
    read = [
        Entry(first, "b5", "g1", EPOCH),
        Entry(second, "b5", "g2", EPOCH),
        Entry(third, "b5", "g3", EPOCH),
    ]
    one, two, three = await steps.take_all(read, "w1")
    assert (one.verdict, one.token, two.verdict, two.token, three.verdict) == (
        "play", f"{EPOCH}:1", "play", f"{EPOCH}:1", "done"
    )  # fmt: skip
    assert 0 < await redis.ttl(batch.fences) <= BATCH_TTL_S
    over = await steps.take("b5", "g2", EPOCH, second, "w2")  # g2's lease ran out: w2 took it over

    handed = [
        HandIn("b5", "g1", one.token, first, b"one"),
        HandIn("b5", "g2", two.token, second, b"two"),  # fenced off: w2 holds g2 now
        HandIn("b5", "g1", one.token, first, b"one again"),  # once only
    ]
    assert await steps.submit_all(handed) == [True, False, False]
    assert await steps.submit_all([HandIn("b5", "g2", over.token, second, b"two by w2")]) == [True]

    results = await redis.xrange(batch.results)
    assert per_game(results) == [
        (b"taken", "g1", None), (b"taken", "g2", None),  # one entry: one TAKE call
        (b"taken", "g2", None),
        (b"ended", "g1", b"one"), (b"ended", "g2", b"two by w2"),
    ]  # fmt: skip
    assert [orjson.loads(fields[b"games"]) for _id, fields in results] == [
        ["g1", "g2"],
        ["g2"],
        ["g1"],
        ["g2"],
    ]
    assert await redis.xlen(keys.games) == 0  # every entry acknowledged and deleted
    assert (await redis.xpending(keys.games, GROUP))["pending"] == 0


async def test_results_accepted_together_go_to_the_controller_in_one_entry(redis: Redis, queue: str) -> None:
    """One SUBMIT call that accepts several games writes one results entry holding each game's message
    under its place, and drops their journals."""
    keys = QueueKeys(queue)
    batch = keys.batch("b7")
    steps = DeliverySteps(redis, keys)
    first, second = await publish(redis, keys, "b7", "g1", "g2")
    one, two = await steps.take_all([Entry(first, "b7", "g1", EPOCH), Entry(second, "b7", "g2", EPOCH)], "w1")
    for game, taken in (("g1", one), ("g2", two)):
        assert await steps.journal("b7", game, taken.token, "hinter:0", b"{}")
    handed = [HandIn("b7", "g1", one.token, first, b"one"), HandIn("b7", "g2", two.token, second, b"two")]
    assert await steps.submit_all(handed) == [True, True]
    [_taken, (_id, ended)] = await redis.xrange(batch.results)
    assert ended == {b"kind": b"ended", b"games": b'["g1","g2"]', b"1": b"one", b"2": b"two"}
    assert not await redis.exists(batch.journal("g1"), batch.journal("g2"))
    assert await redis.xlen(keys.games) == 0


async def test_one_call_serves_the_games_of_several_batches_each_under_its_own_keys(
    redis: Redis, queue: str
) -> None:
    keys = QueueKeys(queue)
    steps = DeliverySteps(redis, keys)
    [a1, a2] = await publish(redis, keys, "b8", "g1", "g2")
    [b1] = await publish(redis, keys, "b9", "g1")
    await redis.set(keys.batch("b9").stop, "interrupted")
    [c1] = await publish(redis, keys, "b10", "g1")
    read = [Entry(a1, "b8", "g1", EPOCH), Entry(b1, "b9", "g1", EPOCH), Entry(c1, "b10", "g1", EPOCH),
            Entry(a2, "b8", "g2", EPOCH)]  # fmt: skip
    one, stopped, other, two = await steps.take_all(read, "w1")
    assert (one.verdict, stopped.verdict, other.verdict, two.verdict) == ("play", "stopped", "play", "play")
    handed = [HandIn("b10", "g1", other.token, c1, b"c"), HandIn("b8", "g2", two.token, a2, b"a2"),
              HandIn("b8", "g1", one.token, a1, b"a1")]  # fmt: skip
    assert await steps.submit_all(handed) == [True, True, True]
    assert per_game(await redis.xrange(keys.batch("b8").results)) == [
        (b"taken", "g1", None), (b"taken", "g2", None), (b"ended", "g2", b"a2"), (b"ended", "g1", b"a1")
    ]  # fmt: skip
    assert per_game(await redis.xrange(keys.batch("b10").results)) == [
        (b"taken", "g1", None), (b"ended", "g1", b"c")
    ]  # fmt: skip
    assert await redis.xlen(keys.batch("b9").results) == 0
    assert await redis.hgetall(keys.batch("b8").done) == {
        b"g1": one.token.encode(),
        b"g2": two.token.encode(),
    }
    assert await redis.xlen(keys.games) == 0


async def test_a_journal_write_gives_the_model_calls_shared_slot_back(
    redis: Redis, queue: str, redis_prefix: str
) -> None:
    """The reply's journal write frees the call's place under the shared cap in the same round trip,
    and frees it too when the write is refused (another delivery holds the game)."""
    keys = QueueKeys(queue)
    steps = DeliverySteps(redis, keys)
    [entry] = await publish(redis, keys, "b6", "g1")
    taken = await steps.take("b6", "g1", EPOCH, entry, "w1")
    limits = RedisCallLimits(redis, redis_prefix, max_concurrency=1, requests_per_minute=None)
    inflight = f"{redis_prefix}:inflight"
    journal = Journal(JournalWrites(steps), "b6", "g1", taken.token, {})
    reply = ChatReply("CLUE: purr", "m", Usage(3, 2))
    sent: list[str] = []

    async def counted(*args: object, **options: object) -> object:
        sent.append(str(args[0]))
        return await Redis.execute_command(redis, *args, **options)

    try:
        async with limits.slot(("openai", "m")):
            slot = held_slot()
            assert slot is not None and await redis.zcard(inflight) == 1
            redis.execute_command = counted  # type: ignore[method-assign]
            await journal.record("hinter", 0, reply)
            assert slot.given_back and await redis.zcard(inflight) == 0
    finally:
        del redis.execute_command
    # The write and the slot's return in one round trip (the ZCARD is the test's); none at the slot's end.
    assert sent == ["EVALSHA", "ZCARD"]
    assert held_slot() is None
    assert await redis.hget(keys.batch("b6").journal("g1"), "hinter:0") is not None

    await steps.take("b6", "g1", EPOCH, entry, "w2")  # taken over: w1's next write is refused
    async with limits.slot(("openai", "m")):
        with pytest.raises(GameLost):
            await journal.record("guesser", 0, reply)
        assert await redis.zcard(inflight) == 0
