"""What the report keeps of a Taboo game: the card (or the clembench instance) it was about and its band
(the deck card's difficulty, or the instance's experiment: clembench's frequency band)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from games.kit.facts import BAND, CARD
from games.taboo.deck import DEFAULT_DECK_PATH


def started_facts(record: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, Any]:
    """The card and its band, from a `game_started` record and the run's configuration."""
    card = record.get("card")
    target = card.get("target") if isinstance(card, Mapping) else None
    instance = record.get("instance")
    if isinstance(instance, Mapping) and isinstance(instance.get("experiment"), str):
        experiment = instance["experiment"]
        return {CARD: f"{experiment}/{instance.get('game_id')}", BAND: experiment}
    facts: dict[str, Any] = {}
    if isinstance(target, str):
        facts[CARD] = target
        deck = config.get("deck")
        difficulty = _difficulties(deck if isinstance(deck, str) else str(DEFAULT_DECK_PATH)).get(target)
        if difficulty is not None:
            facts[BAND] = difficulty
    return facts


@cache
def _difficulties(path: str) -> dict[str, str]:
    """Each card's difficulty in the deck at `path` (its JSON read as it is: the run checked the deck when
    it played); empty when the file cannot be read any more or is not a deck."""
    try:
        cards = json.loads(Path(path).read_text(encoding="utf-8"))["cards"]
        return {
            card["target"]: card["difficulty"]
            for card in cards
            if isinstance(card.get("target"), str) and isinstance(card.get("difficulty"), str)
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
