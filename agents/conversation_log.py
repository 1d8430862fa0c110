"""Each message of a conversation recorded once in the run log (log schema v2).

A conversation is one agent's calls in one game: the `llm_call` and `llm_failed` events with the same
`game_id` and `agent`, in the order of the log. In v2 their `messages` list holds, for each message of
the request, either the message object itself, the first time that exact message appears in the
conversation (it takes the conversation's next number, from 0), or the number of a message recorded
before. `MessageNumbering` writes that form; `Conversations` rebuilds each request's full list while a
log is read in order. A v1 log (every item an object) reads back unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NoReturn

from runtime.logread import LogFileError

CONVERSATION_EVENTS = frozenset({"llm_call", "llm_failed"})
Key = tuple[str | None, str]


def _identity(message: Mapping[str, Any]) -> Hashable:
    """What makes two messages the same: every key and value, in order."""
    items = tuple(message.items())
    try:
        hash(items)
    except TypeError:  # a value that is a list or an object: compare its JSON text
        return json.dumps(message, ensure_ascii=True, default=str)
    return items


class MessageNumbering:
    """The writer's side: per conversation, the number of every message recorded so far."""

    def __init__(self) -> None:
        self._numbers: dict[Key, dict[Hashable, int]] = {}

    def recorded(
        self, game_id: str | None, agent: str, messages: Sequence[Mapping[str, Any]]
    ) -> list[Mapping[str, Any] | int]:
        """`messages` as the log records them: a message seen before in this conversation as its number,
        a new one as itself (and it takes the next number)."""
        numbers = self._numbers.setdefault((game_id, agent), {})
        items: list[Mapping[str, Any] | int] = []
        for message in messages:
            identity = _identity(message)
            number = numbers.get(identity)
            if number is None:
                numbers[identity] = len(numbers)
                items.append(message)
            else:
                items.append(number)
        return items

    def forget(self, game_id: str | None) -> None:
        """Drop the conversations of a game that has ended (none of its agents asks again)."""
        for key in [key for key in self._numbers if key[0] == game_id]:
            del self._numbers[key]


class Conversations:
    """The reader's side: feed it every event of a log in order (`rebuilt`); each llm_call and
    llm_failed comes back with its `messages` as the full list of message objects the request sent.

    An item that is neither an object nor the number of a message recorded before in the conversation is
    a LogFileError naming `where` and the item. With `lenient` (a log read skipping corrupt lines, which
    may have held a conversation's messages) an unknown number stands for a placeholder message instead.
    """

    def __init__(self, *, lenient: bool = False) -> None:
        self.lenient = lenient
        self._messages: dict[Key, list[Mapping[str, Any]]] = {}

    def rebuilt(self, record: Mapping[str, Any], where: str = "") -> Mapping[str, Any]:
        """`record` with its full message list (a new dict), or `record` itself when it has none."""
        event = record.get("event")
        if event == "game_ended":  # a game's calls all come before it: its conversations are done
            self._forget(record.get("game_id"))
        if event not in CONVERSATION_EVENTS:
            return record
        items = record.get("messages")
        if not isinstance(items, list):
            return record  # absent, or of the wrong type: the field checks of the readers say so
        if record.get("v") == 1:  # every message written out: nothing to rebuild, nothing to keep
            for index, item in enumerate(items):
                if not isinstance(item, Mapping):
                    self._refuse(record, index, item, where, "a message object (log schema v1)")
            return record
        return {**record, "messages": self.full(record, items, where)}

    def _forget(self, game_id: Any) -> None:
        for key in [key for key in self._messages if key[0] == game_id]:
            del self._messages[key]

    def full(self, record: Mapping[str, Any], items: list[Any], where: str) -> list[Mapping[str, Any]]:
        """The messages `items` stands for, in the conversation of `record`."""
        game_id, agent = record.get("game_id"), str(record.get("agent"))
        known = self._messages.setdefault((game_id if isinstance(game_id, str) else None, agent), [])
        messages: list[Mapping[str, Any]] = []
        for index, item in enumerate(items):
            if isinstance(item, Mapping):
                known.append(item)
                messages.append(item)
            elif isinstance(item, int) and not isinstance(item, bool) and 0 <= item < len(known):
                messages.append(known[item])
            else:
                messages.append(self._unknown(record, index, item, len(known), where))
        return messages

    def _unknown(
        self, record: Mapping[str, Any], index: int, item: Any, count: int, where: str
    ) -> Mapping[str, Any]:
        number = isinstance(item, int) and not isinstance(item, bool)
        if number and self.lenient:
            return {"role": "unknown", "content": f"(message {item} of this conversation was not read)"}
        if number:
            prefix = f"{where}: " if where else ""
            field = f"{record.get('event')}'s messages[{index}]"
            shown = json.dumps(item, default=str)[:40]
            game = record.get("game_id")
            raise LogFileError(
                f"{prefix}{field} is {shown}, but the conversation of agent {record.get('agent')!s:.40}"
                f"{f' in game {game!s:.40}' if game is not None else ''} has recorded {count} message(s) "
                "before it"
            )
        self._refuse(record, index, item, where, "a message object or the number of one recorded before")

    @staticmethod
    def _refuse(record: Mapping[str, Any], index: int, item: Any, where: str, expected: str) -> NoReturn:
        prefix = f"{where}: " if where else ""
        shown = json.dumps(item, default=str)[:40]
        field = f"{record.get('event')}'s messages[{index}]"
        raise LogFileError(f"{prefix}{field} is {shown}, expected {expected}")


def rebuild_messages(records: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    """Every record of a log read in order, llm_call and llm_failed with their full message lists."""
    conversations = Conversations()
    for record in records:
        yield conversations.rebuilt(record, f"seq {record.get('seq')}")
