"""Guess matching against a card's target and accepted alternates."""

from __future__ import annotations

import pytest

from games.taboo.deck import Card
from games.taboo.guesses import answer_words, guess_matches


def card(target: str, *alternates: str) -> Card:
    return Card(target, ("one", "two", "three", "four", "five"), alternates=alternates)


@pytest.mark.parametrize(
    ("guess", "target", "alternates", "expected"),
    [
        ("snowman", "snowman", (), True),
        ("Snowman", "snowman", (), True),
        ("SNOWMAN!", "snowman", (), True),
        ("  snowman. ", "snowman", (), True),
        ("a snowman", "snowman", (), True),
        ("The Snowman", "snowman", (), True),
        ("an apple", "apple", (), True),
        ("snowmen", "snowman", (), True),
        ("apples", "apple", (), True),
        ("tomatoes", "tomato", (), True),
        ("tomato", "tomatoes", (), True),
        ("mice", "mouse", (), True),
        ("cherries", "cherry", (), True),
        ("leaves", "leaf", (), True),
        ("glass", "glasses", (), True),
        ("buses", "bus", (), True),
        ("ice cream", "ice cream", (), True),
        ("ice-cream", "ice cream", (), True),
        ("icecream", "ice cream", (), True),
        ("Ice Creams", "ice cream", (), True),
        ("café", "cafe", (), True),
        ("ｓｎｏｗｍａｎ", "snowman", (), True),
        ("bike", "bicycle", ("bike",), True),
        ("a bike", "bicycle", ("bike",), True),
        ("TV", "television", ("tv", "telly"), True),
        ("telly", "television", ("tv", "telly"), True),
        ("fall", "autumn", ("fall",), True),
        ("snow", "snowman", (), False),
        ("a big snowman", "snowman", (), False),
        ("snowmanx", "snowman", (), False),
        ("run", "running", (), False),
        ("new", "news", (), False),
        ("", "snowman", (), False),
        ("...", "snowman", (), False),
        ("the", "snowman", (), False),
        ("radio", "television", ("tv",), False),
        ("cream", "ice cream", (), False),
    ],
)
def test_guess_matches(guess: str, target: str, alternates: tuple[str, ...], expected: bool) -> None:
    """Case, punctuation, articles, plurals and alternates are forgiven; other words are not."""
    assert guess_matches(guess, card(target, *alternates)) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Snowman", ("snowman",)),
        ("a", ("a",)),
        ("ice-cream cone", ("ice", "cream", "cone")),
        ("  Mr. Snow  ", ("mr", "snow")),
        ("", ()),
    ],
)
def test_answer_words(text: str, expected: tuple[str, ...]) -> None:
    """answer_words folds, splits on punctuation and drops a leading article of a longer answer."""
    assert answer_words(text) == expected
