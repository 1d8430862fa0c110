"""A game's events recorded on a worker, to be written into the controller's run log.

The worker hands each game an EventLog that encodes each event as it happens, as the line's tail (the
JSON object from its `event` field on, without the fields every line starts with: `v`, `ts`, `seq`,
`run_id`) and keeps the time it happened. The game's result, its events' times and tails go to the
controller in one message, and the controller writes the lines (`RunLog.relay_encoded`) with its own
`seq` and `run_id` spliced in, without decoding and encoding each event again. The few events the
summary counts (games.cli.summary.summary_view) go along decoded, for the controller's listeners.

The message: a JSON header line `{"result": ..., "ts": [...], "summary": [...]}`, then one tail per
event, each ending with a newline (a JSON text never holds a raw newline).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

import orjson

from games.kit.outcome import GameResult, Outcome
from runtime.clock import Clock, SystemClock
from runtime.events import EventLog, event_log
from runtime.log import COMMON_FIELDS, encode_with_json, plain

# The fields every line of a run log starts with, which the controller's log sets (an event's field of
# the same name cannot replace them), and the field that comes right after them.
SET_BY_THE_LOG = frozenset(COMMON_FIELDS)
TAIL_START = b'"event":'

SummaryView = Callable[[Mapping[str, Any]], Mapping[str, Any] | None]


class RecordedEvents:
    """One game's events, kept in order as the game logs them: each one's time and encoded tail, and
    what `summary` (what the summary needs of an event, or None) makes of each."""

    def __init__(self, clock: Clock | None = None, summary: SummaryView | None = None) -> None:
        self._clock = clock or SystemClock()
        self._summary = summary
        self.times: list[str] = []
        self.tails: list[bytes] = []
        self.summary: list[Mapping[str, Any]] = []
        self.last_event: object = None
        self.events: EventLog = event_log([self._keep])

    def _keep(self, _logger: object, _method: str, event_dict: MutableMapping[str, Any]) -> str:
        ts = event_dict.get("ts")
        self.times.append(ts if isinstance(ts, str) else self._clock.timestamp())
        tail = {"event": None, **event_dict}  # `event` first; the other fields in their order
        if not SET_BY_THE_LOG.isdisjoint(event_dict):
            for name in SET_BY_THE_LOG:
                tail.pop(name, None)
        try:
            line = orjson.dumps(tail, default=plain, option=orjson.OPT_APPEND_NEWLINE)
        except orjson.JSONEncodeError:
            line = encode_with_json(tail)  # as the run log writes what orjson refuses
        self.tails.append(line[1:])
        self.last_event = tail["event"]
        if self._summary is not None:
            shown = self._summary(tail)
            if shown is not None:
                self.summary.append(shown)
        return ""


def encode_result(result: GameResult, recorded: RecordedEvents) -> bytes:
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
        "winner": result.winner,
    }
    header = orjson.dumps(
        {"result": shown, "ts": recorded.times, "summary": recorded.summary},
        default=plain,
        option=orjson.OPT_APPEND_NEWLINE,
    )
    return header + b"".join(recorded.tails)


class Handed:
    """A handed-in game as the controller reads it: its result, its events' times and tails, and the
    decoded events the summary counts."""

    __slots__ = ("result", "lines", "summary")

    def __init__(
        self, result: GameResult, lines: list[tuple[str, bytes]], summary: list[dict[str, Any]]
    ) -> None:
        self.result = result
        self.lines = lines
        self.summary = summary


def decode_result(payload: bytes) -> Handed:
    """A handed-in game back: ValueError (with what is wrong) when the message is not one. Each event's
    tail is checked for its shape (an object's members from `event` on, one line), not parsed."""
    head, newline, body = payload.partition(b"\n")
    try:
        if not newline:
            raise ValueError("no header line")
        message = orjson.loads(head)
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
            winner=str(shown.get("winner") or ""),
        )
        times, summary = message["ts"], message["summary"]
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not a game's result ({type(exc).__name__}: {exc})") from None
    if not isinstance(times, list) or not all(isinstance(ts, str) for ts in times):
        raise ValueError("not a game's result (its events' times are not a list of strings)")
    if not isinstance(summary, list) or not all(isinstance(record, dict) for record in summary):
        raise ValueError("not a game's result (its summary events are not a list of objects)")
    tails = body.split(b"\n")
    if tails.pop() != b"" or len(tails) != len(times):
        raise ValueError(f"not a game's result ({len(times)} event times, {len(tails)} event lines)")
    for tail in tails:
        if not tail.startswith(TAIL_START) or not tail.endswith(b"}"):
            raise ValueError(f"not a game's result (an event line starts {tail[:20]!r})")
    return Handed(result, list(zip(times, tails, strict=True)), summary)
