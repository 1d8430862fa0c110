"""Guess matching: is a guess the card's target (or one of its accepted alternates)?

Both sides are folded (case, accents, look-alike letters), split into words (punctuation and hyphens
separate words), and a leading article is dropped. They match when their words match one by one, or
when the words glued together match (ice-cream = ice cream = icecream). Two words match when they
are equal or share a singular (tomatoes/tomato, mice/mouse, leaves/leaf). Nothing else is lenient:
"running" does not match "run", "a big snowman" does not match "snowman".
"""

from __future__ import annotations

from games.taboo.deck import Card
from games.taboo.morphology import singulars
from games.taboo.normalize import words

ARTICLES = frozenset({"a", "an", "the"})


def answer_words(text: str) -> tuple[str, ...]:
    """The folded words of a guess or answer, without a leading article."""
    tokens = words(text)
    if len(tokens) > 1 and tokens[0] in ARTICLES:
        tokens = tokens[1:]
    return tuple(tokens)


def _same_word(a: str, b: str) -> bool:
    return a == b or bool(singulars(a) & singulars(b))


def _same_answer(guess: tuple[str, ...], answer: tuple[str, ...]) -> bool:
    if not guess or not answer:
        return False
    if len(guess) == len(answer) and all(map(_same_word, guess, answer)):
        return True
    return _same_word("".join(guess), "".join(answer))


def guess_matches(guess: str, card: Card) -> bool:
    """True when guess names the card's target or one of its alternates (see the module docstring)."""
    said = answer_words(guess)
    return any(_same_answer(said, answer_words(answer)) for answer in (card.target, *card.alternates))
