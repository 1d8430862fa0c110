"""Taboo's own events: its setup (the card, seen by the hinter and the referee only) and the referee's
two decisions on each turn (a clue approved, a guess judged)."""

from __future__ import annotations

from collections.abc import Mapping

from games.kit.common_events import SHARED_EVENTS, game_title
from games.kit.events import TEXT, Audience, EventType, Record
from games.kit.shown import BAD, OK, Heading, Part, Verdict
from games.taboo.clembench.figures import clembench_figures
from games.taboo.facts import started_facts
from games.taboo.state import HINTER, REFEREE
from runtime.logread import LogFileError, check_fields

CARD_SEEN_BY = (HINTER, REFEREE)  # the guesser never sees the card


def _started(record: Record, audience: Audience) -> Heading:
    card = record.get("card")
    if not isinstance(card, Mapping) or not audience.sees(CARD_SEEN_BY):
        return Heading(game_title(record))
    taboo = ", ".join(str(word) for word in card.get("taboo") or ())
    rules = f" · {record['rules']} rules" if isinstance(record.get("rules"), str) else ""
    return Heading(game_title(record), f"card {card.get('target')} (taboo: {taboo}){rules}")


def _check_card(record: Record, where: str) -> None:
    card = record.get("card")
    if isinstance(card, Mapping):
        check_fields(card, {"target": TEXT, "taboo": (list, type(None))}, where, within="game_started's card")
        if not all(isinstance(word, str) for word in card.get("taboo") or ()):
            raise LogFileError(f"{where}: game_started's card's field 'taboo' is not a list of strings")


def _clue_approved(record: Record, audience: Audience) -> Verdict:
    return Verdict((Part("✓ clue approved"),), OK)


def _guess_judged(record: Record, audience: Audience) -> Verdict:
    if record.get("correct"):
        return Verdict((Part(f"✓ {record.get('guess')} is right"),), OK)
    return Verdict((Part(f"✗ {record.get('guess')} is wrong"),), BAD)


def _judged(record: Record) -> str:
    judged = "right" if record.get("correct") else "wrong"
    return f"turn {record.get('turn')}: guess {record.get('guess')!r} judged {judged}"


TABOO_EVENTS = (
    SHARED_EVENTS.get("game_started").extended(
        fields={"card": dict, "turns": (int, type(None)), "rules": TEXT, "instance": (dict, type(None))},
        present=_started,
        check=_check_card,
        facts=started_facts,
    ),
    SHARED_EVENTS.get("game_ended").extended(figures=clembench_figures),
    EventType(
        "clue_approved",
        fields={"turn": (int, type(None)), "clue": TEXT},
        present=_clue_approved,
        compared="all",
        official=True,
        describe=lambda record: f"turn {record.get('turn')}: clue {record.get('clue')!r} approved",
    ),
    EventType(
        "guess_judged",
        fields={"turn": (int, type(None)), "guess": TEXT, "correct": bool},
        present=_guess_judged,
        compared="all",
        official=True,
        describe=_judged,
    ),
)
OFFICIALS = (REFEREE,)
