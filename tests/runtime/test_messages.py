"""Tests for runtime.messages: frozen, plain-JSON messages."""

import dataclasses
import json

import pytest

from runtime import Message
from runtime.events import capture_events


def make(**fields):
    values = {"id": "m1", "sender": "a", "recipient": "b", "kind": "note", "text": "hi"}
    return Message(**{**values, **fields})


def test_message_is_frozen():
    """Assigning to a field of a message raises FrozenInstanceError."""
    message = make()

    with pytest.raises(dataclasses.FrozenInstanceError):
        message.text = "changed"


def test_to_json_and_from_json_round_trip():
    """from_json(to_json()) rebuilds an equal message, through real JSON text."""
    message = make(body={"turn": 2, "words": ["x", "y"], "nested": {"ok": True}}, reply_to="m0", created="t")

    rebuilt = Message.from_json(json.loads(json.dumps(message.to_json())))

    assert rebuilt == message


def test_to_json_leaves_out_absent_optional_fields():
    """A message without body or reply_to has neither key in its JSON."""
    assert set(make().to_json()) == {"id", "sender", "recipient", "kind", "text", "created"}


def test_non_json_body_raises_type_error():
    """A body that is not plain JSON is refused with TypeError when the message is built."""
    with pytest.raises(TypeError, match="plain JSON"):
        make(body={"when": object()})


def test_a_broadcast_copy_keeps_its_group_through_json():
    """A message's `group` survives to_json/from_json."""
    message = make(group="players")

    assert message.to_json()["group"] == "players"
    assert Message.from_json(message.to_json()) == message


@pytest.mark.parametrize(
    "message",
    [
        Message("m1", "a", "b", "ask", "hi", created="2026-12-03T00:00:00Z"),
        Message("m2", "a", "b", "ask", "hi", body={"n": 1}, created="t", reply_to="m1", group="team"),
        Message("m3", "a", "b", "ask", reply_to="m1"),
    ],
)
def test_log_passes_exactly_the_json_fields(message):
    events, captured = capture_events()
    message.log(events, "message_sent")
    assert captured == [{**message.to_json(), "event": "message_sent", "log_level": "info"}]
