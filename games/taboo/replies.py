"""Parsing the players' replies: the Hinter answers ``CLUE: <text>``, the Guesser ``GUESS: <word>``.

The chatter rule (docs/taboo-rules.md): the reply is read line by line, and the first line that
starts with the tag (any case) and a colon is the answer line; leading spaces, ``>`` quotes,
bullets, list numbers, heading marks and markdown emphasis may come before the tag, and emphasis
may wrap it (``**CLUE:**``, ``**Clue**:``). The answer is the rest of that line, with whitespace and
markdown markers or quotes enclosing all of it removed (a guess also loses trailing ``.!?,;:``).
Other lines are ignored. No tagged line, or an answer without a letter or digit, is malformed: None.
"""

from __future__ import annotations

import re

# Leading decoration: whitespace, > quotes, bullets, markdown emphasis/headings/code, list numbers.
_LEAD = r"(?:[\s>*_`#~•·\-+]|\d+[.)]\s)*"
# Markdown markers removed when they enclose the whole answer (**bold**, *italic*, `code`).
_MARKERS = ("**", "__", "*", "_", "`")
# Quote pairs removed when they enclose the whole answer.
_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’", "«": "»", "„": "“"}
# Sentence punctuation dropped from the end of a guess ("GUESS: snowman.").
_GUESS_TRAILING = ".!?,;:"


def _tag_pattern(tag: str) -> re.Pattern[str]:
    # The tag, optional closing emphasis (**CLUE**: or **CLUE:**), then a colon (ASCII or full-width).
    return re.compile(rf"^{_LEAD}{tag}\s*[*_`]*\s*[:：][*_`]*(?P<text>.*)$", re.IGNORECASE)


_CLUE = _tag_pattern("clue")
_GUESS = _tag_pattern("guess")


def _clean(text: str, trailing: str = "") -> str:
    """Strip whitespace, trailing punctuation (if given), and enclosing markdown markers or quotes
    until nothing changes."""
    previous = None
    while text != previous:
        previous = text
        text = text.strip().rstrip(trailing).strip()
        for marker in _MARKERS:
            if len(text) >= 2 * len(marker) and text.startswith(marker) and text.endswith(marker):
                text = text[len(marker) : -len(marker)]
                break
        else:
            if len(text) >= 2 and _QUOTES.get(text[0]) == text[-1]:
                text = text[1:-1]
    return text


def _parse(reply: str, pattern: re.Pattern[str], trailing: str = "") -> str | None:
    for line in reply.splitlines():
        if match := pattern.match(line):
            text = _clean(match.group("text"), trailing)
            return text if any(char.isalnum() for char in text) else None
    return None


def parse_clue(reply: str) -> str | None:
    """The clue text of a Hinter reply (``CLUE: <text>``), or None when the reply is malformed."""
    return _parse(reply, _CLUE)


def parse_guess(reply: str) -> str | None:
    """The guess of a Guesser reply (``GUESS: <word>``) without trailing sentence punctuation,
    or None when the reply is malformed."""
    return _parse(reply, _GUESS, _GUESS_TRAILING)
