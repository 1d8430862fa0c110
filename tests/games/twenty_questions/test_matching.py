"""The shared guess matching (games.kit.matching), as Twenty Questions uses it."""

from __future__ import annotations

import pytest

from games.kit.matching import find_answer, matches


@pytest.mark.parametrize(
    ("guess", "answers", "expected"),
    [
        ("cat", ("cat",), True),
        ("A Cat!", ("cat",), True),
        ("the cats", ("cat",), True),
        ("fire-truck", ("fire truck",), True),
        ("firetruck", ("fire truck",), True),
        ("Fire Trucks.", ("fire truck",), True),
        ("mice", ("mouse",), True),
        ("bike", ("bicycle", "bike"), True),
        ("TV", ("television", "tv"), True),
        ("truck", ("fire truck",), False),
        ("a big cat", ("cat",), False),
        ("dog", ("cat",), False),
        ("", ("cat",), False),
    ],
)
def test_matches(guess: str, answers: tuple[str, ...], expected: bool) -> None:
    """Case, punctuation, articles, plurals, glued words and alternates are forgiven; nothing else."""
    assert matches(guess, answers) is expected


@pytest.mark.parametrize(
    ("text", "answers", "found"),
    [
        ("ANSWER: yes, it is a Fire-Truck", ("fire truck",), "Fire-Truck"),
        ("yes, like all cats", ("cat",), "cats"),
        ("a snow man, yes", ("snowman",), "snow man"),
        ("the TELLY", ("television", "telly"), "TELLY"),
        ("ANSWER: yes", ("cat",), None),
        ("it is in a catalog", ("cat",), None),
    ],
)
def test_find_answer(text: str, answers: tuple[str, ...], found: str | None) -> None:
    """find_answer gives the offsets of the words that name an answer, whole words only."""
    span = find_answer(text, answers)
    assert (text[span[0] : span[1]] if span else None) == found
