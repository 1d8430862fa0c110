"""Taboo's GameDefinition: its flags, roles, deck, offline players and one game's play."""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from games.kit.arguments import add_reprompts_flag, positive_int
from games.kit.definition import GameSpec, Player, Policy, Role, Seat
from games.kit.exits import UsageError
from games.kit.outcome import GameResult
from games.taboo.config import TabooConfig
from games.taboo.deck import DEFAULT_DECK_PATH, Card, Deck, DeckError, load_deck
from games.taboo.events import OFFICIALS, TABOO_EVENTS
from games.taboo.game import GAME as NAME
from games.taboo.game import play_taboo
from games.taboo.guesses import answer_words
from games.taboo.offline import GuesserStyle, HinterStyle, offline_policy
from games.taboo.prompts import DEFAULT_PROMPTS, prompt_values
from games.taboo.state import GUESSER, HINTER, TabooSetup
from runtime.events import EventLog

SAMPLE_CARD = Card(target="snow", taboo=("white", "cold", "winter", "flake", "ice"))
SAMPLE_TURNS = 5
COMMON_PLACEHOLDERS = {
    "role": "the role's name: hinter or guesser",
    "rules": "the role's rules, in a few sentences",
    "format": "the reply format the referee expects: 'CLUE: <your clue>' or 'GUESS: <...>'",
    "turns": "how many turns the game has before it is lost",
    "turn": "the current turn, from 1 (the prompt is filled in again every turn)",
}
CARD_PLACEHOLDERS = {
    "target": "the word to get the guesser to say",
    "taboo": "the words the hinter must not say, comma-separated",
}
NOT_FOR_GUESSER = "the guesser never sees the card"


class Taboo:
    """The Hinter/Guesser word game with a strict referee."""

    name = NAME
    help = "play Taboo: a hinter clues a word without saying it, a guesser guesses"
    events = TABOO_EVENTS
    officials = OFFICIALS
    listed = 0  # where `--help` lists it
    config_type = TabooConfig
    roles = (
        Role(
            name=HINTER,
            default_prompt=DEFAULT_PROMPTS[HINTER],
            placeholders={**COMMON_PLACEHOLDERS, **CARD_PLACEHOLDERS},
            knobs=HinterStyle,
            human_prompt="Your clue> ",
            reply_prefix="CLUE: ",
            example_values=prompt_values(HINTER, SAMPLE_TURNS, SAMPLE_CARD),
            required={"target": "the hinter has to be told the word to describe"},
        ),
        Role(
            name=GUESSER,
            default_prompt=DEFAULT_PROMPTS[GUESSER],
            placeholders=COMMON_PLACEHOLDERS,
            knobs=GuesserStyle,
            human_prompt="Your guess> ",
            reply_prefix="GUESS: ",
            example_values=prompt_values(GUESSER, SAMPLE_TURNS, None),
            withheld={name: NOT_FOR_GUESSER for name in CARD_PLACEHOLDERS},
        ),
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser = parser.add_argument_group("game")
        parser.add_argument("--card", metavar="WORD", help="play the card whose target is WORD")
        parser.add_argument("--deck", metavar="PATH", help="another deck file (see docs/taboo-rules.md)")
        parser.add_argument(
            "--turns",
            type=positive_int,
            default=TabooConfig.turns,
            metavar="N",
            help=f"turns before the game is lost (default {TabooConfig.turns})",
        )
        add_reprompts_flag(parser)

    def prepare(self, config: TabooConfig) -> PreparedTaboo:
        deck_path = Path(config.deck) if config.deck else DEFAULT_DECK_PATH
        try:
            deck = load_deck(deck_path)
        except DeckError as exc:
            raise UsageError(str(exc)) from None
        fixed = find_card(deck, config.card).target if config.card else None
        return PreparedTaboo(deck, fixed, replace(config, deck=str(deck_path)))


@dataclass(frozen=True)
class PreparedTaboo:
    """A deck loaded and the flags checked: ready to play any number of games."""

    deck: Deck
    fixed_subject: str | None
    settings: TabooConfig  # with the deck's path, the shipped deck's when no --deck named one

    @property
    def subjects(self) -> list[str]:
        return [card.target for card in self.deck]

    @property
    def config(self) -> Mapping[str, Any]:
        """The settings, and the deck's name after its path (where logs have always had it)."""
        logged = self.settings.to_json()
        return {"card": logged.pop("card"), "deck": logged.pop("deck"), "deck_name": self.deck.name, **logged}

    def seats(self) -> tuple[Seat, ...]:
        return (Seat(HINTER, HINTER), Seat(GUESSER, GUESSER))

    def offline_policy(self, seat: Seat, seed: int, knobs: Any) -> Policy:
        if seat.role == HINTER:
            return offline_policy(HINTER, self.deck, seed, hinter=knobs)
        return offline_policy(GUESSER, self.deck, seed, guesser=knobs)

    async def play(self, spec: GameSpec, players: Mapping[str, Player], events: EventLog) -> GameResult:
        card = next(card for card in self.deck if card.target == spec.subject)
        setup = TabooSetup(
            card=card,
            game_id=spec.game_id,
            turns=self.settings.turns,
            max_reprompts=self.settings.reprompts,
            seed=spec.seed,
        )
        return await play_taboo(setup, players[HINTER], players[GUESSER], events=events)


def find_card(deck: Deck, word: str) -> Card:
    wanted = answer_words(word)
    for card in deck:
        if answer_words(card.target) == wanted:
            return card
    close = difflib.get_close_matches(word.lower(), [card.target.lower() for card in deck], n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UsageError(f"no card with the target {word!r} in the deck{hint}")


GAME = Taboo()
