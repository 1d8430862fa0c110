"""What the report keeps of a Chameleon game: its category, its two sides (the chameleon against the
players who know the word) and the side that won, so that models seated on different sides are rated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from games.chameleon.state import CHAMELEON as ALONE  # the side of the one player not told the word
from games.chameleon.state import INFORMED  # the side of the players who are
from games.kit.facts import CATEGORY, SIDES, WINNER
from games.kit.outcome import Outcome


def started_facts(record: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, Any]:
    category = record.get("category")
    return {CATEGORY: category} if isinstance(category, str) else {}


def votes_facts(record: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, Any]:
    """The sides, from the count of the votes: every seat voted, and the moderator names the chameleon."""
    chameleon, votes = record.get("chameleon"), record.get("votes")
    if not isinstance(chameleon, str) or not isinstance(votes, Mapping):
        return {}
    others = sorted(str(seat) for seat in votes if seat != chameleon)
    return {SIDES: {ALONE: [chameleon], INFORMED: others}}


def ended_facts(record: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, Any]:
    """The winning side: the informed players when the game was won (the score is theirs), else the
    chameleon when the game was lost; none when it was not played to an end."""
    outcome = record.get("outcome")
    if outcome == Outcome.SUCCESS:
        return {WINNER: INFORMED}
    if outcome in (Outcome.LOSE_TURNS, Outcome.LOSE_VIOLATION):
        return {WINNER: ALONE}
    return {}
