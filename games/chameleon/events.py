"""Chameleon's own events: its setup (the seats, the category; the secret word and the chameleon seen
by the moderator only) and the moderator's count of the votes, announced to everyone."""

from __future__ import annotations

from games.chameleon.facts import ended_facts, started_facts, votes_facts
from games.chameleon.state import MODERATOR
from games.kit.common_events import SHARED_EVENTS
from games.kit.events import TEXT, Audience, EventType, Record
from games.kit.shown import OK, WARN, Part, Verdict

NUMBER = (int, type(None))


def _votes_counted(record: Record, audience: Audience) -> Verdict:
    votes = record.get("votes") or {}
    cast = ", ".join(f"{voter} → {suspect}" for voter, suspect in votes.items()) or "no votes"
    caught = record.get("caught")
    if caught:
        return Verdict((Part(f"votes: {cast}; {caught} is caught"),), OK)
    return Verdict((Part(f"votes: {cast}; a tie, nobody is caught"),), WARN)


CHAMELEON_EVENTS = (
    SHARED_EVENTS.get("game_started").extended(
        fields={"players": (list, type(None)), "category": TEXT, "first": TEXT, "seed": NUMBER},
        facts=started_facts,
    ),
    SHARED_EVENTS.get("game_ended").extended(facts=ended_facts),
    EventType(
        "votes_counted",
        fields={"votes": dict, "counts": dict, "caught": TEXT, "chameleon": TEXT},
        present=_votes_counted,
        compared="all",
        official=True,
        facts=votes_facts,
    ),
)
OFFICIALS = (MODERATOR,)
