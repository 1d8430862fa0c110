"""The facts a game tells the report about one of its games (an `EventType.facts` hook returns some of
them from a record): what the game was about and, for games of sides, who played on which side and
which side won. The report groups and rates by these names and never asks which game it reads."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

CARD = "card"  # what the game was about, as a key to pair games on (a card, a benchmark's instance)
BAND = "band"  # the card's difficulty or frequency band
CATEGORY = "category"  # the card's category
SIDES = "sides"  # side -> the agents on it, for games where players play against each other
WINNER = "winner"  # the side that won (absent when no side did: a game aborted or in error)


@cache
def entry_fields(path: str, entries: str, key: str, field: str) -> dict[str, str]:
    """`key -> field` over the list `entries` of the JSON data file at `path` (a deck's cards, a knowledge
    base's things), read as it is: the run checked the file when it played. Empty when the file cannot
    be read any more or is not of that shape."""
    try:
        items = json.loads(Path(path).read_text(encoding="utf-8"))[entries]
        return {
            item[key]: item[field]
            for item in items
            if isinstance(item.get(key), str) and isinstance(item.get(field), str)
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


__all__ = ["BAND", "CARD", "CATEGORY", "SIDES", "WINNER", "entry_fields"]
