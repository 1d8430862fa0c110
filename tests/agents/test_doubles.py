"""Scripted, replayed and offline models, on their own and through the gateway."""

from __future__ import annotations

import pytest

from agents.chat import ChatReply, ChatRequest, ModelSettings, Usage
from agents.doubles import OfflineModel, ReplayModel, ScriptedModel, first_difference
from agents.errors import ReplayDiverged, ScriptExhausted, TransientModelError
from agents.gateway import AgentModel, Gateway
from runtime.events import capture_events


def ask(*texts: str, agent: str = "guesser", game_id: str | None = "g1", model: str = "m") -> ChatRequest:
    messages = [{"role": "system", "content": "Guess the word."}]
    messages += [{"role": "user", "content": text} for text in texts]
    return ChatRequest.build(agent, messages, ModelSettings(model, temperature=0.2), game_id=game_id)


async def no_sleep(seconds: float) -> None:
    return None


async def test_scripted_model_replies_in_order():
    """A scripted model answers from its list, in order, and records the requests."""
    model = ScriptedModel(["apple", "pear"])

    first = await model.complete(ask("one"))
    second = await model.complete(ask("two"))

    assert (first.text, second.text) == ("apple", "pear")
    assert [request.messages[-1].content for request in model.requests] == ["one", "two"]
    assert first.usage.estimated


async def test_scripted_model_running_out_says_so():
    """Asking a scripted model past its script raises ScriptExhausted naming the call and agent."""
    model = ScriptedModel(["only"])
    await model.complete(ask("one"))

    with pytest.raises(ScriptExhausted, match=r"ran out of replies: call 2 \(agent 'guesser', game 'g1'\)"):
        await model.complete(ask("two"))


async def test_scripted_model_can_choose_by_request():
    """A scripted model may pick each reply with a function of the request."""
    model = ScriptedModel(lambda request: request.messages[-1].content.upper())

    reply = await model.complete(ask("shout"))

    assert reply.text == "SHOUT"


async def test_scripted_failures_are_retried_by_the_gateway():
    """A scripted TransientModelError goes through the same retries as a real one."""
    model = ScriptedModel([TransientModelError("HTTP 503"), "recovered"])

    reply = await Gateway(sleep=no_sleep).complete(model, ask("x"))

    assert (reply.text, reply.attempts) == ("recovered", 2)


async def test_script_exhaustion_is_not_retried():
    """ScriptExhausted passes through the gateway at once."""
    model = ScriptedModel([])

    with pytest.raises(ScriptExhausted):
        await Gateway(sleep=no_sleep).complete(model, ask("x"))

    assert len(model.requests) == 1


async def test_offline_model_runs_through_the_gateway_with_its_context():
    """An offline policy sees the request's context and is logged like any model."""
    seen = []

    def policy(request: ChatRequest) -> str:
        seen.append(request.context)
        return f"my guess is {request.context['candidates'][0]}"

    gateway = Gateway(sleep=no_sleep)
    sink, logs = capture_events()
    agent = AgentModel(gateway, OfflineModel(policy), "guesser", ModelSettings("offline"), events=sink)

    reply = await agent.ask(
        [{"role": "user", "content": "clue: red fruit"}], context={"candidates": ["apple"]}
    )

    assert reply.text == "my guess is apple"
    assert seen == [{"candidates": ["apple"]}]
    [call] = [entry for entry in logs if entry["event"] == "llm_call"]
    assert (call["model"], call["backend"], call["response"]) == ("offline", "offline", "my guess is apple")
    assert "context" not in call
    assert gateway.ledger.agent("guesser").calls == 1


async def test_offline_policy_may_be_async():
    """An async offline policy is awaited."""

    async def policy(request: ChatRequest) -> str:
        return "async answer"

    reply = await OfflineModel(policy).complete(ask("x"))

    assert reply.text == "async answer"


def recorded_call(request: ChatRequest, response: str, **extra) -> dict:
    event = {
        "event": "llm_call",
        "agent": request.agent,
        "game_id": request.game_id,
        "model": request.settings.model,
        "messages": request.wire_messages(),
        "settings": request.settings.request_params(),
        "response": response,
        "finish_reason": "stop",
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "estimated": False},
    }
    return event | extra


async def test_replay_serves_recorded_replies_per_agent_and_game():
    """A replay model answers each (game, agent) with its recorded replies, in order."""
    events = [
        {"event": "run_started"},
        recorded_call(ask("a", agent="hinter"), "clue 1"),
        recorded_call(ask("a"), "guess 1"),
        recorded_call(ask("a", game_id="g2"), "other game"),
        recorded_call(ask("a", "b"), "guess 2", truncated=True),
    ]
    model = ReplayModel(events)

    assert (await model.complete(ask("a"))).text == "guess 1"
    assert (await model.complete(ask("a", game_id="g2"))).text == "other game"
    second = await model.complete(ask("a", "b"))
    assert (second.text, second.truncated) == ("guess 2", True)
    assert second.usage == Usage(3, 1, estimated=False)
    assert (await model.complete(ask("a", agent="hinter"))).text == "clue 1"
    assert model.remaining() == 0


async def test_replay_divergence_names_the_first_differing_field():
    """A request unlike the recorded one raises ReplayDiverged naming agent, game, call and field."""
    model = ReplayModel([recorded_call(ask("clue: a red fruit"), "apple")])

    with pytest.raises(ReplayDiverged) as caught:
        await model.complete(ask("clue: a green fruit"))

    error = caught.value
    assert (error.agent, error.game_id, error.call_index, error.field) == (
        "guesser",
        "g1",
        0,
        "messages[1].content",
    )
    assert str(error) == (
        "replay diverged at agent 'guesser' in game 'g1', call 0: messages[1].content differs; "
        "expected 'clue: a red fruit', got 'clue: a green fruit'"
    )


async def test_replay_divergence_on_an_extra_message():
    """A request with more messages than recorded diverges at the first extra one."""
    model = ReplayModel([recorded_call(ask("a"), "x")])

    with pytest.raises(ReplayDiverged, match=r"messages\[2\] differs; expected nothing, got \{"):
        await model.complete(ask("a", "b"))


async def test_replay_divergence_on_settings():
    """A changed sampling setting is a divergence too."""
    model = ReplayModel([recorded_call(ask("a"), "x")])
    request = ask("a")
    changed = ChatRequest.build(
        "guesser", request.messages, ModelSettings("m", temperature=0.9), game_id="g1"
    )

    with pytest.raises(ReplayDiverged, match=r"settings\.temperature differs; expected 0\.2, got 0\.9"):
        await model.complete(changed)


async def test_replay_beyond_the_record_diverges():
    """Asking for more calls than recorded is a divergence naming the count."""
    model = ReplayModel([recorded_call(ask("a"), "x")])
    await model.complete(ask("a"))

    with pytest.raises(ReplayDiverged, match="call 1: the log recorded only 1 calls for it"):
        await model.complete(ask("a"))


async def test_replay_divergence_is_not_retried():
    """ReplayDiverged passes through the gateway at once."""
    model = ReplayModel([])

    sink, logs = capture_events()
    with pytest.raises(ReplayDiverged):
        await Gateway(sleep=no_sleep).complete(model, ask("a"), sink)

    assert [entry["event"] for entry in logs] == ["llm_failed"]


async def test_replay_of_a_gateway_log_round_trips():
    """The llm_call events the gateway writes are enough for a replay to reproduce the replies."""
    gateway = Gateway(sleep=no_sleep)
    scripted = ScriptedModel([ChatReply("first", "m", Usage(5, 2), finish_reason="stop"), "second"])
    sink, logs = capture_events()
    await gateway.complete(scripted, ask("a"), sink)
    await gateway.complete(scripted, ask("a", "b"), sink)

    replay = ReplayModel(logs)
    first = await Gateway(sleep=no_sleep).complete(replay, ask("a"))
    second = await Gateway(sleep=no_sleep).complete(replay, ask("a", "b"))

    assert (first.text, first.usage) == ("first", Usage(5, 2))
    assert second.text == "second"


def test_numbers_compare_by_value_in_divergence_checks():
    """1 and 1.0 are the same recorded number; a bool is not a number."""
    assert first_difference({"t": 1}, {"t": 1.0}) is None
    assert first_difference({"t": 1}, {"t": True}) == ("t", 1, True)
