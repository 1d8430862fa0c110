"""Parsing the players' replies: the CLUE:/GUESS: tag and the chatter rule."""

from __future__ import annotations

import pytest

from games.taboo.replies import parse_clue, parse_guess


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("CLUE: a cold white figure", "a cold white figure"),
        ("clue: lower case tag", "lower case tag"),
        ("Clue:no space", "no space"),
        ("CLUE :  spaced colon  ", "spaced colon"),
        ("**CLUE:** bold tag", "bold tag"),
        ("**Clue**: bold word", "bold word"),
        ("__CLUE:__ underscores", "underscores"),
        ('CLUE: "quoted text"', "quoted text"),
        ("CLUE: “curly quotes”", "curly quotes"),
        ("CLUE: 'single'", "single"),
        ("CLUE: *it's* cold", "*it's* cold"),
        ("CLUE: **bold answer**", "bold answer"),
        ('CLUE: he said "hi" to me', 'he said "hi" to me'),
        ("CLUE: `code`", "code"),
        ("> CLUE: quoted line", "quoted line"),
        ("- CLUE: bullet", "bullet"),
        ("* CLUE: star bullet", "star bullet"),
        ("• CLUE: round bullet", "round bullet"),
        ("1. CLUE: numbered", "numbered"),
        ("## Clue: heading", "heading"),
        ("CLUE：full-width colon", "full-width colon"),
        ("Sure! Here is my clue.\nCLUE: on the second line\nHope it helps.", "on the second line"),
        ("CLUE: first\nCLUE: second", "first"),
        ("   CLUE: indented", "indented"),
        ("CLUE: keeps inner: colons", "keeps inner: colons"),
        # malformed: no tag, empty text, tag not at the start of a line, another tag
        ("a cold white figure", None),
        ("", None),
        ("CLUE:", None),
        ("CLUE:   ", None),
        ("CLUE: ** **", None),
        ('CLUE: ""', None),
        ("CLUE: ?!", None),
        ("CLUE:\na clue on the next line", None),
        ("My CLUE: inline", None),
        ("Clueless: nope", None),
        ("CLUES: plural tag", None),
        ("GUESS: snowman", None),
    ],
)
def test_parse_clue(reply: str, expected: str | None) -> None:
    """The first tagged line's text, trimmed of decoration, or None when the reply is malformed."""
    assert parse_clue(reply) == expected


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("GUESS: snowman", "snowman"),
        ("guess: Snowman", "Snowman"),
        ("GUESS: snowman.", "snowman"),
        ("GUESS: snowman!?", "snowman"),
        ('GUESS: "snowman".', "snowman"),
        ("**GUESS:** *snowman*", "snowman"),
        ("GUESS: ice cream", "ice cream"),
        ("I think I know!\nGUESS: a snowman\n(final answer)", "a snowman"),
        ("- guess: bullet", "bullet"),
        ("GUESS:", None),
        ("GUESS: ...", None),
        ("GUESS: ?", None),
        ("snowman", None),
        ("My guess: snowman", None),
        ("CLUE: snowman", None),
        ("GUESS:\nsnowman", None),
    ],
)
def test_parse_guess(reply: str, expected: str | None) -> None:
    """The guess after the tag, without trailing sentence punctuation, or None when malformed."""
    assert parse_guess(reply) == expected
