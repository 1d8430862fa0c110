"""Taboo cards and decks: the Card type, loading a deck from JSON, and the deck linter."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from games.taboo.errors import DeckError

__all__ = ["DIFFICULTIES", "Card", "Deck", "DeckError", "Difficulty"]

Difficulty = Literal["easy", "medium", "hard"]
DIFFICULTIES: tuple[Difficulty, ...] = ("easy", "medium", "hard")


@dataclass(frozen=True, slots=True)
class Card:
    """One Taboo card: the target, its five taboo words or phrases, accepted alternate answers, and
    words always allowed in clues for this card (exceptions to the variant/compound rules)."""

    target: str
    taboo: tuple[str, ...]
    alternates: tuple[str, ...] = ()
    allow: frozenset[str] = frozenset()
    difficulty: Difficulty = "medium"

    def __post_init__(self) -> None:
        # Accept any iterables but store hashable ones, so a Card stays a frozen, hashable value.
        object.__setattr__(self, "taboo", tuple(self.taboo))
        object.__setattr__(self, "alternates", tuple(self.alternates))
        object.__setattr__(self, "allow", frozenset(self.allow))

    @property
    def forbidden(self) -> tuple[str, ...]:
        """The target followed by the taboo words: everything a clue must not say."""
        return (self.target, *self.taboo)


@dataclass(frozen=True, slots=True)
class Deck:
    """A named, versioned sequence of cards."""

    name: str
    cards: tuple[Card, ...]
    version: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "cards", tuple(self.cards))

    def __len__(self) -> int:
        return len(self.cards)

    def __iter__(self) -> Iterator[Card]:
        return iter(self.cards)

    def by_difficulty(self, difficulty: Difficulty) -> tuple[Card, ...]:
        """The cards of one difficulty, in deck order."""
        return tuple(card for card in self.cards if card.difficulty == difficulty)
