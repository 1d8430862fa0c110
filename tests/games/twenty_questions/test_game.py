"""Whole Twenty Questions games through the runtime: scripted models, and the real client on loopback."""

from __future__ import annotations

import pytest

from agents import AgentModel, Endpoint, Gateway, ModelSettings, OpenAIModel, RetryPolicy, TransientModelError
from games.kit.definition import Player
from games.kit.outcome import Outcome
from games.twenty_questions.game import play_twenty_questions
from games.twenty_questions.knowledge import load_knowledge
from games.twenty_questions.prompts import DEFAULT_PROMPTS
from games.twenty_questions.state import ANSWERER, QUESTIONER, TwentyQuestionsSetup
from tests.games.twenty_questions.helpers import named, no_sleep, play_scripted
from tests.support.chat_server import Reply


async def test_correct_guess_on_question_three_scores_ninety() -> None:
    """Two answered questions and a right guess: success with question 3 of 20, score 90."""
    result, events, asking, _ = await play_scripted(
        "cat",
        ["QUESTION: Is it an animal?", "QUESTION: Is it a pet?", "GUESS: a cat"],
        ["ANSWER: yes", "ANSWER: yes"],
    )
    assert (result.outcome, result.turns, result.score) == (Outcome.SUCCESS, 3, 90.0)
    verdicts = named(events, "verdict_given")
    assert [(e["about"], e["ok"], e["text"]) for e in verdicts] == [(QUESTIONER, True, "a cat is right")]
    assert [e["turn"] for e in named(events, "turn_started")] == [1, 2, 3]
    ended = named(events, "game_ended")
    assert len(ended) == 1 and ended[0]["outcome"] == "success" and ended[0]["score"] == 90.0
    assert 'Is it an animal?" — yes' in asking.requests[1].messages[-1].content


async def test_answer_naming_the_secret_loses_and_never_reaches_the_questioner() -> None:
    """An answer that names the secret ends lose_violation; the questioner never hears it."""
    result, events, asking, _ = await play_scripted(
        "cat", ["QUESTION: Does it purr?"], ["ANSWER: yes, like every cat"]
    )
    assert (result.outcome, result.score) == (Outcome.LOSE_VIOLATION, 0.0)
    violation = named(events, "rule_violation")[0]
    assert (violation["agent"], violation["rule"], violation["text"]) == (ANSWERER, "names_secret", "cat")
    assert "ANSWER: yes, like every cat"[slice(*violation["span"])] == "cat"
    assert len(asking.requests) == 1
    to_questioner = [e for e in named(events, "message_sent") if e["recipient"] == QUESTIONER]
    assert [e["kind"] for e in to_questioner] == ["start"]


async def test_an_answer_other_than_yes_no_unknown_loses() -> None:
    """Anything but yes, no or unknown after the tag is a violation."""
    result, events, _, _ = await play_scripted("cat", ["QUESTION: Is it big?"], ["ANSWER: not really"])
    assert result.outcome is Outcome.LOSE_VIOLATION
    assert named(events, "rule_violation")[0]["rule"] == "not_an_answer"


async def test_two_malformed_replies_abort_the_game() -> None:
    """With one re-prompt allowed, a second malformed reply ends the game aborted, unscored."""
    result, events, asking, _ = await play_scripted("cat", ["Is it alive?", "is it an animal?"], [])
    assert (result.outcome, result.score) == (Outcome.ABORTED, None)
    malformed = named(events, "reply_malformed")
    assert [(e["offender"], e["reprompts_left"]) for e in malformed] == [(QUESTIONER, 1), (QUESTIONER, 0)]
    assert "QUESTION:" in asking.requests[1].messages[-1].content


async def test_a_reprompt_recovers_the_answerer() -> None:
    """A malformed answer is re-prompted, and a good second reply carries the game on."""
    result, _, _, answering = await play_scripted(
        "cat", ["QUESTION: Is it alive?", "GUESS: cat"], ["Yes it is.", "ANSWER: yes"]
    )
    assert (result.outcome, result.turns) == (Outcome.SUCCESS, 2)
    assert "ANSWER: yes" in answering.requests[1].messages[-1].content


async def test_the_last_question_must_be_a_guess() -> None:
    """On the last turn a question is re-prompted; a wrong guess then ends lose_turns."""
    result, events, asking, answering = await play_scripted(
        "cat",
        ["QUESTION: Is it alive?", "GUESS: dog", "QUESTION: Is it a pet?", "GUESS: hamster"],
        ["ANSWER: yes"],
        questions=3,
    )
    assert (result.outcome, result.turns, result.score) == (Outcome.LOSE_TURNS, 3, 0.0)
    assert named(events, "reply_malformed")[0]["problem"].startswith("That was your last question")
    assert "is your last: make your guess" in asking.requests[2].messages[-1].content
    assert len(answering.requests) == 1
    assert [e["ok"] for e in named(events, "verdict_given")] == [False, False]


async def test_model_failure_ends_in_error_not_a_loss() -> None:
    """A model that stays unavailable ends the game with outcome error and no score."""
    outage = [TransientModelError("HTTP 500"), TransientModelError("HTTP 500")]
    result, events, _, _ = await play_scripted("cat", ["QUESTION: Is it alive?"], outage)
    assert (result.outcome, result.score) == (Outcome.ERROR, None)
    assert result.reason.startswith("the answerer's model failed: ") and "did not answer" in result.reason
    assert named(events, "game_ended")[0]["outcome"] == "error"


async def test_each_player_sees_only_its_part() -> None:
    """The questioner never sees the secret; the answerer sees its secret and the questions, nothing else."""
    _, events, asking, answering = await play_scripted(
        "fire truck",
        ["QUESTION: Is it red?", "GUESS: apple", "QUESTION: Is it a vehicle?", "GUESS: fire engine"],
        ["ANSWER: yes", "ANSWER: yes"],
    )
    seen_by_questioner = " ".join(m.content.lower() for r in asking.requests for m in r.messages)
    assert "fire" not in seen_by_questioner and "truck" not in seen_by_questioner
    assert all("thing" not in (r.context or {}) for r in asking.requests)
    users = [r.messages[-1].content for r in answering.requests]
    assert users == ["Question 1: Is it red?", "Question 3: Is it a vehicle?"]
    assert "apple" not in " ".join(m.content for r in answering.requests for m in r.messages)
    assert "fire truck" in answering.requests[0].messages[0].content  # its system prompt holds the secret
    started = named(events, "game_started")[0]
    assert (started["secret"], started["secret_for"]) == ("fire truck", ["referee", "answerer"])


# --- the real client against the loopback chat-completions server ------------------------------------


def by_role(replies: dict[str, list[str]]):
    """A loopback handler: each role's scripted replies in order, told apart by the system prompt."""
    served = {role: iter(texts) for role, texts in replies.items()}

    def handler(body: dict, index: int) -> Reply:
        role = QUESTIONER if "Questioner" in body["messages"][0]["content"] else ANSWERER
        return Reply.text(next(served[role]))

    return handler


async def play_loopback(chat_server, retry: RetryPolicy | None = None, **setup):
    thing = load_knowledge().find("bicycle")
    assert thing is not None
    gateway = Gateway(retry=retry or RetryPolicy(max_attempts=2), sleep=no_sleep)
    async with OpenAIModel(Endpoint(base_url=chat_server.base_url)) as model:
        settings = ModelSettings(model="test-model", temperature=0.2)
        players = [
            Player(AgentModel(gateway, model, role, settings), DEFAULT_PROMPTS[role])
            for role in (QUESTIONER, ANSWERER)
        ]
        return await play_twenty_questions(TwentyQuestionsSetup(thing, **setup), *players)


async def test_loopback_correct_guess_scores(chat_server) -> None:
    """Over HTTP: two questions and a right guess with question 3 of 10 score 80."""
    chat_server.handler = by_role(
        {
            QUESTIONER: [
                "QUESTION: Does it have wheels?",
                "QUESTION: Does it have an engine?",
                "GUESS: bike",
            ],
            ANSWERER: ["ANSWER: yes", "ANSWER: no"],
        }
    )
    result = await play_loopback(chat_server, questions=10)
    assert (result.outcome, result.turns, result.score) == (Outcome.SUCCESS, 3, 80.0)
    assert chat_server.calls == 5
    first = chat_server.bodies[0]
    assert first["model"] == "test-model" and first["temperature"] == 0.2


async def test_loopback_violation(chat_server) -> None:
    """Over HTTP: an answer that names the secret ends lose_violation."""
    chat_server.handler = by_role(
        {QUESTIONER: ["QUESTION: Does it have wheels?"], ANSWERER: ["ANSWER: yes, two: it is a bicycle"]}
    )
    result = await play_loopback(chat_server)
    assert (result.outcome, result.score) == (Outcome.LOSE_VIOLATION, 0.0)


async def test_loopback_two_malformed_replies_abort(chat_server) -> None:
    """Over HTTP: two replies without the ANSWER: tag end the game aborted."""
    chat_server.handler = by_role(
        {QUESTIONER: ["QUESTION: Does it have wheels?"], ANSWERER: ["Sure!", "Yes, it does."]}
    )
    result = await play_loopback(chat_server)
    assert (result.outcome, result.score) == (Outcome.ABORTED, None)
    assert chat_server.calls == 3


async def test_loopback_failing_server_ends_in_error(chat_server) -> None:
    """Over HTTP: a server that keeps answering 500 ends the game in error after the retry budget."""
    chat_server.default = Reply.status_error(500)
    result = await play_loopback(chat_server, retry=RetryPolicy(max_attempts=3))
    assert (result.outcome, result.score) == (Outcome.ERROR, None)
    assert chat_server.calls == 3


@pytest.mark.parametrize("questions", [0, -1])
def test_setup_rejects_no_questions(questions: int) -> None:
    """A game needs at least one question."""
    thing = load_knowledge().find("cat")
    assert thing is not None
    with pytest.raises(ValueError):
        TwentyQuestionsSetup(thing, questions=questions)
