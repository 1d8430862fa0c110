"""clembench's reply formats, clue check and guess check, as its game master applies them."""

from __future__ import annotations

import pytest

from games.taboo.clembench.checks import (
    RELATED,
    TARGET,
    clue_errors,
    first_clue_error,
    is_clue,
    is_guess,
    normalized_clue,
    normalized_guess,
    stopwords,
)

TRANSIT = ("transit", ["transport", "cross", "traverse"])


def messages(reply: str, target: str, related: list[str]) -> list[str]:
    return [error.message for error in clue_errors(reply, target, related)]


def test_clembench_own_test_vectors() -> None:
    """The four cases of clembench's taboo/test_taboo.py give its results."""
    assert (
        messages(
            "A term that refers to the act of completing a task without professional help",
            "diy",
            ["do", "it", "yourself"],
        )
        == []
    )
    assert messages("The state of doing a transition from A to B", *TRANSIT) == [
        "Target word 'transit' (stem=transit) is similar to clue word 'transition' (stem=transit)"
    ]
    assert messages("Usually local transportation especially of people by public conveyance.", *TRANSIT) == [
        "Related word 'transport' (stem=transport) is similar to clue word 'transportation' (stem=transport)"
    ]
    assert messages("Conveyance of persons or things from one place to another.", *TRANSIT) == []


@pytest.mark.parametrize(
    ("reply", "clue"),
    [
        ("CLUE: It's old-fashioned!", "its oldfashioned"),
        ("CLUE:  two  spaces ", "two  spaces"),
        ("CLUE: a\nsecond line", "a\nsecond line"),
        ("CLUE: no GUESS: here CLUE: twice", "no guess here  twice"),
        ("CLUE: “quoted” and …", "“quoted” and …"),
    ],
)
def test_a_clue_loses_its_tags_case_and_ascii_punctuation_only(reply: str, clue: str) -> None:
    """Every CLUE: goes, then surrounding space, case and ASCII punctuation; the rest stays."""
    assert normalized_clue(reply) == clue


def test_words_are_split_on_single_spaces_only() -> None:
    """A taboo word after a newline is not a word of its own: clembench does not see it."""
    assert first_clue_error("CLUE: something\nlamp-like", "lantern", ["lamp", "light", "candle"]) is None
    error = first_clue_error("CLUE: something lamps", "lantern", ["lamp", "light", "candle"])
    assert error is not None and (error.kind, error.token, error.start, error.end) == (
        RELATED,
        "lamps",
        10,
        15,
    )


def test_a_stopword_is_never_found_even_as_a_taboo_word() -> None:
    """The related word `not` is a stopword: a clue saying it passes."""
    assert "not" in stopwords() and len(stopwords()) == 153
    assert first_clue_error("CLUE: not a month", "jan", ["January", "nickname", "not"]) is None


def test_only_whole_word_stems_count() -> None:
    """No substrings: flashlight does not hit light; hyphenated related words never match a word."""
    assert first_clue_error("CLUE: a flashlight", "torch", ["light", "lamp", "fire"]) is None
    assert first_clue_error("CLUE: a space station", "orbit", ["planet", "circle", "Space-Station"]) is None
    assert first_clue_error("CLUE: twelve is 12", "dozen", ["12", "eggs", "many"]).token == "12"


def test_the_first_error_is_the_first_word_target_before_related() -> None:
    """Word order first; for one word, the target's error comes before the related words'."""
    errors = clue_errors("CLUE: winters and winter", "winter", ["winter", "cold", "snow"])
    assert [(error.kind, error.token) for error in errors] == [
        (TARGET, "winters"),
        (RELATED, "winters"),
        (TARGET, "winter"),
        (RELATED, "winter"),
    ]


@pytest.mark.parametrize(
    ("reply", "ok"),
    [("CLUE: x", True), (" CLUE: x", False), ("Clue: x", False), ("**CLUE:** x", False), ("CLUE :x", False)],
)
def test_a_clue_must_start_with_the_exact_tag(reply: str, ok: bool) -> None:
    assert is_clue(reply) is ok


@pytest.mark.parametrize(
    ("reply", "guess"),
    [
        ("GUESS: Winter", "winter"),
        ("GUESS:  ferry.", "ferry"),
        ("GUESS: Role-playing", "roleplaying"),
        ("GUESS: Song\n\nIf this isn't correct, sorry", "song\n\nif this isnt correct sorry"),
        ("GUESS: Independent<|im_end|>", "independentimend"),
    ],
)
def test_a_guess_is_normalised_then_compared_as_it_is(reply: str, guess: str) -> None:
    assert is_guess(reply) and normalized_guess(reply) == guess


def test_a_lower_case_tag_is_no_guess() -> None:
    assert not is_guess("guess: ferry")
