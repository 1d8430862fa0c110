"""Text folding and tokenising for the Taboo checker.

Folding undoes the usual evasions (invisible characters, look-alike letters, case) while keeping,
for every folded character, the offset of the original character it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Letters from other scripts that look like Latin ones: a small, deliberate subset of Unicode's
# confusables, applied after compatibility decomposition and before case folding.
# fmt: off
CONFUSABLES: dict[str, str] = {
    # Cyrillic
    "а": "a", "А": "a", "в": "b", "В": "b", "е": "e", "Е": "e", "ё": "e", "Ё": "e", "і": "i", "І": "i",
    "ј": "j", "Ј": "j", "к": "k", "К": "k", "м": "m", "М": "m", "н": "h", "Н": "h", "о": "o", "О": "o",
    "р": "p", "Р": "p", "с": "c", "С": "c", "ѕ": "s", "Ѕ": "s", "т": "t", "Т": "t", "у": "y", "У": "y",
    "х": "x", "Х": "x", "ԁ": "d", "һ": "h", "ԛ": "q", "ԝ": "w", "Ԝ": "w",
    # Greek
    "α": "a", "Α": "a", "Β": "b", "ε": "e", "Ε": "e", "Ζ": "z", "Η": "h", "ι": "i", "Ι": "i", "κ": "k",
    "Κ": "k", "Μ": "m", "Ν": "n", "ο": "o", "Ο": "o", "ρ": "p", "Ρ": "p", "Τ": "t", "υ": "u", "Υ": "y",
    "χ": "x", "Χ": "x", "ν": "v",
    # Latin look-alikes that compatibility decomposition leaves alone
    "ı": "i", "ɡ": "g", "ɑ": "a", "ʟ": "l", "ꜱ": "s",
}
# fmt: on

# A maximal run of letters and digits (str.isalnum), and any whitespace between two runs.
_ALNUM_RUN = re.compile(r"[^\W_]+")
_SPACE = re.compile(r"\s")
_DROPPED_CATEGORIES = frozenset({"Cf", "Mn", "Me"})  # format characters and combining marks


@dataclass(frozen=True, slots=True)
class Folded:
    """Folded text plus, for each of its characters, the offset of its source in the original."""

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a non-empty folded slice [start, end) back to original offsets."""
        return self.origin[start], self.origin[end - 1] + 1


def fold(text: str) -> Folded:
    """Strip format characters and accents, apply NFKC-style compatibility folding, map confusables,
    and case-fold; every output character remembers its original offset."""
    if text.isascii():  # the common case: nothing to decompose, one output character per input one
        return Folded(text.lower(), tuple(range(len(text))))
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char < "\x80":
            chars.append(char.lower())
            origin.append(index)
            continue
        if unicodedata.category(char) == "Cf":
            continue
        for piece in unicodedata.normalize("NFKD", char):
            if unicodedata.category(piece) in _DROPPED_CATEGORIES:
                continue
            for out in CONFUSABLES.get(piece, piece).casefold():
                chars.append(out)
                origin.append(index)
    return Folded("".join(chars), tuple(origin))


def fold_text(text: str) -> str:
    """The folded text alone."""
    return fold(text).text


@dataclass(frozen=True, slots=True)
class Token:
    """A run of letters/digits: its folded text and its [start, end) offsets in the original text."""

    text: str
    start: int
    end: int
    spaced: bool  # whitespace (or the start of the text) comes before it


def tokenize(text: str) -> list[Token]:
    """Split text into alphanumeric tokens after folding; separators are everything else."""
    folded = fold(text)
    chars = folded.text
    origin = folded.origin
    tokens: list[Token] = []
    previous_end = 0
    for match in _ALNUM_RUN.finditer(chars):
        start, end = match.span()
        spaced = not tokens or _SPACE.search(chars, previous_end, start) is not None
        tokens.append(Token(match.group(), origin[start], origin[end - 1] + 1, spaced))
        previous_end = end
    return tokens


def words(text: str) -> list[str]:
    """The folded tokens of text, without offsets."""
    return [token.text for token in tokenize(text)]
