"""A person playing Chameleon is told the rules and what the seat knows, never what it does not."""

from __future__ import annotations

from games.chameleon.definition import GAME
from games.chameleon.person import player_intro


def test_a_person_is_told_the_rules_and_the_word_unless_chameleon() -> None:
    """A seat that knows the word is told it; the chameleon is told it is the chameleon, not the word."""
    knowing = player_intro({"name": "p1", "category": "fruit", "secret": "banana"})
    assert "The secret word is banana" in knowing and "one word" in knowing and "vote" in knowing
    chameleon = player_intro({"name": "p2", "category": "fruit", "chameleon": True})
    assert "You are the chameleon" in chameleon and "banana" not in chameleon
    assert GAME.roles[0].human_intro is player_intro
