"""Each message of a conversation logged once (log schema v2): numbering it, rebuilding each request."""

from __future__ import annotations

import json

import pytest

from agents.chat import ChatRequest, ModelSettings
from agents.conversation_log import Conversations, MessageNumbering, rebuild_messages
from agents.doubles import ReplayModel, ScriptedModel
from agents.errors import ModelRejected, ReplayDiverged
from agents.gateway import Gateway
from runtime.events import capture_events
from runtime.logread import LogFileError

SYSTEM = {"role": "system", "content": "Guess the word."}


def user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


def said(text: str) -> dict[str, str]:
    return {"role": "assistant", "content": text}


def call(items: list, agent: str = "guesser", game_id: str | None = "g1", **fields) -> dict:
    return {"event": "llm_call", "agent": agent, "game_id": game_id, "messages": items, **fields}


def ask(*messages: dict, agent: str = "guesser", game_id: str | None = "g1") -> ChatRequest:
    return ChatRequest.build(agent, messages, ModelSettings("m"), game_id=game_id)


async def no_sleep(seconds: float) -> None:
    return None


def test_a_message_is_written_once_then_referred_to_by_its_number():
    """A conversation's first message objects take numbers from 0; the same message later is its number."""
    numbering = MessageNumbering()

    first = numbering.recorded("g1", "guesser", [SYSTEM, user("clue 1")])
    second = numbering.recorded("g1", "guesser", [SYSTEM, user("clue 1"), said("apple"), user("clue 2")])

    assert first == [SYSTEM, user("clue 1")]
    assert second == [0, 1, said("apple"), user("clue 2")]


def test_each_game_and_agent_is_a_conversation_of_its_own():
    """Another agent, or the same agent in another game, numbers its messages from 0 again."""
    numbering = MessageNumbering()
    numbering.recorded("g1", "guesser", [SYSTEM])

    assert numbering.recorded("g1", "hinter", [SYSTEM]) == [SYSTEM]
    assert numbering.recorded("g2", "guesser", [SYSTEM]) == [SYSTEM]
    assert numbering.recorded("g1", "guesser", [SYSTEM]) == [0]


def test_messages_differing_in_any_key_are_different_messages():
    """Same role and content but another key (or another role) is a new message, never a number."""
    numbering = MessageNumbering()
    numbering.recorded("g1", "a", [user("hi")])

    named = {"role": "user", "content": "hi", "name": "p1"}
    assert numbering.recorded("g1", "a", [named, said("hi"), user("hi")]) == [named, said("hi"), 0]


def test_rebuilding_gives_back_every_request_exactly():
    """Numbered through JSON and rebuilt in log order, each request's messages are the ones sent."""
    sent = [
        ("guesser", [SYSTEM, user("clue 1")]),
        ("hinter", [{"role": "system", "content": "Give clues."}, user("go")]),
        ("guesser", [SYSTEM, user("clue 1"), said("apple"), user("clue 2")]),
        ("guesser", [SYSTEM, user("again"), user("again"), said("apple"), user("é\n")]),
    ]
    numbering = MessageNumbering()
    lines = [json.dumps(call(numbering.recorded("g1", agent, messages), agent)) for agent, messages in sent]

    rebuilt = [record["messages"] for record in rebuild_messages(json.loads(line) for line in lines)]

    assert rebuilt == [messages for _, messages in sent]


def test_a_v1_call_with_every_message_written_out_reads_unchanged():
    """A v1 log's calls (every message an object, repeated in each call) rebuild to themselves."""
    calls = [call([SYSTEM, user("clue 1")]), call([SYSTEM, user("clue 1"), said("apple"), user("clue 2")])]

    assert [record["messages"] for record in rebuild_messages(calls)] == [c["messages"] for c in calls]


def test_a_number_in_a_v1_log_is_refused():
    """v1 wrote every message out: a number there is a LogFileError, and nothing is kept to rebuild."""
    with pytest.raises(LogFileError, match=r"^seq 3: llm_call's messages\[1\] is 0, expected a message obj"):
        Conversations().rebuilt({**call([SYSTEM, 0]), "v": 1}, "seq 3")


def test_a_games_conversations_end_with_the_game():
    """After a game's game_ended its messages are no longer kept: a later number for it is unknown."""
    conversations = Conversations()
    conversations.rebuilt(call([SYSTEM]))
    conversations.rebuilt({"event": "game_ended", "game_id": "g1"})

    with pytest.raises(LogFileError, match="has recorded 0 message"):
        conversations.rebuilt(call([0]))


def test_llm_failed_shares_the_conversation_of_the_calls():
    """An llm_failed's messages are numbered in the same conversation as its llm_calls."""
    conversations = Conversations()
    conversations.rebuilt(call([SYSTEM, user("clue 1")]))

    failed = conversations.rebuilt({**call([0, 1, said("apple")]), "event": "llm_failed"})

    assert failed["messages"] == [SYSTEM, user("clue 1"), said("apple")]


def test_other_events_pass_through_untouched():
    """An event that is not a model call is given back as it is, even with a `messages` field."""
    record = {"event": "message_sent", "messages": [3]}

    assert Conversations().rebuilt(record) is record


def test_a_number_not_recorded_yet_names_the_line_and_the_item():
    """A number beyond the conversation's recorded messages is a LogFileError naming where and which."""
    conversations = Conversations()
    conversations.rebuilt(call([SYSTEM], agent="hinter"))

    with pytest.raises(LogFileError, match=r"^run\.jsonl: line 7: llm_call's messages\[1\] is 1, but the "):
        conversations.rebuilt(call([SYSTEM, 1], agent="guesser"), "run.jsonl: line 7")


@pytest.mark.parametrize("item", ["x", True, 1.5, [], None, -1])
def test_an_item_neither_a_message_nor_a_number_is_refused(item):
    """A `messages` item that is not an object nor a recorded message's number is a LogFileError."""
    with pytest.raises(LogFileError, match=r"^seq 4: llm_call's messages\[1\] is "):
        Conversations().rebuilt(call([SYSTEM, item]), "seq 4")


def test_lenient_reading_stands_a_placeholder_for_a_lost_message():
    """With lenient reading (lines may have been skipped) an unknown number is a placeholder message."""
    rebuilt = Conversations(lenient=True).rebuilt(call([5, user("clue 2")]))

    assert rebuilt["messages"][0]["role"] == "unknown"
    assert rebuilt["messages"][1] == user("clue 2")


async def test_the_gateway_logs_each_message_of_a_conversation_once():
    """Through the gateway, a call's messages already logged by an earlier call appear as numbers."""
    gateway = Gateway(sleep=no_sleep)
    model = ScriptedModel(["apple", "pear"])
    sink, logs = capture_events()
    await gateway.complete(model, ask(SYSTEM, user("clue 1")), sink)
    await gateway.complete(model, ask(SYSTEM, user("clue 1"), said("apple"), user("clue 2")), sink)

    assert [log["messages"] for log in logs if log["event"] == "llm_call"] == [
        [SYSTEM, user("clue 1")],
        [0, 1, said("apple"), user("clue 2")],
    ]


async def test_the_gateway_logs_a_failed_calls_messages_in_the_same_conversation():
    """llm_failed refers to the messages its conversation's llm_calls logged, by number."""
    gateway = Gateway(sleep=no_sleep)
    model = ScriptedModel(["apple", ModelRejected("refused", status=400)])
    sink, logs = capture_events()
    await gateway.complete(model, ask(SYSTEM, user("clue 1")), sink)
    with pytest.raises(ModelRejected):
        await gateway.complete(model, ask(SYSTEM, user("clue 1"), said("apple"), user("clue 2")), sink)

    failed = [log for log in logs if log["event"] == "llm_failed"]
    assert [log["messages"] for log in failed] == [[0, 1, said("apple"), user("clue 2")]]


async def test_the_replay_model_serves_a_v2_conversation_and_checks_every_message():
    """ReplayModel rebuilds the numbered requests: the recorded one is served, a changed one diverges."""
    events = [
        call([SYSTEM, user("clue 1")], call_index=0, response="apple", model="m"),
        call([0, 1, said("apple"), user("clue 2")], call_index=1, response="pear", model="m"),
    ]
    replay = ReplayModel(events)
    assert (await replay.complete(ask(SYSTEM, user("clue 1")))).text == "apple"
    assert (await replay.complete(ask(SYSTEM, user("clue 1"), said("apple"), user("clue 2")))).text == "pear"

    changed = ReplayModel(events)
    await changed.complete(ask(SYSTEM, user("clue 1")))
    with pytest.raises(ReplayDiverged, match=r"call 1: messages\[1\]\.content differs") as caught:
        await changed.complete(ask(SYSTEM, user("clue one"), said("apple"), user("clue 2")))
    assert caught.value.field == "messages[1].content"


async def test_a_forgotten_game_starts_its_numbering_again_and_keeps_no_table():
    """Gateway.forget(game_id) drops that game's conversations; other games keep theirs."""
    gateway = Gateway(sleep=no_sleep)
    model = ScriptedModel(["apple", "pear", "plum"])
    sink, logs = capture_events()
    await gateway.complete(model, ask(SYSTEM, user("clue 1"), game_id="g1"), sink)
    await gateway.complete(model, ask(SYSTEM, user("clue 1"), game_id="g2"), sink)
    gateway.forget("g1")
    await gateway.complete(model, ask(SYSTEM, user("clue 1"), game_id="g1"), sink)

    calls = [log for log in logs if log["event"] == "llm_call"]
    assert [call["messages"] for call in calls] == [[SYSTEM, user("clue 1")]] * 3
    assert [call["call_index"] for call in calls] == [0, 0, 0]
