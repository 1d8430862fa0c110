"""The tally: strictly the most votes is caught; a tie catches nobody."""

from __future__ import annotations

import pytest

from games.chameleon.votes import count_votes, reveal

SEATS = ("p1", "p2", "p3", "p4")


def test_the_player_with_the_most_votes_is_caught():
    """Three votes against one catches the player with three; counts run from most to fewest."""
    tally = count_votes({"p1": "p3", "p2": "p3", "p3": "p1", "p4": "p3"}, SEATS)

    assert tally.caught == "p3"
    assert list(tally.counts.items()) == [("p3", 3), ("p1", 1)]
    assert tally.tied == ()


def test_a_tie_for_the_most_votes_catches_nobody():
    """Two against two: nobody is caught, and the tied players are named in seat order."""
    tally = count_votes({"p1": "p3", "p2": "p1", "p3": "p1", "p4": "p3"}, SEATS)

    assert tally.caught is None
    assert tally.tied == ("p1", "p3")


def test_a_plurality_is_enough():
    """Two votes against one and one: the player with two is caught, without a majority."""
    tally = count_votes({"p1": "p2", "p2": "p1", "p3": "p2", "p4": "p3"}, SEATS)

    assert tally.caught == "p2"


def test_a_vote_for_a_stranger_is_refused():
    """A suspect who is not in the game raises ValueError."""
    with pytest.raises(ValueError, match="p9"):
        count_votes({"p1": "p9"}, SEATS)


def test_the_reveal_says_who_was_caught_and_who_the_chameleon_was():
    """The announcement lists every vote, then the catch: right, wrong, or a tie."""
    caught = count_votes({"p1": "p3", "p2": "p3", "p3": "p1", "p4": "p3"}, SEATS)
    tied = count_votes({"p1": "p3", "p2": "p1", "p3": "p1", "p4": "p3"}, SEATS)

    assert (
        reveal(caught, "p3")
        == "Votes: p1→p3, p2→p3, p3→p1, p4→p3. p3 has the most votes (3) and is the chameleon."
    )
    assert reveal(caught, "p2").endswith("p3 has the most votes (3) but is not the chameleon: p2 was.")
    assert reveal(tied, "p2").endswith("A tie between p1, p3: nobody is caught. The chameleon was p2.")
