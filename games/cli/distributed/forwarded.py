"""A game's events recorded on a worker, to be written into the controller's run log.

The worker hands each game an EventLog that keeps its events (with the time each happened) instead of
writing them; the list goes to the controller with the game's result, in one message, and the
controller relays them into its run log (`RunLog.relay`) once the result is accepted.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import orjson

from games.kit.outcome import GameResult, Outcome
from runtime.clock import Clock, SystemClock
from runtime.events import EventLog, event_log
from runtime.log import plain


class RecordedEvents:
    """One game's events, kept in order as the game logs them."""

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self.records: list[dict[str, Any]] = []
        self.events: EventLog = event_log([self._keep])

    def _keep(self, _logger: object, _method: str, event_dict: MutableMapping[str, Any]) -> str:
        self.records.append({"ts": self._clock.timestamp(), **event_dict})
        return ""


def encode_result(result: GameResult, records: list[dict[str, Any]]) -> bytes:
    """The message a worker hands in for a game: its result and its events."""
    shown = {
        "game_id": result.game_id,
        "outcome": str(result.outcome),
        "turns": result.turns,
        "score": result.score,
        "reason": result.reason,
        "subject": result.subject,
        "rules": result.rules,
        "scores": dict(result.scores) if result.scores is not None else None,
    }
    return orjson.dumps({"result": shown, "events": records}, default=plain)


def decode_result(payload: bytes) -> tuple[GameResult, list[dict[str, Any]]]:
    """A handed-in game back: ValueError (with what is wrong) when the message is not one."""
    try:
        message = orjson.loads(payload)
        shown = message["result"]
        result = GameResult(
            game_id=str(shown["game_id"]),
            outcome=Outcome(shown["outcome"]),
            turns=int(shown["turns"]),
            score=shown["score"],
            reason=str(shown["reason"]),
            subject=str(shown.get("subject", "")),
            rules=shown.get("rules"),
            scores=shown.get("scores"),
        )
        records = message["events"]
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not a game's result ({type(exc).__name__}: {exc})") from None
    if not isinstance(records, list) or not all(isinstance(record, dict) for record in records):
        raise ValueError("not a game's result (its events are not a list of objects)")
    return result, records
