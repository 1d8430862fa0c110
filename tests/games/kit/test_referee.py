"""The shared referee's book-keeping: one re-prompt budget per player, and the verdict on a malformed
reply."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from games.kit.outcome import GameResult
from games.kit.referee import EMPTY_REPLY, GAVE_UP, REPROMPTED, Reprompts, malformed
from runtime import Message


def test_each_player_spends_its_own_budget() -> None:
    """Spending p1's re-prompts leaves p2's whole budget."""
    reprompts = Reprompts(2)
    reprompts.spend("p1")
    reprompts.spend("p1")
    assert (reprompts.left("p1"), reprompts.left("p2")) == (0, 2)


def test_a_good_reply_gives_the_player_its_whole_budget_again() -> None:
    """clear(p1) after a well-formed reply resets p1 only."""
    reprompts = Reprompts(1)
    reprompts.spend("p1")
    reprompts.spend("p2")
    reprompts.clear("p1")
    assert (reprompts.left("p1"), reprompts.left("p2")) == (1, 0)


def test_spending_past_the_budget_is_refused() -> None:
    """A re-prompt the player does not have raises instead of going negative."""
    reprompts = Reprompts(0)
    with pytest.raises(ValueError, match="no re-prompt left"):
        reprompts.spend("p1")


def test_a_negative_budget_is_refused() -> None:
    """Reprompts(-1) raises: a budget is 0 or more."""
    with pytest.raises(ValueError, match="0 or more"):
        Reprompts(-1)


@dataclass
class Book:
    game_id: str = "g1"
    subject: str = "snow"
    turn: int = 1
    reprompts: Reprompts = field(default_factory=lambda: Reprompts(1))
    result: GameResult | None = None


def reply(sender: str, text: str) -> Message:
    return Message(id="m1", sender=sender, recipient="referee", kind="reply", text=text)


def test_a_malformed_reply_is_re_prompted_while_its_sender_has_one_left() -> None:
    """The verdict follows the sender's own count: p1 has spent its re-prompt, p2 has not."""
    book = Book()
    book.reprompts.spend("p1")
    assert malformed(book, reply("p1", "hmm"), "No tag.") == (GAVE_UP, "No tag.")
    assert malformed(book, reply("p2", "hmm"), "No tag.") == (REPROMPTED, "No tag.")


def test_an_empty_reply_is_told_it_was_empty() -> None:
    """Whitespace only: the problem says the reply was empty, whatever the game would have said."""
    assert malformed(Book(), reply("p1", "  \n"), "No tag.") == (REPROMPTED, EMPTY_REPLY)
