"""What a rerun compares: each game's transcript (the steps its events declare a rerun must reproduce:
its setup, the messages, its officials' decisions, the outcome) read from events, and the first place
where two transcripts differ.

A difference in an official's decision on the same exchange is today's rules judging differently; any
other difference is a divergence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from agents.doubles import excerpts
from games.cli.registry import FollowedCatalog
from games.kit.common_events import INTERRUPTED
from games.kit.events import EventCatalog

ENVELOPE = frozenset({"v", "ts", "seq", "run_id", "event", "agent", "game_id"})
DIVERGED_PREFIX = "replay diverged at "
STEP_CHARS = 400  # a step said in one line of a report; a message in a log can be megabytes long


# -- what a game's transcript is made of ---------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One step of a game that a rerun must reproduce (what its event declares as `compared`): a
    message, an official's decision, the outcome..."""

    event: str
    fields: tuple[tuple[str, Any], ...]
    by_official: bool
    text: str = field(compare=False)  # the step in one line, for reports

    def describe(self) -> str:
        return self.text

    def value(self, name: str) -> Any:
        return dict(self.fields).get(name)


def item_of(record: Mapping[str, Any], catalog: EventCatalog) -> Item | None:
    """The comparable part of an event, or None for events a rerun need not reproduce."""
    declared = catalog.get(record.get("event"))
    if declared is None or declared.compared is None:
        return None
    if declared.compared == "all":
        fields = tuple(
            (name, _frozen(value)) for name, value in sorted(record.items()) if name not in ENVELOPE
        )
    else:
        fields = tuple((name, _frozen(record.get(name))) for name in declared.compared)
    actor = record.get(declared.actor) if declared.actor else None
    by_official = declared.official or (actor is not None and str(actor) in catalog.officials)
    text = declared.describe(record) if declared.describe else _described(declared.name, fields)
    return Item(declared.name, fields, by_official, _one_line(text))


def _one_line(text: str) -> str:
    """The step's text, its end cut when longer than STEP_CHARS (saying how long it was)."""
    if len(text) <= STEP_CHARS:
        return text
    return f"{text[:STEP_CHARS]}... ({len(text):,} characters)"


def _described(event: str, fields: tuple[tuple[str, Any], ...]) -> str:
    shown = ", ".join(f"{name}={value!r}" for name, value in fields)
    return f"{event} ({shown})"


def _frozen(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, Mapping):
        return tuple(sorted((key, _frozen(item)) for key, item in value.items()))
    return value


@dataclass
class Transcripts:
    """Each game's items in order, gathered from events (a RunLog listener, or a log read back).

    A game stopped mid-play (`game_interrupted`, or an older log's `game_ended` with reason
    `interrupted`) is not ended: its transcript stops where the log does."""

    games: dict[str, list[Item]] = field(default_factory=lambda: defaultdict(list))
    order: list[str] = field(default_factory=list)
    ended: set[str] = field(default_factory=set)
    interrupted: set[str] = field(default_factory=set)
    diverged: dict[str, str] = field(default_factory=dict)  # game -> the first ReplayDiverged message
    failed: dict[str, str] = field(default_factory=dict)  # game -> reason, for games that ended in error
    run_ended: bool = False
    catalog: Callable[[Mapping[str, Any]], EventCatalog] = field(default_factory=FollowedCatalog)

    def __call__(self, record: Mapping[str, Any]) -> None:
        event = record.get("event")
        game_id = record.get("game_id")
        catalog = self.catalog(record)
        if event == "run_ended":
            self.run_ended = True
        if game_id is None:
            return
        game_id = str(game_id)
        if event == "game_started":
            self.order.append(game_id)
        elif event == "game_interrupted":
            self.interrupted.add(game_id)
            return
        elif event == "game_ended" and record.get("reason") == INTERRUPTED:
            self.interrupted.add(game_id)
            return
        elif event == "llm_failed" and record.get("reason") == "ReplayDiverged":
            self.diverged.setdefault(game_id, str(record.get("error")))
        item = item_of(record, catalog)
        if item is not None:
            self.games[game_id].append(item)
            if event == "game_ended":
                self.ended.add(game_id)
                if record.get("outcome") == "error":
                    self.failed[game_id] = str(record.get("reason"))

    def messages(self) -> int:
        return sum(1 for items in self.games.values() for item in items if item.event == "message_sent")

    def unfinished(self) -> list[str]:
        """The games started that never ended, in the order they started."""
        return [game_id for game_id in dict.fromkeys(self.order) if game_id not in self.ended]


# -- comparing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """Where a game's rerun first differs from its record (index into the items)."""

    game_id: str
    index: int
    recorded: Item | None
    now: Item | None

    @property
    def rejudged(self) -> bool:
        """Today's referee decided differently on the same exchange: a rules change, not a divergence."""
        return (
            self.recorded is not None
            and self.now is not None
            and self.recorded.by_official
            and self.now.by_official
        )


def first_difference(recorded: list[Item], now: list[Item], game_id: str) -> Difference | None:
    for index in range(max(len(recorded), len(now))):
        old = recorded[index] if index < len(recorded) else None
        new = now[index] if index < len(now) else None
        if old != new:
            return Difference(game_id, index, old, new)
    return None


def divergence_line(difference: Difference, rerun: Transcripts) -> str:
    """The one line that says where and how a game diverged."""
    old, new = difference.recorded, difference.now
    replayed = rerun.diverged.get(difference.game_id)
    player_missing = old is not None and old.event == "message_sent" and not old.by_official
    same_sender = (
        new is not None and new.event == "message_sent" and new.value("sender") == old.value("sender")
    )
    if replayed is not None and player_missing and not same_sender:
        # The player's model call failed: the replay model says exactly which request differed.
        detail = replayed.removeprefix(DIVERGED_PREFIX)
        return f"rerun diverged at {detail}"
    where = f"game {difference.game_id!r}, step {difference.index + 1}"
    if old is None:
        return f"rerun diverged in {where}: the log has nothing more, the rerun has {new.describe()}"
    if new is None:
        return f"rerun diverged in {where}: the log has {old.describe()}, the rerun nothing more"
    if old.event == new.event == "message_sent" and old.fields[:3] == new.fields[:3]:
        sender, recipient, kind, text = (value for _, value in old.fields)
        shown_old, shown_new = excerpts(text, new.value("text"))
        return (
            f"rerun diverged in {where}: {sender} → {recipient} [{kind}] text differs; "
            f"recorded {shown_old}, now {shown_new}"
        )
    return f"rerun diverged in {where}: recorded {old.describe()}, now {new.describe()}"


def change_line(difference: Difference, recorded: Transcripts, rerun: Transcripts) -> str:
    """What today's rules changed in one game: the first verdict that differs, and the outcome."""
    game_id = difference.game_id
    old_end = _outcome(recorded.games[game_id])
    new_end = _outcome(rerun.games[game_id])
    assert difference.recorded is not None and difference.now is not None
    first = f"recorded {difference.recorded.describe()}, now {difference.now.describe()}"
    if game_id in rerun.diverged:
        result = f"{old_end} → not re-scorable: the log has no replies past that point"
    else:
        result = f"{old_end} → {new_end}"
    return f"{game_id}: re-judged: {first}; {result}"


def _outcome(items: list[Item]) -> str:
    ended = [item for item in items if item.event == "game_ended"]
    return ended[-1].describe() if ended else "no outcome"


def outcome_of(items: list[Item]) -> str | None:
    """The outcome a game's transcript ends with (`success`, `lose_violation`...), or None."""
    ended = [item for item in items if item.event == "game_ended"]
    return str(ended[-1].value("outcome")) if ended else None
