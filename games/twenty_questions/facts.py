"""What the report keeps of a Twenty Questions game: the thing it was about and the thing's category."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from games.kit.facts import CARD, CATEGORY
from games.twenty_questions.knowledge import DEFAULT_THINGS_PATH


def started_facts(record: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, Any]:
    """The thing and its category, from a `game_started` record and the run's configuration."""
    thing = record.get("secret")
    if not isinstance(thing, str):
        return {}
    things = config.get("things")
    category = _categories(things if isinstance(things, str) else str(DEFAULT_THINGS_PATH)).get(thing)
    return {CARD: thing, CATEGORY: category} if category is not None else {CARD: thing}


@cache
def _categories(path: str) -> dict[str, str]:
    """Each thing's category in the knowledge base at `path` (its JSON read as it is: the run checked it
    when it played); empty when the file cannot be read any more or is not a knowledge base."""
    try:
        things = json.loads(Path(path).read_text(encoding="utf-8"))["things"]
        return {
            thing["name"]: thing["category"]
            for thing in things
            if isinstance(thing.get("name"), str) and isinstance(thing.get("category"), str)
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
