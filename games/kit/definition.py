"""The one small hook a game implements to get the common command line, batches, summaries, personas,
replay and rerun: a `GameDefinition` (docs/adding-a-game.md walks through one).

The common code owns everything around a game: flags, models and personas per role, people at the
terminal, the run log, many games at once, resume. The game owns its rules, its data, its agents, its
settings (a typed `GameConfig`, games/kit/config.py) and what an outcome means.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from agents import AgentModel, ChatReply, ChatRequest
from games.kit.config import GameConfig
from games.kit.events import EventType
from games.kit.outcome import GameResult
from runtime.events import EventLog

Policy = Callable[[ChatRequest], str | ChatReply | Awaitable[str | ChatReply]]


@dataclass(frozen=True)
class GameSpec:
    """One game of a batch: its id, its own seed, what it is about, and whether roles are swapped."""

    game_id: str
    index: int
    seed: int
    subject: str
    swapped: bool = False

    def planned(self, cast: Mapping[str, str]) -> dict[str, Any]:
        """This game as an entry of run_started's `plan`, with its cast (agent -> "model/persona")."""
        return {
            "game_id": self.game_id,
            "index": self.index,
            "seed": self.seed,
            "subject": self.subject,
            "swapped": self.swapped,
            "cast": dict(cast),
        }

    @classmethod
    def from_plan(cls, entry: Mapping[str, Any]) -> GameSpec:
        """A `plan` entry read back from a log; KeyError or TypeError when it is not one."""
        fields = (entry["game_id"], entry["index"], entry["seed"], entry["subject"])
        kinds = (str, int, int, str)
        if not all(type(value) is kind for value, kind in zip(fields, kinds, strict=True)):
            raise TypeError(f"not a planned game: {entry!r:.120}")
        swapped = entry.get("swapped", False)
        if not isinstance(swapped, bool):
            raise TypeError(f"'swapped' is not true or false: {swapped!r:.40}")
        return cls(*fields, swapped=swapped)


@dataclass(frozen=True)
class Role:
    """A part in the game that a model, an offline player, a persona or a person can take.

    `knobs` is the dataclass of the offline player's settings for this role (a persona's `[offline]`
    table may set its fields); `placeholders` are the names a persona's prompt may use (name ->
    description; a plain set of names works too), `example_values` fill them for `personas show`;
    `required` placeholders must appear in a persona's prompt for this role, `withheld` ones must not
    (name -> why: the guesser never sees the card).
    """

    name: str
    default_prompt: str
    placeholders: Mapping[str, str] | frozenset[str]
    knobs: type
    human_prompt: str = "> "
    reply_prefix: str = ""
    # A person's typed line as the reply the referee reads, for a role whose replies take more than one
    # form (a question or a guess); None: `reply_prefix` is put before it. A person types no tag.
    reply_shape: Callable[[str], str] | None = None
    # What a person taking the role is told once, before the first prompt (the rules in plain words and
    # what the role may see), made from the first request's observation (`ChatRequest.context`).
    human_intro: Callable[[Mapping[str, Any]], str] | None = None
    example_values: Mapping[str, str] = field(default_factory=dict)
    required: Mapping[str, str] = field(default_factory=dict)
    withheld: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Side:
    """Seats of a role that the game puts on a side of their own, game by game (Chameleon's chameleon,
    whom the seed picks among the players): a cast may give the side its own model, persona and model
    settings (`--NAME-model`, `--NAME`, `--NAME-temperature`...); whatever it does not give, the side's
    seats take from `role`. Personas play it as `role` (its prompt, placeholders and knobs)."""

    name: str
    role: str
    help: str  # who plays on the side, for --help and the docs: "the seat the seed makes the chameleon"


@dataclass(frozen=True)
class Seat:
    """One agent of a game and the role it plays (N players may share the role "player"); in one game
    of a game with sides, the side the game put it on (None: none)."""

    agent: str
    role: str
    side: str | None = None

    @property
    def part(self) -> str:
        """What a cast gives choices to for this seat: its side, or else its role."""
        return self.side or self.role


@dataclass(frozen=True)
class Player:
    """Who sits in a seat: the model handle (with the agent's name and settings) and the rendered-later
    system prompt template from its persona."""

    model: AgentModel
    system_template: str
    label: str = ""  # "model/persona", for summaries by pairing

    def in_game(self, events: EventLog, game_id: str) -> Player:
        """This player in game `game_id`: its model calls carry the id and are logged to `events`."""
        return dataclasses.replace(self, model=self.model.in_game(events, game_id))


class Prepared(Protocol):
    """A game ready to be played many times: its data loaded and its flags checked."""

    subjects: Sequence[str]  # what the games are about; a batch deals distinct ones
    fixed_subject: str | None  # every game plays this subject (Taboo's --card), or None
    # Optional `ordered: bool`: the subjects are played in their own order, and a batch plays them all
    # unless --games says how many (a benchmark's list of instances); absent means False.
    # The game's settings as run_started's `config` records them (its GameConfig's `to_json()`, with
    # what preparing resolved: Taboo's deck path and name); config_from_json reads them back.
    config: Mapping[str, Any]

    def seats(self) -> Sequence[Seat]: ...

    # Optional, for a game with sides: `sides_of(spec) -> Mapping[str, str]`, agent -> side, the seats
    # that `spec`'s game puts on a side (the game's seed decides; the same spec, the same sides).

    def offline_policy(self, seat: Seat, seed: int, knobs: Any) -> Policy: ...

    async def play(self, spec: GameSpec, players: Mapping[str, Player], events: EventLog) -> GameResult:
        """Play one game to its end; its events (game_started ... game_ended) go to `events`."""
        ...


def sides_of(game: GameDefinition) -> tuple[Side, ...]:
    """The sides the game declares (none for most games)."""
    return tuple(getattr(game, "sides", ()))


def seats_of(prepared: Prepared, spec: GameSpec) -> tuple[Seat, ...]:
    """The seats of `spec`'s game, each with the side the game puts it on in that game, if any."""
    placing = getattr(prepared, "sides_of", None)
    placed: Mapping[str, str] = placing(spec) if placing is not None else {}
    return tuple(dataclasses.replace(seat, side=placed.get(seat.agent)) for seat in prepared.seats())


class GameDefinition(Protocol):
    """What a game tells the common code about itself."""

    name: str  # the command: python main.py <name>
    help: str
    roles: Sequence[Role]
    events: Sequence[EventType]  # the game's own events (games.kit.events), beside the shared ones
    officials: Sequence[str]  # the agents that judge (a referee, a moderator): not players
    listed: int  # where `--help` lists the game among the others (lowest first)
    config_type: type[GameConfig]  # the game's settings: one field per flag of add_arguments
    # Optional `rule_sets: Sequence[str]`: the game's rule sets, its default first, when it has more
    # than one; its settings' field `rules` names the one a run plays (`rerun --rules NAME` picks another).
    # Optional `sides: Sequence[Side]`: the sides a cast may give their own model and persona (its
    # Prepared then has `sides_of`); absent means none.

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """The game's own flags (the common ones are added for it), each named as a field of
        `config_type`."""
        ...

    def prepare(self, config: Any) -> Prepared:
        """Load and check the game's data for its settings (a `config_type`, from the flags or a log);
        raise games.kit.exits.UsageError if wrong."""
        ...
