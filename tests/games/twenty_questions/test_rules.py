"""Reply formats and the Answerer's rules: parse tables, violations, malformed replies, the score."""

from __future__ import annotations

import pytest

from games.twenty_questions.knowledge import Thing
from games.twenty_questions.referee import Verdict, judge, score_for
from games.twenty_questions.replies import Tag, answer_line, parse_move
from games.twenty_questions.rules import Rule, check_answer
from games.twenty_questions.state import ANSWERER, QUESTIONER, RefereeState, TwentyQuestionsSetup
from runtime import Message

FIRE_TRUCK = Thing("fire truck", "vehicle", ("fire engine",), {"is_red": True})


@pytest.mark.parametrize(
    ("reply", "tag", "text"),
    [
        ("QUESTION: Is it alive?", Tag.QUESTION, "Is it alive?"),
        ("question:is it red", Tag.QUESTION, "is it red"),
        ("Hmm, tricky.\n**Question:** Does it fly?", Tag.QUESTION, "Does it fly?"),
        ('GUESS: "A fire truck".', Tag.GUESS, "A fire truck"),
        ("- guess: cat!", Tag.GUESS, "cat"),
        ("> GUESS:  *dog*  ", Tag.GUESS, "dog"),
        ("GUESS: cat\nQUESTION: is it a dog?", Tag.GUESS, "cat"),
        ("Is it alive?", None, None),
        ("QUESTION: ?", None, None),
        ("GUESS:", None, None),
        ("", None, None),
        ("My question: is it big?", None, None),
    ],
)
def test_parse_move(reply: str, tag: Tag | None, text: str | None) -> None:
    """The first line tagged QUESTION: or GUESS: is the move; anything else is malformed (None)."""
    move = parse_move(reply)
    assert (move.tag, move.text) == (tag, text) if move else tag is None


@pytest.mark.parametrize(
    ("reply", "answer"),
    [
        ("ANSWER: yes", "yes"),
        ("answer: No.", "no"),
        ("ANSWER: **UNKNOWN**", "unknown"),
        ("Let me see.\nAnswer: 'yes'!", "yes"),
        ("1. ANSWER: no", "no"),
    ],
)
def test_valid_answers(reply: str, answer: str) -> None:
    """yes, no and unknown are accepted in any case, with emphasis, quotes and trailing punctuation."""
    assert check_answer(reply, FIRE_TRUCK).answer == answer


@pytest.mark.parametrize(
    ("reply", "rule", "text"),
    [
        ("ANSWER: yes, it is a fire truck", Rule.NAMES_SECRET, "fire truck"),
        ("ANSWER: no\n(it is a Fire-Engine, after all)", Rule.NAMES_SECRET, "Fire-Engine"),
        ("Thinking of firetrucks... ANSWER: yes", Rule.NAMES_SECRET, "firetrucks"),
        ("ANSWER: yes, it is red", Rule.NOT_AN_ANSWER, "yes, it is red"),
        ("ANSWER: maybe", Rule.NOT_AN_ANSWER, "maybe"),
        ("ANSWER: I don't know", Rule.NOT_AN_ANSWER, "I don't know"),
        ("ANSWER: yes and no", Rule.NOT_AN_ANSWER, "yes and no"),
    ],
)
def test_violations(reply: str, rule: Rule, text: str) -> None:
    """Naming the secret anywhere, or anything but yes/no/unknown after the tag, is a violation whose
    span points at the offending text."""
    violation = check_answer(reply, FIRE_TRUCK).violation
    assert violation is not None and violation.rule is rule and violation.text == text
    start, end = violation.span
    assert reply[start:end] == text


@pytest.mark.parametrize("reply", ["yes", "Yes, it is.", "ANSWER:", "ANSWER:   ", "", "The answer is yes"])
def test_malformed_answers(reply: str) -> None:
    """No ANSWER: line, or nothing after the tag, is malformed (re-prompted), not a violation."""
    check = check_answer(reply, FIRE_TRUCK)
    assert check.problem and check.answer is None and check.violation is None


def test_answer_line_keeps_offsets_across_lines() -> None:
    """The tagged text's offsets are in the whole reply, Windows line ends included."""
    reply = "x\r\nANSWER: *maybe*!\r\n"
    line = answer_line(reply)
    assert line is not None and reply[line.start : line.end] == "maybe"


@pytest.mark.parametrize(
    ("turn", "questions", "score"),
    [(1, 20, 100.0), (2, 20, 95.0), (7, 20, 70.0), (20, 20, 5.0), (1, 1, 100.0), (3, 7, 71.43)],
)
def test_score(turn: int, questions: int, score: float) -> None:
    """A success with question q of N scores 100 * (1 - (q - 1) / N), rounded to 2 decimals."""
    assert score_for(turn, questions) == score


def referee(turn: int = 1, questions: int = 20, reprompted: str | None = None) -> RefereeState:
    """A referee on `turn`; `reprompted` has already spent its one re-prompt on the pending reply."""
    state = RefereeState(TwentyQuestionsSetup(FIRE_TRUCK, questions=questions), turn=turn)
    if reprompted is not None:
        state.reprompts.spend(reprompted)
    return state


def message(sender: str, text: str) -> Message:
    return Message(id="m1", sender=sender, recipient="referee", kind="move", text=text)


@pytest.mark.parametrize(
    ("state", "sender", "text", "verdict"),
    [
        (referee(), QUESTIONER, "QUESTION: Is it red?", Verdict.ASK),
        (referee(), QUESTIONER, "GUESS: fire engines", Verdict.CORRECT),
        (referee(), QUESTIONER, "GUESS: truck", Verdict.WRONG),
        (referee(turn=20), QUESTIONER, "GUESS: truck", Verdict.OUT_OF_QUESTIONS),
        (referee(turn=20), QUESTIONER, "QUESTION: Is it red?", Verdict.REPROMPT),
        (referee(turn=20, reprompted=QUESTIONER), QUESTIONER, "QUESTION: Is it red?", Verdict.ABORTED),
        (referee(), QUESTIONER, "is it red?", Verdict.REPROMPT),
        (referee(reprompted=ANSWERER), QUESTIONER, "is it red?", Verdict.REPROMPT),
        (referee(reprompted=ANSWERER), ANSWERER, "yes", Verdict.ABORTED),
        (referee(), ANSWERER, "ANSWER: yes", Verdict.ANSWERED),
        (referee(), ANSWERER, "ANSWER: yes, a fire truck", Verdict.VIOLATION),
    ],
)
def test_judge(state: RefereeState, sender: str, text: str, verdict: Verdict) -> None:
    """The referee's verdicts: questions go on, the last turn takes only a guess, one re-prompt each."""
    assert judge(state, message(sender, text)).verdict is verdict
