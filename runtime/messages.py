"""Messages: the only thing agents exchange. Frozen, plain JSON, no pickle."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runtime.events import EventLog

JSONValue = Any  # str | int | float | bool | None | list[JSONValue] | dict[str, JSONValue]


@dataclass(frozen=True, slots=True, init=False)
class Message:
    """One message from one agent to another.

    `text` is what a person would read; `body` carries structured data (plain JSON) when an agent needs
    more than text. The runtime assigns `id` and `created` when the message is sent. `group` names the
    group a broadcast was addressed to (every copy carries it); a message to one agent has none.
    """

    id: str
    sender: str
    recipient: str
    kind: str
    text: str = ""
    body: Mapping[str, JSONValue] | None = None
    created: str = ""
    reply_to: str | None = None
    group: str | None = None

    def __init__(
        self,
        id: str,
        sender: str,
        recipient: str,
        kind: str,
        text: str = "",
        body: Mapping[str, JSONValue] | None = None,
        created: str = "",
        reply_to: str | None = None,
        group: str | None = None,
    ) -> None:
        # What the dataclass's own __init__ would do (its defaults, the same checks), setting each field
        # through its slot directly: a frozen dataclass sets them with one object.__setattr__ each, which
        # made building a message a fifth of a send's cost. The fields stay read-only from outside.
        if body is not None:
            _check_body(body)
        _set_id(self, id)
        _set_sender(self, sender)
        _set_recipient(self, recipient)
        _set_kind(self, kind)
        _set_text(self, text)
        _set_body(self, body)
        _set_created(self, created)
        _set_reply_to(self, reply_to)
        _set_group(self, group)

    def to_json(self) -> dict[str, JSONValue]:
        """The message as a JSON object."""
        data: dict[str, JSONValue] = {
            "id": self.id,
            "sender": self.sender,
            "recipient": self.recipient,
            "kind": self.kind,
            "text": self.text,
            "created": self.created,
        }
        if self.body is not None:
            data["body"] = dict(self.body)
        if self.reply_to is not None:
            data["reply_to"] = self.reply_to
        if self.group is not None:
            data["group"] = self.group
        return data

    def log(self, events: EventLog, event: str) -> None:
        """Log `event` on `events` (an EventLog) with the message's `to_json()` fields, passed as keywords
        when it has no optional field: one dict fewer per logged message."""
        if self.body is None and self.reply_to is None and self.group is None:
            events.info(
                event,
                id=self.id,
                sender=self.sender,
                recipient=self.recipient,
                kind=self.kind,
                text=self.text,
                created=self.created,
            )
        else:
            events.info(event, **self.to_json())

    @classmethod
    def from_json(cls, data: Mapping[str, JSONValue]) -> Message:
        """Rebuild a message from `to_json()`'s output."""
        return cls(
            id=str(data["id"]),
            sender=str(data["sender"]),
            recipient=str(data["recipient"]),
            kind=str(data["kind"]),
            text=str(data.get("text", "")),
            body=data.get("body"),
            created=str(data.get("created", "")),
            reply_to=data.get("reply_to"),
            group=data.get("group"),
        )


def _check_body(body: Mapping[str, JSONValue]) -> None:
    try:
        json.dumps(body)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"message body must be plain JSON: {exc}") from None


# The slots' own setters, which the frozen class's __setattr__ does not guard (for Message.__init__ only).
_set_id = Message.__dict__["id"].__set__
_set_sender = Message.__dict__["sender"].__set__
_set_recipient = Message.__dict__["recipient"].__set__
_set_kind = Message.__dict__["kind"].__set__
_set_text = Message.__dict__["text"].__set__
_set_body = Message.__dict__["body"].__set__
_set_created = Message.__dict__["created"].__set__
_set_reply_to = Message.__dict__["reply_to"].__set__
_set_group = Message.__dict__["group"].__set__
