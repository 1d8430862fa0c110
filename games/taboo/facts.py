"""What the report keeps of a Taboo game: the card (or the clembench instance) it was about and its band
(the deck card's difficulty, or the instance's experiment: clembench's frequency band)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from games.kit.facts import BAND, CARD, entry_fields
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
        path = deck if isinstance(deck, str) else str(DEFAULT_DECK_PATH)
        difficulty = entry_fields(path, "cards", "target", "difficulty").get(target)
        if difficulty is not None:
            facts[BAND] = difficulty
    return facts
