"""Messages: the only thing agents exchange. Frozen, plain JSON, no pickle."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

JSONValue = Any  # str | int | float | bool | None | list[JSONValue] | dict[str, JSONValue]


@dataclass(frozen=True, slots=True)
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

    def __post_init__(self) -> None:
        if self.body is not None:
            try:
                json.dumps(self.body)
            except (TypeError, ValueError) as exc:
                raise TypeError(f"message body must be plain JSON: {exc}") from None

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
