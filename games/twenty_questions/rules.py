"""The Answerer's rules: what an answer may say (docs/twenty-questions.md).

`check_answer(reply, thing)` reads a whole Answerer reply and returns exactly one of: the answer
(yes, no or unknown), a violation (the game is lost), or the problem of a malformed reply (re-prompted).
In order:

1. `names_secret`: the reply names the secret thing (its name or an alternate, tolerant matching:
   case, punctuation, articles, plurals, glued words) anywhere, tagged line or not.
2. Malformed: no line tagged ``ANSWER:``, or nothing after the tag.
3. `not_an_answer`: the tagged text is anything but yes, no or unknown (any case, trailing
   punctuation and enclosing emphasis or quotes ignored): "yes, it purrs", "maybe", "probably not".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from games.kit.matching import find_answer
from games.twenty_questions.knowledge import Thing
from games.twenty_questions.replies import answer_line

ANSWERS = ("yes", "no", "unknown")


class Rule(StrEnum):
    NAMES_SECRET = "names_secret"
    NOT_AN_ANSWER = "not_an_answer"


@dataclass(frozen=True)
class Violation:
    """A broken rule: which, and the offending [start, end) span of the reply with its text."""

    rule: Rule
    span: tuple[int, int]
    text: str


@dataclass(frozen=True)
class AnswerCheck:
    """The referee's reading of one Answerer reply: exactly one field is set."""

    answer: str | None = None
    violation: Violation | None = None
    problem: str | None = None  # malformed: why


MALFORMED = "Your reply had no answer in the form ANSWER: yes, ANSWER: no or ANSWER: unknown."


def check_answer(reply: str, thing: Thing) -> AnswerCheck:
    """Judge an Answerer reply against the rules above."""
    if (span := find_answer(reply, thing.names)) is not None:
        return AnswerCheck(violation=Violation(Rule.NAMES_SECRET, span, reply[span[0] : span[1]]))
    line = answer_line(reply)
    if line is None or not line.text.strip():
        return AnswerCheck(problem="Your reply was empty." if not reply.strip() else MALFORMED)
    answer = line.text.strip().lower()
    if answer in ANSWERS:
        return AnswerCheck(answer=answer)
    return AnswerCheck(violation=Violation(Rule.NOT_AN_ANSWER, (line.start, line.end), line.text))
