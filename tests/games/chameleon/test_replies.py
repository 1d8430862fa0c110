"""Reading the players' replies: CLUE:, VOTE: and GUESS: lines, and which seat a vote names."""

from __future__ import annotations

import pytest

from games.chameleon.replies import parse_clue, parse_guess, parse_vote, seat_named

SEATS = ("p1", "p2", "p3", "p4")


@pytest.mark.parametrize(
    ("reply", "clue"),
    [
        ("CLUE: yellow", "yellow"),
        ("clue:yellow", "yellow"),
        ('**Clue:** "Yellow".', "Yellow"),
        ("Let me think.\n- CLUE: peel\nThat is all.", "peel"),
        ("> CLUE: «monkey»", "monkey"),
        ("CLUE: long fruit", "long fruit"),  # parsed; the rules then refuse two words
    ],
)
def test_a_clue_is_read_from_its_tagged_line(reply, clue):
    """The first CLUE: line gives the clue, without quotes, emphasis or trailing punctuation."""
    assert parse_clue(reply) == clue


@pytest.mark.parametrize("reply", ["yellow", "CLUE:", "CLUE: ...", "", "GUESS: banana"])
def test_a_reply_without_a_clue_is_malformed(reply):
    """No CLUE: line, or one without a letter or digit, is None."""
    assert parse_clue(reply) is None


def test_guess_and_vote_lines_are_read_the_same_way():
    """GUESS: and VOTE: lines are read like clues."""
    assert parse_guess("I am caught.\nGUESS: Bananas!") == "Bananas"
    assert parse_vote("VOTE: p3.") == "p3"
    assert parse_vote("p3") is None


@pytest.mark.parametrize(
    ("answer", "seat"),
    [("p3", "p3"), ("P3", "p3"), ("player 3", "p3"), ("Player p2", "p2"), ("4", "p4"), ("p1 because", "p1")],
)
def test_a_vote_names_a_seat(answer, seat):
    """A seat's name in any case, its number, or "player N" names the seat."""
    assert seat_named(answer, SEATS) == seat


@pytest.mark.parametrize("answer", ["p9", "bob", "the chameleon", "0"])
def test_a_vote_for_nobody_in_the_game_names_no_seat(answer):
    """A name or number that is no seat gives None."""
    assert seat_named(answer, SEATS) is None
