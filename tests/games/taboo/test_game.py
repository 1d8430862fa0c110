"""Whole Taboo games through the runtime, with scripted models and with the real client on loopback."""

from __future__ import annotations

import pytest

from agents import (
    AgentModel,
    Endpoint,
    Gateway,
    ModelSettings,
    OpenAIModel,
    RetryPolicy,
    ScriptedModel,
    TransientModelError,
)
from games.kit.outcome import Outcome
from games.taboo.deck import Card
from games.taboo.game import default_player, play_taboo
from games.taboo.state import GUESSER, HINTER, TabooSetup
from runtime.events import capture_events
from tests.support.chat_server import Reply

CARD = Card(target="snow", taboo=("white", "cold", "winter", "flake", "ice"))


def scripted(gateway: Gateway, role: str, replies: list) -> tuple[AgentModel, ScriptedModel]:
    model = ScriptedModel(replies)
    return AgentModel(gateway, model, role, ModelSettings(model="scripted")), model


async def play(hinter_replies: list, guesser_replies: list, **setup: object):
    gateway = Gateway(retry=RetryPolicy(max_attempts=2), sleep=_no_sleep)
    hinter, hinter_model = scripted(gateway, HINTER, hinter_replies)
    guesser, guesser_model = scripted(gateway, GUESSER, guesser_replies)
    sink, events = capture_events()
    result = await play_taboo(
        TabooSetup(card=CARD, **setup),
        default_player(hinter, HINTER),
        default_player(guesser, GUESSER),
        events=sink,
    )
    return result, events, hinter_model, guesser_model


async def _no_sleep(seconds: float) -> None:
    return None


def named(events: list[dict], name: str) -> list[dict]:
    return [event for event in events if event["event"] == name]


async def test_correct_guess_on_turn_two_scores_fifty() -> None:
    """A correct guess on turn 2 ends the game with success and score 50."""
    result, events, _, _ = await play(
        ["CLUE: it falls from the sky in January", "CLUE: frozen rain that makes everything quiet"],
        ["GUESS: rain", "GUESS: Snow!"],
    )
    assert result.outcome is Outcome.SUCCESS
    assert result.turns == 2
    assert result.score == 50
    ended = named(events, "game_ended")
    assert len(ended) == 1 and ended[0]["outcome"] == "success" and ended[0]["score"] == 50


async def test_violation_ends_the_game_and_never_reaches_the_guesser() -> None:
    """A clue with a taboo variant ends lose_violation, and the guesser never receives it."""
    result, events, _, guesser_model = await play(["CLUE: think of snowy weather"], [])
    assert result.outcome is Outcome.LOSE_VIOLATION
    assert result.score == 0
    violation = named(events, "rule_violation")[0]
    assert violation["agent"] == HINTER
    assert violation["text"].lower() == "snowy"
    assert violation["rule"]
    assert guesser_model.requests == []
    to_guesser = [e for e in named(events, "message_sent") if e["recipient"] == GUESSER]
    assert to_guesser == []


async def test_two_malformed_replies_abort_the_game() -> None:
    """With one re-prompt allowed, a second malformed reply ends the game aborted, unscored."""
    result, events, hinter_model, _ = await play(["I think the word is cold", "sorry, no"], [])
    assert result.outcome is Outcome.ABORTED
    assert result.score is None
    assert len(named(events, "reply_malformed")) == 2
    reprompt = hinter_model.requests[1].messages[-1].content
    assert "CLUE:" in reprompt


async def test_reprompt_recovers_a_malformed_reply() -> None:
    """A malformed reply is re-prompted, and a good second reply carries the game on."""
    result, _, _, _ = await play(["Let me think...", "CLUE: frozen rain from the clouds"], ["GUESS: snow"])
    assert result.outcome is Outcome.SUCCESS
    assert result.turns == 1


async def test_running_out_of_turns_loses() -> None:
    """After the last wrong guess the game ends lose_turns with score 0."""
    result, _, _, _ = await play(
        ["CLUE: frozen rain", "CLUE: it covers the ground"], ["GUESS: hail", "GUESS: frost"], turns=2
    )
    assert result.outcome is Outcome.LOSE_TURNS
    assert result.turns == 2
    assert result.score == 0


async def test_model_failure_ends_in_error_not_a_loss() -> None:
    """A model that stays unavailable ends the game with outcome error and no score."""
    outage = [TransientModelError("HTTP 500"), TransientModelError("HTTP 500")]
    result, events, _, _ = await play(outage, [])
    assert result.outcome is Outcome.ERROR
    assert result.score is None
    assert result.reason.startswith("the hinter's model failed: ") and "did not answer" in result.reason
    assert named(events, "game_ended")[0]["outcome"] == "error"


async def test_guesser_never_sees_the_card() -> None:
    """No request the guesser's model receives mentions the target or a taboo word."""
    _, _, _, guesser_model = await play(
        ["CLUE: frozen rain from the clouds", "CLUE: it covers the ground in January"],
        ["GUESS: hail", "GUESS: snow"],
    )
    seen = " ".join(m.content.lower() for request in guesser_model.requests for m in request.messages)
    assert "clue 2 of 5" in seen
    for word in (CARD.target, *CARD.taboo):
        assert word not in seen.split()


async def test_hinter_hears_about_wrong_guesses() -> None:
    """The hinter's next request names the guesser's wrong guess."""
    _, _, hinter_model, _ = await play(
        ["CLUE: frozen rain from the clouds", "CLUE: it covers the ground in January"],
        ["GUESS: hail", "GUESS: snow"],
    )
    assert "hail" in hinter_model.requests[1].messages[-1].content


async def test_game_over_loopback_server_with_the_real_client(chat_server) -> None:
    """The real OpenAI client plays a whole game against the loopback server."""
    chat_server.handler = lambda body, index: Reply.text(
        "CLUE: frozen rain from the clouds" if "Hinter" in body["messages"][0]["content"] else "GUESS: snow"
    )
    endpoint = Endpoint(base_url=chat_server.base_url)
    gateway = Gateway(sleep=_no_sleep)
    async with OpenAIModel(endpoint) as model:
        settings = ModelSettings(model="test-model", temperature=0.2)
        hinter = default_player(AgentModel(gateway, model, HINTER, settings), HINTER)
        guesser = default_player(AgentModel(gateway, model, GUESSER, settings), GUESSER)
        result = await play_taboo(TabooSetup(card=CARD), hinter, guesser)
    assert result.outcome is Outcome.SUCCESS
    assert chat_server.calls == 2
    first = chat_server.bodies[0]
    assert first["model"] == "test-model" and first["temperature"] == 0.2
    assert "snow" in first["messages"][0]["content"]  # the hinter's system prompt holds the card


async def test_unavailable_server_ends_in_error(chat_server) -> None:
    """A server that keeps answering 500 ends the game in error after the retry budget."""
    chat_server.default = Reply.status_error(500)
    gateway = Gateway(retry=RetryPolicy(max_attempts=3), sleep=_no_sleep)
    async with OpenAIModel(Endpoint(base_url=chat_server.base_url)) as model:
        settings = ModelSettings(model="test-model")
        hinter = default_player(AgentModel(gateway, model, HINTER, settings), HINTER)
        guesser = default_player(AgentModel(gateway, model, GUESSER, settings), GUESSER)
        result = await play_taboo(TabooSetup(card=CARD), hinter, guesser)
    assert result.outcome is Outcome.ERROR
    assert chat_server.calls == 3


@pytest.mark.parametrize("turns", [0, -1])
def test_setup_rejects_no_turns(turns: int) -> None:
    """A game needs at least one turn."""
    with pytest.raises(ValueError):
        TabooSetup(card=CARD, turns=turns)
