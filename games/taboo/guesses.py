"""Guess matching: is a guess the card's target (or one of its accepted alternates)?

The tolerant matching itself (case, punctuation, articles, plurals, glued words) is shared by the
games and lives in games.kit.matching; this module applies it to a card.
"""

from __future__ import annotations

from games.kit.matching import ARTICLES, answer_words, matches
from games.taboo.deck import Card

__all__ = ["ARTICLES", "answer_words", "guess_matches"]


def guess_matches(guess: str, card: Card) -> bool:
    """True when guess names the card's target or one of its alternates (see games.kit.matching)."""
    return matches(guess, (card.target, *card.alternates))
