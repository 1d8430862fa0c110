"""Parsing the players' replies: the Questioner answers ``QUESTION: <question>`` or ``GUESS: <thing>``,
the Answerer ``ANSWER: yes|no|unknown``.

The chatter rule, as in Taboo (docs/twenty-questions.md): the reply is read line by line and the first
line that starts with a tag (any case) and a colon is the answer line; leading spaces, ``>`` quotes,
bullets, list numbers, heading marks and markdown emphasis may come before the tag, and emphasis may
wrap it (``**GUESS:**``). Its text is the rest of that line without surrounding whitespace, enclosing
markdown markers or quotes, and (for a guess or an answer) trailing ``.!?,;:``. Other lines are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

_LEAD = r"(?:[\s>*_`#~•·\-+]|\d+[.)]\s)*"
_MARKERS = ("**", "__", "*", "_", "`")
_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’", "«": "»", "„": "“"}
_TRAILING = ".!?,;:"


class Tag(StrEnum):
    QUESTION = "question"
    GUESS = "guess"
    ANSWER = "answer"


@dataclass(frozen=True)
class Tagged:
    """The answer line's tag and text, and where the text is in the whole reply ([start, end))."""

    tag: Tag
    text: str
    start: int
    end: int


def _pattern(*tags: Tag) -> re.Pattern[str]:
    names = "|".join(tag.value for tag in tags)
    return re.compile(rf"^{_LEAD}(?P<tag>{names})\s*[*_`]*\s*[:：][*_`]*(?P<text>.*)$", re.IGNORECASE)


_MOVE = _pattern(Tag.QUESTION, Tag.GUESS)
_ANSWER = _pattern(Tag.ANSWER)


def _trim(text: str, start: int, end: int, trailing: str) -> tuple[int, int]:
    """Narrow [start, end) past whitespace, trailing punctuation and enclosing markers or quotes."""
    previous = None
    while (start, end) != previous:
        previous = (start, end)
        while start < end and text[start].isspace():
            start += 1
        while start < end and (text[end - 1].isspace() or text[end - 1] in trailing):
            end -= 1
        part = text[start:end]
        marker = next(
            (m for m in _MARKERS if len(part) >= 2 * len(m) and part.startswith(m) and part.endswith(m)), None
        )
        if marker is not None:
            start, end = start + len(marker), end - len(marker)
        elif len(part) >= 2 and _QUOTES.get(part[0]) == part[-1]:
            start, end = start + 1, end - 1
    return start, end


def _tagged(reply: str, pattern: re.Pattern[str]) -> Tagged | None:
    offset = 0
    for line in reply.splitlines(keepends=True):
        if match := pattern.match(line.rstrip("\r\n")):
            tag = Tag(match.group("tag").lower())
            trailing = "" if tag is Tag.QUESTION else _TRAILING
            start, end = _trim(line, match.start("text"), match.end("text"), trailing)
            return Tagged(tag, line[start:end], offset + start, offset + end)
        offset += len(line)
    return None


def parse_move(reply: str) -> Tagged | None:
    """The question or guess of a Questioner reply, or None when it is malformed (no tagged line, or
    nothing with a letter or digit after the tag)."""
    move = _tagged(reply, _MOVE)
    return move if move is not None and any(char.isalnum() for char in move.text) else None


def person_move(line: str) -> str:
    """A person's typed line as a questioner's reply: a question ends with "?", anything else is a
    guess; a line already tagged (`QUESTION: ...`, `GUESS: ...`) stays as typed."""
    if _tagged(line, _MOVE) is not None:
        return line
    tag = Tag.QUESTION if line.rstrip().endswith("?") else Tag.GUESS
    return f"{tag.upper()}: {line}"


def answer_line(reply: str) -> Tagged | None:
    """The tagged line of an Answerer reply (its text may be anything: the rules judge it), or None."""
    return _tagged(reply, _ANSWER)
