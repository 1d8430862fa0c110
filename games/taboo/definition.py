"""Taboo's GameDefinition: its flags, roles, deck, offline players and one game's play."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from games.kit.arguments import add_reprompts_flag, positive_int
from games.kit.definition import GameSpec, Player, Policy, Role, Seat
from games.kit.exits import UsageError
from games.kit.importing import ImporterAt
from games.kit.outcome import GameResult
from games.taboo.config import TabooConfig
from games.taboo.deck import DEFAULT_DECK_PATH, Card, Deck, DeckError, load_deck
from games.taboo.errors import InstancesError
from games.taboo.events import OFFICIALS, TABOO_EVENTS
from games.taboo.game import GAME as NAME
from games.taboo.game import play_taboo
from games.taboo.guesses import answer_words
from games.taboo.offline import GuesserStyle, HinterStyle, offline_policy
from games.taboo.person import guesser_intro, hinter_intro
from games.taboo.prompts import DEFAULT_PROMPTS, prompt_values
from games.taboo.rulesets import DEFAULT_RULES, RULE_SET_NAMES
from games.taboo.state import GUESSER, HINTER, TabooSetup
from runtime.events import EventLog

if TYPE_CHECKING:
    from games.taboo.clembench.instances import InstanceFile

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
    importers = (  # python main.py import clembench DIR
        ImporterAt(
            "clembench",
            "clembench's Taboo records (interactions.json and requests.json of each episode)",
            "games.taboo.clembench.importer:CLEMBENCH_IMPORTER",
        ),
    )
    rule_sets = RULE_SET_NAMES
    roles = (
        Role(
            name=HINTER,
            default_prompt=DEFAULT_PROMPTS[HINTER],
            placeholders={**COMMON_PLACEHOLDERS, **CARD_PLACEHOLDERS},
            knobs=HinterStyle,
            human_prompt="Your clue> ",
            reply_prefix="CLUE: ",
            human_intro=hinter_intro,
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
            human_intro=guesser_intro,
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
            help=f"turns before the game is lost (default {TabooConfig.turns}; with --instances, each "
            "experiment's max_turns)",
        )
        add_reprompts_flag(parser)
        parser.add_argument(
            "--rules",
            choices=RULE_SET_NAMES,
            default=DEFAULT_RULES,
            help=f"the rule set: {DEFAULT_RULES} (ours, the default) or clembench (clembench's exactly, with "
            "its scores; needs --instances)",
        )
        parser.add_argument(
            "--instances",
            metavar="PATH",
            help="play a clembench Taboo instances file instead of the deck: every instance in order, "
            "each experiment's max_turns (see docs/taboo-rules.md)",
        )

    def prepare(self, config: TabooConfig) -> PreparedTaboo:
        if config.rules not in RULE_SET_NAMES:
            choices = " or ".join(sorted(RULE_SET_NAMES))
            raise UsageError(f"unknown rule set {config.rules!r}: choose {choices}")
        if config.instances is not None:
            return _prepare_instances(config)
        if config.rules != DEFAULT_RULES:
            needs = "plays a clembench instances file: give --instances PATH"
            raise UsageError(f"--rules {config.rules} {needs}")
        deck_path = Path(config.deck) if config.deck else DEFAULT_DECK_PATH
        try:
            deck = load_deck(deck_path)
        except DeckError as exc:
            raise UsageError(str(exc)) from None
        fixed = find_card(deck, config.card).target if config.card else None
        return PreparedTaboo(deck, fixed, replace(config, deck=str(deck_path)))


def _prepare_instances(config: TabooConfig) -> PreparedTaboo:
    if config.deck is not None:
        raise UsageError("--deck and --instances each choose the cards: give one of them")
    try:
        from games.taboo.clembench.instances import load_instances  # only for --instances

        instances = load_instances(config.instances or "")
    except InstancesError as exc:
        raise UsageError(str(exc)) from None
    deck = instances.deck()
    fixed = None
    if config.card:
        target = find_card(deck, config.card).target
        fixed = next(instance.subject for instance in instances if instance.target == target)
    return PreparedTaboo(deck, fixed, config, instances)


@dataclass(frozen=True)
class PreparedTaboo:
    """A deck loaded and the flags checked: ready to play any number of games."""

    deck: Deck
    fixed_subject: str | None
    settings: TabooConfig  # with the deck's path, the shipped deck's when no --deck named one
    instances: InstanceFile | None = None  # --instances: the games are its instances, in order

    @property
    def subjects(self) -> list[str]:
        if self.instances is not None:
            return [instance.subject for instance in self.instances]
        return [card.target for card in self.deck]

    @property
    def ordered(self) -> bool:
        """An instances file's games are played in its order, all of them unless --games says less."""
        return self.instances is not None

    @property
    def config(self) -> Mapping[str, Any]:
        """The settings, and the deck's name after its path (where logs have always had it)."""
        logged = self.settings.to_json()
        deck_name = None if self.instances is not None else self.deck.name
        return {"card": logged.pop("card"), "deck": logged.pop("deck"), "deck_name": deck_name, **logged}

    def seats(self) -> tuple[Seat, ...]:
        return (Seat(HINTER, HINTER), Seat(GUESSER, GUESSER))

    def offline_policy(self, seat: Seat, seed: int, knobs: Any) -> Policy:
        if seat.role == HINTER:
            return offline_policy(HINTER, self.deck, seed, hinter=knobs)
        return offline_policy(GUESSER, self.deck, seed, guesser=knobs)

    async def play(self, spec: GameSpec, players: Mapping[str, Player], events: EventLog) -> GameResult:
        settings = self.settings
        if self.instances is not None:
            instance = self.instances.by_subject(spec.subject)
            card, turns = instance.card, instance.experiment.max_turns
        else:
            instance, turns = None, settings.turns
            card = next(card for card in self.deck if card.target == spec.subject)
        setup = TabooSetup(
            card=card,
            game_id=spec.game_id,
            turns=turns,
            max_reprompts=settings.reprompts,
            seed=spec.seed,
            rules=settings.rules,
            instance=instance,
        )
        return await play_taboo(setup, players[HINTER], players[GUESSER], events=events)


def find_card(deck: Deck, word: str) -> Card:
    wanted = answer_words(word)
    for card in deck:
        if answer_words(card.target) == wanted:
            return card
    import difflib  # for a card that is not in the deck: imported when one is asked for

    close = difflib.get_close_matches(word.lower(), [card.target.lower() for card in deck], n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UsageError(f"no card with the target {word!r} in the deck{hint}")


GAME = Taboo()
