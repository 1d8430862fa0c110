"""A game's model replies, recorded on the server as they come, so that a worker taking the game over
serves them again instead of asking the model twice.

Only the replies of models on a server are journaled: offline and scripted players answer the same
way again from the game's seed. Writes are fenced: a worker whose delivery was taken over gets
`GameLost` at its next write and stops playing the game. A worker's writes go several per round trip
(JournalWrites): the replies that come while one write is under way go together in the next.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import orjson
from redis.asyncio import Redis

from agents import ChatModel, ChatReply, ChatRequest, Usage
from games.cli.distributed.batcher import Batcher, Waiting
from games.cli.distributed.keys import BatchKeys
from games.cli.distributed.scripts import DeliverySteps, JournalWrite
from games.cli.distributed.server import REDIS_DOWN, patiently
from games.cli.distributed.shared_limits import held_slot


class GameLost(Exception):
    """Another delivery of the game holds it now: this worker's play of it counts for nothing."""


class JournalWrites:
    """A worker's journal writes, for any games of its queue, several per round trip (one JOURNAL call).
    A server out of reach is tried again for up to `patience_s`; then every write of the call raises."""

    def __init__(self, steps: DeliverySteps, patience_s: float = 30.0) -> None:
        self._steps = steps
        self._patience_s = patience_s
        self._writes: Batcher[JournalWrite, bool] = Batcher(self._send, name="worker:journal")

    async def write(self, write: JournalWrite) -> bool:
        """True once the reply is written; False when another delivery holds its game."""
        return await self._writes(write)

    async def aclose(self) -> None:
        """Stop writing: the writes under way or waiting are given up (their games are being stopped)."""
        await self._writes.aclose()

    async def _send(self, group: list[Waiting[JournalWrite, bool]]) -> None:
        writes = [waiting.request for waiting in group]
        written = await patiently(partial(self._steps.journal_all, writes), self._patience_s)
        for waiting, answer in zip(group, written, strict=True):
            waiting.settle(answer)


class Journal:
    """One delivery's journal of a game: what earlier deliveries recorded, and this one's writes."""

    def __init__(
        self,
        writes: JournalWrites,
        batch_id: str,
        game_id: str,
        token: str,
        recorded: Mapping[bytes | str, bytes],
        on_lost: Callable[[], None] = lambda: None,
    ) -> None:
        self._writes = writes
        self.batch_id = batch_id
        self.game_id = game_id
        self.token = token
        self._recorded = {_text(name): value for name, value in recorded.items()}
        self.on_lost = on_lost  # the worker cancels the game's task
        self.served = 0  # replies served from the record

    @classmethod
    async def load(
        cls,
        redis: Redis,
        writes: JournalWrites,
        keys: BatchKeys,
        batch_id: str,
        game_id: str,
        token: str,
        on_lost: Callable[[], None] = lambda: None,
        patience_s: float = 30.0,
    ) -> Journal:
        """The journal as earlier deliveries left it (`keys` are the batch's, `batch_id` its id)."""
        recorded = await patiently(partial(redis.hgetall, keys.journal(game_id)), patience_s)
        return cls(writes, batch_id, game_id, token, recorded, on_lost)

    @property
    def recorded_count(self) -> int:
        return len(self._recorded)

    def recorded(self, agent: str, index: int) -> ChatReply | None:
        value = self._recorded.get(f"{agent}:{index}")
        if value is None:
            return None
        self.served += 1
        return reply_from_json(orjson.loads(value))

    async def record(self, agent: str, index: int, reply: ChatReply) -> None:
        """Write the reply while this delivery holds the game; GameLost when it does not, or when the
        server stays out of reach a whole lease (the game will be taken over: nothing is lost)."""
        slot = held_slot()  # the call's place under the shared cap goes back in the same round trip
        write = JournalWrite(
            self.batch_id,
            self.game_id,
            self.token,
            f"{agent}:{index}",
            _encoded(reply),
            slot=None if slot is None else (slot.key, slot.token),
        )
        try:
            written = await self._writes.write(write)
            if slot is not None:
                slot.given_back = True
        except REDIS_DOWN:
            written = False
        if not written:
            self.on_lost()
            raise GameLost(f"game {self.game_id}: another worker holds it now")


class JournaledModel:
    """A server model whose replies go to the game's journal; replies already there are served from it."""

    def __init__(self, inner: ChatModel, journal: Journal) -> None:
        self._inner = inner
        self._journal = journal
        self._replies: dict[str, int] = defaultdict(int)  # agent -> replies it has had

    @property
    def name(self) -> str:
        return self._inner.name

    @property
    def where(self) -> str | None:
        return getattr(self._inner, "where", None)

    async def complete(self, request: ChatRequest) -> ChatReply:
        index = self._replies[request.agent]  # counted on success only: a retried attempt keeps its index
        reply = self._journal.recorded(request.agent, index)
        if reply is None:
            reply = await self._inner.complete(request)
            await self._journal.record(request.agent, index, reply)
        self._replies[request.agent] = index + 1
        return reply


def reply_as_json(reply: ChatReply) -> dict[str, Any]:
    return {
        "text": reply.text,
        "model": reply.model,
        "usage": reply.usage.as_dict(),
        "finish_reason": reply.finish_reason,
        "refusal": reply.refusal,
        "truncated": reply.truncated,
    }


def reply_from_json(value: Mapping[str, Any]) -> ChatReply:
    usage = value.get("usage") or {}
    return ChatReply(
        text=value["text"],
        model=value["model"],
        usage=Usage(
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            estimated=bool(usage.get("estimated", False)),
        ),
        finish_reason=value.get("finish_reason"),
        refusal=value.get("refusal"),
        truncated=bool(value.get("truncated", False)),
    )


def _encoded(reply: ChatReply) -> bytes:
    return orjson.dumps(reply_as_json(reply))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
