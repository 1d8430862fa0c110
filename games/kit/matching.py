"""Tolerant answer matching, shared by the games: does a guess name an answer, and where does a text
name one?

Both sides are folded (case, accents, look-alike letters), split into words (punctuation and hyphens
separate words), and a leading article is dropped. They match when their words match one by one, or
when the words glued together match (ice-cream = ice cream = icecream). Two words match when they
are equal or share a singular (tomatoes/tomato, mice/mouse, leaves/leaf). Nothing else is lenient:
"running" does not match "run", "a big snowman" does not match "snowman".

The folding and the plural rules are Taboo's (games.kit.normalize and games.kit.morphology), so
every game forgives exactly what Taboo forgives.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from games.kit.morphology import singulars
from games.kit.normalize import tokenize, words

ARTICLES = frozenset({"a", "an", "the"})


@lru_cache(maxsize=65536)  # the offline players match every guess against every thing's names, often
def answer_words(text: str) -> tuple[str, ...]:
    """The folded words of a guess or answer, without a leading article."""
    tokens = words(text)
    if len(tokens) > 1 and tokens[0] in ARTICLES:
        tokens = tokens[1:]
    return tuple(tokens)


def same_word(a: str, b: str) -> bool:
    """Two folded words are the same word, or one is a plural of the other."""
    return a == b or bool(singulars(a) & singulars(b))


def same_answer(guess: tuple[str, ...], answer: tuple[str, ...]) -> bool:
    """Two answers' words match one by one, or glued together."""
    if not guess or not answer:
        return False
    if len(guess) == len(answer) and all(map(same_word, guess, answer)):
        return True
    return same_word("".join(guess), "".join(answer))


def matches(guess: str, answers: Iterable[str]) -> bool:
    """True when `guess` names one of `answers` (see the module docstring)."""
    said = answer_words(guess)
    return any(same_answer(said, answer_words(answer)) for answer in answers)


def find_answer(text: str, answers: Iterable[str]) -> tuple[int, int] | None:
    """The [start, end) offsets in `text` of the first run of words that names one of `answers`,
    or None. "I think it is a Fire-Truck!" names "fire truck" at the offsets of "Fire-Truck"."""
    tokens = tokenize(text)
    wanted = [answer for answer in map(answer_words, answers) if answer]
    for start in range(len(tokens)):
        for answer in wanted:
            # The answer's words one by one, or glued differently (firetruck, snow man for snowman).
            for width in range(1, len(answer) + 2):
                window = tuple(token.text for token in tokens[start : start + width])
                if len(window) == width and same_answer(window, answer):
                    return tokens[start].start, tokens[start + width - 1].end
    return None
