"""The hook the common command line, batches, personas, replay and rerun use: `GAME`, Chameleon's
`games.kit.definition.GameDefinition`. The moderator is not a seat: the seats are p1..pN, all
playing the role "player"; the game's seed decides who is the chameleon and who clues first. The
chameleon's seat is also a side: a cast may give it a model and persona of its own (`--chameleon-model`,
`--chameleon`), so that models play against each other; without them it plays as every other seat."""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents import OfflineModel
from games.chameleon.categories import DEFAULT_CATEGORIES_PATH, Categories, Category, load_categories
from games.chameleon.config import DEFAULT_PLAYERS, ChameleonConfig
from games.chameleon.errors import CategoriesError
from games.chameleon.events import CHAMELEON_EVENTS, OFFICIALS
from games.chameleon.game import play_chameleon
from games.chameleon.offline import PlayerKnobs, offline_policy
from games.chameleon.person import player_intro
from games.chameleon.prompts import DEFAULT_PROMPT, PLACEHOLDERS, prompt_values
from games.chameleon.state import (
    CHAMELEON,
    GAME_NAME,
    MAX_PLAYERS,
    MIN_PLAYERS,
    PLAYER,
    ChameleonSetup,
    PlayerState,
    draw_seats,
    seat_names,
)
from games.kit.arguments import add_reprompts_flag
from games.kit.definition import GameSpec, Player, Policy, Role, Seat, Side
from games.kit.exits import UsageError
from games.kit.outcome import GameResult
from runtime.events import EventLog

__all__ = ["GAME", "Chameleon", "ChameleonPlan"]

SAMPLE = PlayerState(name="p1", players=seat_names(DEFAULT_PLAYERS), category="fruit", secret="banana")


@dataclass(frozen=True)
class ChameleonPlan:
    """The categories loaded and the flags checked: ready to play many games."""

    categories: Categories
    subjects: tuple[str, ...]  # the secret words a batch deals
    settings: ChameleonConfig = ChameleonConfig()
    fixed_subject: str | None = None  # no flag fixes the word: --category narrows the subjects instead

    @property
    def config(self) -> Mapping[str, Any]:
        return self.settings.to_json()

    def seats(self) -> Sequence[Seat]:
        return tuple(Seat(seat, PLAYER) for seat in seat_names(self.settings.players))

    def sides_of(self, spec: GameSpec) -> Mapping[str, str]:
        """The seat that `spec`'s seed makes the chameleon, on the chameleon's side."""
        chameleon, _ = draw_seats(seat_names(self.settings.players), spec.seed)
        return {chameleon: CHAMELEON}

    def offline_policy(self, seat: Seat, seed: int, knobs: Any) -> Policy:
        """The built-in player for `seat`; `knobs` is a PlayerKnobs (or a mapping of its fields)."""
        return offline_policy(
            self.categories, seat.agent, seed, knobs if knobs is not None else PlayerKnobs()
        )

    async def play(self, spec: GameSpec, players: Mapping[str, Player], events: EventLog) -> GameResult:
        category = self.categories.of(spec.subject)
        setup = ChameleonSetup.deal(
            category,
            spec.subject,
            seat_names(self.settings.players),
            spec.seed,
            game_id=spec.game_id,
            max_reprompts=self.settings.reprompts,
        )
        return await play_chameleon(setup, players, events=events)

    def offline_model(self, seat: Seat, seed: int, knobs: Any = None) -> OfflineModel:
        """The offline player as a model (tests and tools; the common code builds its own)."""
        return OfflineModel(self.offline_policy(seat, seed, knobs))


class Chameleon:
    """Chameleon as the common code sees it."""

    name = GAME_NAME
    help = (
        "play Chameleon: every player but one, the chameleon, knows the secret word; one-word clues, "
        "then a private vote"
    )
    events = CHAMELEON_EVENTS
    officials = OFFICIALS
    listed = 2  # where `--help` lists it
    config_type = ChameleonConfig
    roles = (
        Role(
            name=PLAYER,
            default_prompt=DEFAULT_PROMPT,
            placeholders=PLACEHOLDERS,
            knobs=PlayerKnobs,
            human_prompt="Your clue, vote or guess> ",
            reply_prefix="",
            human_intro=player_intro,
            example_values=prompt_values(SAMPLE),
        ),
    )

    sides = (Side(CHAMELEON, PLAYER, "the seat the game's seed makes the chameleon"),)

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """--players, --category, --categories, --reprompts (the common code puts them in a group)."""
        parser.add_argument(
            "--players",
            type=int,
            default=ChameleonConfig.players,
            metavar="N",
            help=f"players, chameleon included: {MIN_PLAYERS} to {MAX_PLAYERS} (default {DEFAULT_PLAYERS})",
        )
        parser.add_argument("--category", metavar="NAME", help="deal only words of the category NAME")
        parser.add_argument(
            "--categories", metavar="PATH", help="another categories file (see docs/chameleon.md)"
        )
        add_reprompts_flag(parser)

    def prepare(self, config: ChameleonConfig) -> ChameleonPlan:
        try:
            categories = load_categories(
                Path(config.categories) if config.categories else DEFAULT_CATEGORIES_PATH
            )
        except CategoriesError as exc:
            raise UsageError(str(exc)) from None
        chosen = _find_category(categories, config.category) if config.category else None
        subjects = chosen.words if chosen is not None else categories.words
        return ChameleonPlan(categories, tuple(subjects), config)


def _find_category(categories: Categories, name: str) -> Category:
    found = categories.named(name)
    if found is not None:
        return found
    names = [category.name for category in categories]
    close = difflib.get_close_matches(name.lower(), names, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else f"; the categories: {', '.join(names)}"
    raise UsageError(f"no category named {name!r}{hint}")


GAME = Chameleon()
