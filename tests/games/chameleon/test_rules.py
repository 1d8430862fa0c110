"""Clue checks: one word, and neither the secret word nor a form or part of it."""

from __future__ import annotations

import pytest

from games.chameleon.rules import ONE_WORD, SECRET_WORD, check_clue, is_one_word, is_variant


@pytest.mark.parametrize("clue", ["yellow", "Yellow", "o'clock", "café", "Übung"])
def test_a_single_word_is_one_word(clue):
    """Letters, in any case or script, with an apostrophe inside, make one word."""
    assert is_one_word(clue)


@pytest.mark.parametrize("clue", ["big fruit", "ice-cream", "4ever", "yellow!", "", "'quoted'"])
def test_spaces_hyphens_digits_and_punctuation_are_not_one_word(clue):
    """Two words, a hyphenated pair, digits or stray punctuation are not one word."""
    assert not is_one_word(clue)


@pytest.mark.parametrize(
    ("clue", "secret"),
    [
        ("banana", "banana"),
        ("BANANA", "banana"),
        ("bananas", "banana"),  # plural
        ("mice", "mouse"),  # irregular plural
        ("baking", "bake"),  # same stem
        ("swimming", "swim"),
        ("snowman", "snow"),  # a compound holding the secret
        ("pine", "pineapple"),  # a part of the secret
        ("bänana", "banana"),  # accents folded
    ],
)
def test_the_secret_its_forms_and_parts_are_variants(clue, secret):
    """The secret, its plurals and stems, and words holding or held by it (4+ letters) are variants."""
    assert is_variant(clue, secret)


@pytest.mark.parametrize(
    ("clue", "secret"), [("hear", "ear"), ("art", "heart"), ("yellow", "banana"), ("steam", "tea")]
)
def test_unrelated_words_and_short_overlaps_are_fair(clue, secret):
    """A three-letter word inside another does not count as a part: 'hear' is a fair clue for 'ear'."""
    assert not is_variant(clue, secret)


def test_check_clue_names_the_rule_and_the_whole_clue_as_span():
    """A broken clue's violation names the rule, the span of the clue, the text and the secret it hit."""
    two_words = check_clue("long fruit", "banana")
    secret = check_clue("Bananas", "banana")

    assert two_words is not None and two_words.rule == ONE_WORD
    assert two_words.span == (0, 10) and two_words.text == "long fruit" and two_words.word == ""
    assert secret is not None and secret.rule == SECRET_WORD
    assert secret.span == (0, 7) and secret.text == "Bananas" and secret.word == "banana"
    assert check_clue("monkey", "banana") is None
