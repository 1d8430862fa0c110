"""A worker's journal writes against a real Redis: the replies that come while one write is under way go
together in the next JOURNAL call, each fenced by its own game's token and each giving its model call's
shared slot back."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from agents import ChatReply, Usage
from games.cli.distributed.journal import GameLost, Journal, JournalWrites
from games.cli.distributed.keys import QueueKeys
from games.cli.distributed.scripts import DeliverySteps, Entry
from games.cli.distributed.shared_limits import RedisCallLimits, held_slot
from tests.games.cli.distributed.held_scripts import SlowScripts
from tests.games.cli.distributed.test_delivery_scripts import EPOCH, publish

DEADLINE_S = 10.0
BACKEND = ("openai", "m")
REPLY = ChatReply("CLUE: purr", "m", Usage(3, 2))


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
async def slow(redis_url: str) -> AsyncIterator[SlowScripts]:
    client = SlowScripts.from_url(redis_url)
    yield client
    await client.aclose()


async def test_replies_that_come_during_a_write_go_together_each_fenced_by_its_own_game(
    redis: Redis, slow: SlowScripts, queue: str, redis_prefix: str
) -> None:
    """A first reply's write is held on its way while three more games' replies come: those go in one
    call, which writes two and refuses the one whose game another worker took over; every model call's
    slot goes back, the refused one's too."""
    keys = QueueKeys(queue)
    batch = keys.batch("b1")
    ids = await publish(redis, keys, "b1", "g1", "g2", "g3", "g4")
    games = ["g1", "g2", "g3", "g4"]
    taken = await DeliverySteps(redis, keys).take_all(
        [Entry(entry, "b1", game, EPOCH) for entry, game in zip(ids, games, strict=True)], "w1"
    )
    await DeliverySteps(redis, keys).take("b1", "g3", EPOCH, ids[2], "w2")  # g3 taken over by w2
    writes = JournalWrites(DeliverySteps(slow, keys))
    lost: list[str] = []
    journals = [
        Journal(writes, "b1", game, one.token, {}, on_lost=lambda game=game: lost.append(game))
        for game, one in zip(games, taken, strict=True)
    ]
    limits = RedisCallLimits(redis, redis_prefix, max_concurrency=4, requests_per_minute=None)
    slots = []

    async def reply(journal: Journal, recording: asyncio.Event) -> None:
        async with limits.slot(BACKEND):
            slots.append(held_slot())
            writing = journal.record("hinter", 0, REPLY)
            recording.set()  # the write is in line before this task next lets another run
            await writing

    slow.sending.clear()
    async with asyncio.timeout(DEADLINE_S):
        started = [asyncio.Event() for _ in games]
        replies = [asyncio.create_task(reply(journals[0], started[0]))]
        await slow.held_back.wait()
        replies += [asyncio.create_task(reply(j, s)) for j, s in zip(journals[1:], started[1:], strict=True)]
        for recording in started:
            await recording.wait()
        slow.sending.set()
        outcomes = await asyncio.gather(*replies, return_exceptions=True)
        await limits.drain()

    assert [type(outcome) for outcome in outcomes] == [type(None), type(None), GameLost, type(None)]
    assert lost == ["g3"]
    assert slow.calls == 2
    assert all(slot is not None and slot.given_back for slot in slots)
    assert await redis.zcard(f"{redis_prefix}:inflight") == 0
    written = {game: await redis.hget(batch.journal(game), "hinter:0") is not None for game in games}
    assert written == {"g1": True, "g2": True, "g3": False, "g4": True}
    assert await redis.ttl(batch.journal("g4")) > 0


async def test_writes_sent_together_fail_together_when_the_server_is_down(queue: str) -> None:
    """A call to a server that cannot be reached fails every write of its group: each game is lost (it will
    be taken over), and the group's writes cost the round trips of one."""
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = SlowScripts.from_url(f"redis://127.0.0.1:{port}")
    try:
        writes = JournalWrites(DeliverySteps(down, QueueKeys(queue)), patience_s=0.0)
        lost: list[str] = []
        alone = Journal(writes, "b1", "g0", f"{EPOCH}:1", {}, on_lost=lambda: lost.append("g0"))
        async with asyncio.timeout(DEADLINE_S):
            with pytest.raises(GameLost):
                await alone.record("hinter", 0, REPLY)
            one_write = down.calls
            down.calls = 0
            journals = [
                Journal(writes, "b1", game, f"{EPOCH}:1", {}, on_lost=lambda game=game: lost.append(game))
                for game in ("g1", "g2", "g3")
            ]
            outcomes = await asyncio.gather(
                *(journal.record("hinter", 0, REPLY) for journal in journals), return_exceptions=True
            )
        assert [type(outcome) for outcome in outcomes] == [GameLost] * 3
        assert lost == ["g0", "g1", "g2", "g3"]
        assert down.calls == one_write
    finally:
        await down.aclose()
