"""The facts a game tells the report about one of its games (an `EventType.facts` hook returns some of
them from a record): what the game was about and, for games of sides, who played on which side and
which side won. The report groups and rates by these names and never asks which game it reads."""

from __future__ import annotations

CARD = "card"  # what the game was about, as a key to pair games on (a card, a benchmark's instance)
BAND = "band"  # the card's difficulty or frequency band
CATEGORY = "category"  # the card's category
SIDES = "sides"  # side -> the agents on it, for games where players play against each other
WINNER = "winner"  # the side that won (absent when no side did: a game aborted or in error)

__all__ = ["BAND", "CARD", "CATEGORY", "SIDES", "WINNER"]
