"""What a clue may be: one word, and neither the secret word nor a form or part of it.

The secret is compared with the shared tolerant matching (games.kit.matching: case, accents,
look-alike letters, plurals), then by Snowball stem (baking/bake, swimming/swim), then as a part: one
word inside the other when the shorter has at least four letters (snowman/snow, cheesecake/cake). Words
of three letters or fewer are guarded only by the first two checks, so "hear" stays a fair clue for
"ear". The linter holds the shipped clue words to the same checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from games.kit.matching import answer_words, matches

ONE_WORD = "one_word"  # the clue is not a single word
SECRET_WORD = "secret_word"  # the clue is the secret word, a form of it or a part of it
RULES = (ONE_WORD, SECRET_WORD)
PART_MIN_LETTERS = 4

# Letters only (any script); an apostrophe may join letters (o'clock). Digits, spaces, hyphens: no.
_ONE_WORD = re.compile(r"^[^\W\d_]+(?:['’][^\W\d_]+)*$")
_STEMMER = snowballstemmer.stemmer("english")


@dataclass(frozen=True)
class Violation:
    """A broken rule: its name, the [start, end) span in the clue, that text, and the secret it hit
    (empty for `one_word`)."""

    rule: str
    span: tuple[int, int]
    text: str
    word: str = ""


def is_one_word(text: str) -> bool:
    return bool(_ONE_WORD.match(text))


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    return _STEMMER.stemWord(word)


def is_variant(word: str, secret: str) -> bool:
    """True when `word` is `secret`, a form of it, or a part of it (or the other way round)."""
    if matches(word, [secret]):
        return True
    said, hidden = "".join(answer_words(word)), "".join(answer_words(secret))
    if not said or not hidden:
        return False
    if _stem(said) == _stem(hidden):
        return True
    shorter, longer = sorted((said, hidden), key=len)
    return len(shorter) >= PART_MIN_LETTERS and shorter in longer


def check_clue(clue: str, secret: str) -> Violation | None:
    """The rule `clue` breaks for this `secret`, or None when it is a fair clue."""
    whole = (0, len(clue))
    if not is_one_word(clue):
        return Violation(ONE_WORD, whole, clue)
    if is_variant(clue, secret):
        return Violation(SECRET_WORD, whole, clue, secret)
    return None
