"""What the log tools read of each event, with the types they need: `check_shown` refuses a field of
the wrong type with one line naming the file, the line, the event and the field, before a view (the
transcript, the list of games, the page, the summary figures) or a rerun reads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from games.kit.outcome import Outcome
from runtime.logread import LogFileError, check_fields, typed

# What the views (the transcript, the list of games, the page, the summary figures) read of each event,
# with the types they need; a field not listed is shown as text, whatever its type. Null is a wrong type
# unless listed. The transcript is given only these events (an event it draws must be listed here).
NULL = type(None)
TEXT = (str, NULL)
SHOWN_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "run_started": {"command": TEXT, "config": dict, "plan": list, "carried": list, "versions": (dict, NULL)},
    "game_cast": {"players": dict},
    "game_started": {"game": TEXT, "card": dict, "secret_for": list},
    "turn_started": {"turn": (int, NULL), "turns": (int, NULL), "round": TEXT},
    "message_sent": {"sender": str, "recipient": str, "kind": TEXT, "text": TEXT, "group": TEXT},
    "message_dropped": {"sender": str, "recipient": str, "kind": TEXT, "text": TEXT, "reason": TEXT},
    "agent_failed": {"error": TEXT, "reason": TEXT},
    "clue_approved": {"turn": (int, NULL), "clue": TEXT},
    "guess_judged": {"turn": (int, NULL), "guess": TEXT, "correct": bool},
    "verdict_given": {"ok": bool, "text": TEXT},
    "rule_violation": {"rule": TEXT, "span": (list, NULL), "text": TEXT, "clue": TEXT, "reply": TEXT},
    "reply_malformed": {"offender": TEXT, "problem": TEXT, "reprompts_left": (int, NULL)},
    "llm_call": {
        "model": TEXT,
        "backend": TEXT,
        "usage": (dict, NULL),
        "latency_ms": float,
        "attempts": (int, NULL),
        "messages": (list, NULL),
        "response": TEXT,
    },
    "llm_retry": {"reason": TEXT, "attempt": (int, NULL)},
    "llm_failed": {"error": TEXT, "reason": TEXT, "messages": (list, NULL)},
    "game_ended": {"outcome": str, "turns": int, "score": (float, NULL), "reason": TEXT, "subject": TEXT},
    "run_ended": {"status": TEXT, "duration_ms": (float, NULL), "reason": TEXT},
}
USAGE_FIELDS: dict[str, type | tuple[type, ...]] = {
    "prompt_tokens": int,
    "completion_tokens": int,
    "estimated": (bool, NULL),
}
OUTCOMES = frozenset(str(outcome) for outcome in Outcome)


def check_shown(record: Mapping[str, Any], where: str) -> None:
    """LogFileError (file, line, event, field) for a field the views read that has the wrong type."""
    event = str(record.get("event"))
    check_fields(record, SHOWN_FIELDS.get(event, {}), where)
    if event == "run_started":
        for index, ended in enumerate(record.get("carried") or ()):
            _check_ended(ended, where, f"run_started's carried[{index}]")
    elif event == "game_ended":
        _check_ended(record, where, "game_ended")
    elif event == "game_started" and isinstance(record.get("card"), Mapping):
        check_fields(
            record["card"], {"target": TEXT, "taboo": (list, NULL)}, where, within="game_started's card"
        )
        if not all(isinstance(word, str) for word in record["card"].get("taboo") or ()):
            raise LogFileError(f"{where}: game_started's card's field 'taboo' is not a list of strings")
    elif event == "llm_call" and isinstance(record.get("usage"), Mapping):
        check_fields(record["usage"], USAGE_FIELDS, where, within="llm_call's usage")
    elif event == "rule_violation" and record.get("span") is not None:
        span = record["span"]
        if len(span) != 2 or not all(type(i) is int for i in span):
            raise LogFileError(f"{where}: rule_violation's field 'span' is not two whole numbers")


def _check_ended(ended: object, where: str, within: str) -> None:
    if not isinstance(ended, Mapping):
        raise LogFileError(f"{where}: {within} is not an object")
    check_fields(ended, SHOWN_FIELDS["game_ended"], where, within=within)
    outcome = typed(ended, "outcome", str, where, within=within, required=True)
    if outcome not in OUTCOMES:
        known = ", ".join(sorted(OUTCOMES))
        raise LogFileError(
            f"{where}: {within}'s field 'outcome' is {outcome[:40]!r}, expected one of {known}"
        )
