"""How a game declares its events, so that every tool shows them with no knowledge of the game.

An `EventType` says, for one event name: its fields and their types (the log tools refuse a record
whose field has the wrong type, naming file, line, event and field), who may see it, how it is shown
(games.kit.shown), what a rerun must reproduce of it and whether it is an official's decision, and what
the summary counts of it. The kit declares the events every game shares (games.kit.common_events); a
game declares its own in `games/<name>/events.py` and lists them on its definition, with its officials
(the agents that judge: a referee, a moderator). `EventCatalog` is the two together: what the
transcript, the HTML page, the events table, rerun's comparison, the summary and the log checks read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from games.kit.shown import Shown
from runtime.logread import check_fields

Record = Mapping[str, Any]
Kinds = type | tuple[type, ...]  # as runtime.logread.typed takes them: a field's allowed types
NULL = type(None)
TEXT = (str, NULL)


@dataclass(frozen=True, slots=True)
class Audience:
    """Who is looking: `viewer` an agent's name (a person playing that seat), None for everyone."""

    viewer: str | None = None
    officials: frozenset[str] = frozenset()

    def sees(self, agents: Collection[object]) -> bool:
        """May the viewer see what only `agents` may see?"""
        return self.viewer is None or self.viewer in agents


Presenter = Callable[[Record, Audience], Shown | None]
Tally = Callable[[Record], Iterable[tuple[str, str]]]  # (counter, key) pairs the summary adds one to
Checker = Callable[[Record, str], None]  # further checks (nested fields): LogFileError naming `where`
Figures = Callable[[Sequence[Record]], Mapping[str, Any] | None]  # a run's own figures from its records
# What the report keeps of a record about its game, given the run's configuration (run_started's
# `config`): named facts (games/kit/facts.py names the ones the report reads).
Facts = Callable[[Record, Mapping[str, Any]], Mapping[str, Any]]


@dataclass(frozen=True)
class EventType:
    """One event: its name, typed fields, visibility, presentation, comparison and tallies.

    - `fields`: the fields the tools read, with their types (null is refused unless listed); others
      are shown as text, whatever their type.
    - `audience`: the agents who may see a record (None: everyone); a record's own `seen_by` list
      narrows it further, whatever the event.
    - `present`: the record as a shape for the transcript and the page; None: not drawn.
    - `compared`: the fields a rerun must reproduce ("all": every field of the event's own), None when a
      rerun need not reproduce the event. `official` marks an official's decision: a different one on
      the same exchange is a re-judgement under today's rules, not a divergence; `actor` names the field
      holding who acted, which makes the record official when that agent is one of the game's officials.
    - `describe`: a record in one line, for rerun's reports (default: the name and compared fields).
    - `tally`: what the summary counts of a record.
    - `figures`: what the summary makes of all the run's records of this event, as named figures (a
      rule set's own benchmark scores, from `game_ended`), or None when it has nothing to say.
    - `facts`: what the report keeps of a record about its game: the card, its band and category, the
      sides and which side won (games/kit/facts.py).
    """

    name: str
    fields: Mapping[str, Kinds] = field(default_factory=dict)
    audience: Callable[[Record], Collection[str] | None] | None = None
    present: Presenter | None = None
    compared: tuple[str, ...] | Literal["all"] | None = None
    official: bool = False
    actor: str | None = None
    describe: Callable[[Record], str] | None = None
    tally: Tally | None = None
    check: Checker | None = None
    figures: Figures | None = None
    facts: Facts | None = None

    def __post_init__(self) -> None:
        # The exact JSON types each field may have, to check a record with one set lookup per field;
        # a value of another type is looked at again by check_fields, which names what is wrong.
        exact = tuple((name, _json_types(kinds)) for name, kinds in self.fields.items())
        object.__setattr__(self, "_exact", exact)

    def extended(self, **changes: Any) -> EventType:
        """This event with more fields (`fields` adds to the declared ones) and other changes: how a
        game adds its own setup to `game_started`."""
        if "fields" in changes:
            changes["fields"] = {**self.fields, **changes["fields"]}
        return dataclasses.replace(self, **changes)

    def checked(self, record: Record, where: str) -> None:
        """LogFileError (file, line, event, field) for a declared field with the wrong type."""
        for name, types in self._exact:  # type: ignore[attr-defined]
            if name in record and type(record[name]) not in types:
                check_fields(record, self.fields, where)
                break
        if self.check is not None:
            self.check(record, where)

    def visible(self, record: Record, audience: Audience) -> bool:
        if audience.viewer is None:
            return True
        seen_by = record.get("seen_by")
        if isinstance(seen_by, list) and not audience.sees(seen_by):
            return False
        allowed = self.audience(record) if self.audience is not None else None
        return allowed is None or audience.sees(allowed)

    def shown(self, record: Record, audience: Audience) -> Shown | None:
        present = self.present
        if present is None or (audience.viewer is not None and not self.visible(record, audience)):
            return None
        return present(record, audience)


def _json_types(kinds: Kinds) -> frozenset[type]:
    """The types a JSON value read back may have to be one of `kinds` (a float also takes a whole
    number, and neither takes true or false)."""
    allowed = set(kinds if isinstance(kinds, tuple) else (kinds,))
    if float in allowed:
        allowed.add(int)
    return frozenset(allowed)


@dataclass(frozen=True)
class EventCatalog:
    """The events of one game (the shared ones and its own) and its officials."""

    events: Mapping[str, EventType]
    officials: frozenset[str] = frozenset()

    def get(self, name: object) -> EventType | None:
        return self.events.get(name)  # type: ignore[call-overload]

    def with_game(self, declared: Iterable[EventType], officials: Iterable[str]) -> EventCatalog:
        """These events with a game's own: a game's declaration of a shared event replaces it."""
        return EventCatalog(
            {**self.events, **{event.name: event for event in declared}}, frozenset(officials)
        )

    def audience(self, viewer: str | None) -> Audience:
        return Audience(viewer, self.officials)

    def game_events(self, shared: EventCatalog) -> list[str]:
        """The events this catalog declares that `shared` does not."""
        return [name for name in self.events if name not in shared.events]


def catalog(events: Iterable[EventType]) -> EventCatalog:
    return EventCatalog({event.name: event for event in events})
