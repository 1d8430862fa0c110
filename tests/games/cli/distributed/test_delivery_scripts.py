"""The fenced steps of a delivery, run against the server: a token taken over can neither journal,
renew nor hand in; a result goes in once; a stopped or vanished batch's games are dropped."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from games.cli.distributed.keys import GROUP, QueueKeys
from games.cli.distributed.scripts import DeliverySteps, ensure_group

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
    assert [fields[b"kind"] for _id, fields in results] == [b"taken", b"taken", b"ended"]
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
