"""What the report keeps of a Twenty Questions game: the thing it was about and the thing's category."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from games.kit.facts import CARD, CATEGORY, entry_fields
from games.twenty_questions.knowledge import DEFAULT_THINGS_PATH


def started_facts(record: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, Any]:
    """The thing and its category, from a `game_started` record and the run's configuration."""
    thing = record.get("secret")
    if not isinstance(thing, str):
        return {}
    things = config.get("things")
    path = things if isinstance(things, str) else str(DEFAULT_THINGS_PATH)
    category = entry_fields(path, "things", "name", "category").get(thing)
    return {CARD: thing, CATEGORY: category} if category is not None else {CARD: thing}
