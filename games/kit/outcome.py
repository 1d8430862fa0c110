"""How a game ended, its score, and the `game_ended` event every game writes once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from runtime.events import EventLog


class Outcome(StrEnum):
    """The endings of a game, as the run log's `game_ended.outcome` names them."""

    SUCCESS = "success"
    LOSE_VIOLATION = "lose_violation"
    LOSE_TURNS = "lose_turns"
    ABORTED = "aborted"  # the players could not keep to the reply format (or a person left)
    ERROR = "error"  # a model or an agent failed: never scored as a loss

    @property
    def scored(self) -> bool:
        """Aborted and failed games get no score: they say nothing about how well the players play."""
        return self not in (Outcome.ABORTED, Outcome.ERROR)

    @property
    def played(self) -> bool:
        """True when the game was played to a proper end (won or lost)."""
        return self.scored


@dataclass(frozen=True)
class GameResult:
    """One finished game. `score` is None for outcomes that are not scored."""

    game_id: str
    outcome: Outcome
    turns: int
    score: float | None
    reason: str
    subject: str = ""  # what the game was about (Taboo: the card's target)
    # A game played under one of several rule sets that has scores of its own (a published benchmark's):
    # the rule set's name and the game's scores as that rule set names them.
    rules: str | None = None
    scores: Mapping[str, Any] | None = None
    winner: str = ""  # a game with sides: the side that won, in words ("the chameleon p3")

    def fields(self) -> dict[str, Any]:
        """The `game_ended` event's fields (`rules`, `scores` and `winner` only when set)."""
        extra: dict[str, Any] = {}
        if self.rules is not None:
            extra["rules"] = self.rules
        if self.scores is not None:
            extra["scores"] = dict(self.scores)
        if self.winner:
            extra["winner"] = self.winner
        return {
            "game_id": self.game_id,
            "outcome": str(self.outcome),
            "turns": self.turns,
            "score": self.score,
            "reason": self.reason,
            "subject": self.subject,
            **extra,
        }

    def log(self, events: EventLog) -> None:
        """Write the `game_ended` event to `events`."""
        events.info("game_ended", **self.fields())
