"""Clue material for the offline hinter, written with the shipped deck (data/hints.json).

A deck of your own may carry the same material per card (`"hints": [...]`); cards without any get the
offline hinter's weak fallback clues.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

HINTS_PATH = Path(__file__).with_name("data") / "hints.json"


@lru_cache(maxsize=1)
def shipped_hints() -> dict[str, tuple[str, ...]]:
    """Target -> hints, ordered from the broadest to the most telling."""
    data = json.loads(HINTS_PATH.read_text(encoding="utf-8"))
    return {target: tuple(hints) for target, hints in data["hints"].items()}


def hints_for(target: str) -> tuple[str, ...]:
    return shipped_hints().get(target, ())
