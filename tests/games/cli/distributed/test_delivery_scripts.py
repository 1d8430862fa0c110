"""The fenced steps of a delivery, run against the server: a token taken over can neither journal,
renew nor hand in; a result goes in once; a stopped or vanished batch's games are dropped."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from games.cli.distributed.keys import GROUP, QueueKeys
from games.cli.distributed.scripts import Scripts, ensure_group

EPOCH = "e1"
TTL = 60


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def publish(redis: Redis, queue: QueueKeys, batch_id: str, *games: str) -> list[str]:
    await ensure_group(redis, queue.games)
    await redis.hset(queue.batch(batch_id).plan, mapping={"epoch": EPOCH, "plan": "{}"})
    ids = []
    for game in games:
        ids.append(
            (await redis.xadd(queue.games, {"batch": batch_id, "game": game, "epoch": EPOCH})).decode()
        )
    return ids


async def take(
    redis: Redis, scripts: Scripts, queue: QueueKeys, batch_id: str, game: str, entry: str, worker: str
):
    keys = queue.batch(batch_id)
    answer = await scripts.take(
        keys=[
            keys.plan,
            keys.stop,
            keys.fatal,
            keys.done,
            keys.deliveries,
            keys.takers,
            keys.fences,
            keys.results,
            queue.games,
        ],  # fmt: skip
        args=[EPOCH, game, GROUP, entry, worker, TTL],
    )
    return [part.decode() for part in answer]


async def submit(
    redis: Redis, scripts: Scripts, queue: QueueKeys, batch_id: str, game: str, entry: str, token: str
):
    keys = queue.batch(batch_id)
    return await scripts.submit(
        keys=[keys.fences, keys.done, keys.results, queue.games, keys.journal(game)],
        args=[game, token, GROUP, entry, b"{}"],
    )


async def test_a_token_taken_over_is_fenced_off_everywhere(redis: Redis, queue: str) -> None:
    keys_of = QueueKeys(queue)
    scripts = Scripts(redis)
    [entry] = await publish(redis, keys_of, "b1", "g1")
    await redis.xreadgroup(GROUP, "w1", {keys_of.games: ">"})
    first = await take(redis, scripts, keys_of, "b1", "g1", entry, "w1")
    second = await take(redis, scripts, keys_of, "b1", "g1", entry, "w2")  # the lease ran out: w2 took it
    assert first[:3] == ["play", f"{EPOCH}:1", "1"]
    assert second[:4] == ["play", f"{EPOCH}:2", "2", "w1,w2"]
    keys = keys_of.batch("b1")
    stale = [keys.fences, keys.journal("g1")], ["g1", first[1], "w1:0", b"{}", TTL]
    assert await scripts.journal(keys=stale[0], args=stale[1]) == 0
    renewed = await scripts.renew(
        keys=[keys.fences, keys.plan, keys.stop, keys_of.games], args=["g1", first[1], GROUP, "w1", entry]
    )
    assert renewed == b"lost"
    assert await submit(redis, scripts, keys_of, "b1", "g1", entry, first[1]) == 0
    assert await submit(redis, scripts, keys_of, "b1", "g1", entry, second[1]) == 1
    assert await submit(redis, scripts, keys_of, "b1", "g1", entry, second[1]) == 0  # once only
    results = await redis.xrange(keys.results)
    assert [fields[b"kind"] for _id, fields in results] == [b"taken", b"taken", b"ended"]
    assert await redis.xlen(keys_of.games) == 0  # acknowledged and deleted


async def test_games_of_a_stopped_or_vanished_batch_are_dropped(redis: Redis, queue: str) -> None:
    keys_of = QueueKeys(queue)
    scripts = Scripts(redis)
    stopped, vanished, done = await publish(redis, keys_of, "b2", "g1", "g2", "g3")
    await redis.xreadgroup(GROUP, "w1", {keys_of.games: ">"})
    await redis.hset(keys_of.batch("b2").done, "g3", f"{EPOCH}:1")
    assert await take(redis, scripts, keys_of, "b2", "g3", done, "w1") == ["done"]
    await redis.set(keys_of.batch("b2").stop, "interrupted")
    assert await take(redis, scripts, keys_of, "b2", "g1", stopped, "w1") == ["stopped"]
    await redis.delete(keys_of.batch("b2").plan, keys_of.batch("b2").stop)
    assert await take(redis, scripts, keys_of, "b2", "g2", vanished, "w1") == ["gone"]
    assert await redis.xlen(keys_of.games) == 0
    pending = await redis.xpending(keys_of.games, GROUP)
    assert pending["pending"] == 0
