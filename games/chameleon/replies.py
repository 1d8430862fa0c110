"""Reading the players' replies: ``CLUE: <one word>``, ``VOTE: <player>``, ``GUESS: <word>``.

The reply is read line by line; the first line that starts with the tag (any case) and a colon is the
answer line. Bullets, ``>`` quotes, heading marks and markdown emphasis may come before the tag, and
emphasis may wrap it (``**CLUE:**``). The answer is the rest of that line without enclosing quotes or
emphasis and without trailing sentence punctuation (``CLUE: "yellow".`` is ``yellow``). No tagged line,
or an answer without a letter or digit, is malformed: None.

A vote names a seat: the answer's first word, or the word after "player" (``VOTE: player 3`` names
``p3`` when the seats are p1..pN), in any case.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_LEAD = r"[\s>*_`#~•\-+]*"
_TRAILING = ".!?,;:"
# Markers and quotes removed when they enclose the whole answer (longest first).
_ENCLOSING = (
    ("**", "**"), ("__", "__"), ("*", "*"), ("_", "_"), ("`", "`"),
    ('"', '"'), ("'", "'"), ("“", "”"), ("‘", "’"), ("«", "»"),
)  # fmt: skip


def _pattern(tag: str) -> re.Pattern[str]:
    return re.compile(rf"^{_LEAD}{tag}\s*[*_`]*\s*[:：][*_`]*(?P<answer>.*)$", re.IGNORECASE)


_CLUE, _VOTE, _GUESS = _pattern("clue"), _pattern("vote"), _pattern("guess")
_SEAT = re.compile(r"^(?:player\s*)?(?P<seat>[^\W_]+)", re.IGNORECASE)


def _clean(text: str) -> str:
    """Strip whitespace, trailing punctuation and enclosing quotes or emphasis until nothing changes."""
    previous = None
    while text != previous:
        previous = text
        text = text.strip().rstrip(_TRAILING).strip()
        for opening, closing in _ENCLOSING:
            enclosed = text.startswith(opening) and text.endswith(closing)
            if enclosed and len(text) >= len(opening) + len(closing):
                text = text[len(opening) : len(text) - len(closing)]
                break
    return text


def _answer(reply: str, pattern: re.Pattern[str]) -> str | None:
    for line in reply.splitlines():
        if match := pattern.match(line):
            answer = _clean(match.group("answer"))
            return answer if any(char.isalnum() for char in answer) else None
    return None


def parse_clue(reply: str) -> str | None:
    """The clue of a ``CLUE:`` reply, or None when the reply is malformed."""
    return _answer(reply, _CLUE)


def parse_guess(reply: str) -> str | None:
    """The guess of a ``GUESS:`` reply, or None when the reply is malformed."""
    return _answer(reply, _GUESS)


def parse_vote(reply: str) -> str | None:
    """The answer of a ``VOTE:`` reply (not yet checked against the seats), or None when malformed."""
    return _answer(reply, _VOTE)


def seat_named(answer: str, seats: Sequence[str]) -> str | None:
    """The seat a vote's answer names, or None when it names none of `seats`."""
    match = _SEAT.match(answer.strip())
    if match is None:
        return None
    said = match.group("seat").lower()
    for seat in seats:
        if said in (seat.lower(), seat.lower().removeprefix("p")):
            return seat
    return None
