"""`python main.py taboo`: build the players from the flags, play, draw the transcript, log the run."""

from __future__ import annotations

import argparse
import difflib
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from agents import (
    AgentModel,
    ChatModel,
    Endpoint,
    Gateway,
    HumanModel,
    ModelSettings,
    OfflineModel,
    OpenAIModel,
)
from games.common.exits import UsageError
from games.common.flags import add_common_flags, positive_int
from games.common.models import REAL_MODEL_HINT, Backend, RoleModel, all_offline, resolve_models
from games.common.session import exit_code_for, log_path, outcome_line, versions
from games.common.transcript import Transcript
from games.taboo.deck import DEFAULT_DECK_PATH, Card, Deck, DeckError, load_deck
from games.taboo.game import GAME, Player, play_taboo
from games.taboo.guesses import answer_words
from games.taboo.offline import offline_policy
from games.taboo.prompts import DEFAULT_PROMPTS
from games.taboo.state import GUESSER, HINTER, ROLES, TabooSetup
from runtime import RunLog, new_run_id

HUMAN_PROMPTS = {HINTER: ("Your clue> ", "CLUE: "), GUESSER: ("Your guess> ", "GUESS: ")}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        GAME,
        help="play Taboo: a hinter clues a word without saying it, a guesser guesses",
        description="Play Taboo. With no model configured, the built-in offline players play.",
    )
    game = parser.add_argument_group("game")
    game.add_argument("--card", metavar="WORD", help="play the card whose target is WORD")
    game.add_argument("--deck", metavar="PATH", help="another deck file (see docs/taboo-rules.md)")
    game.add_argument(
        "--turns", type=positive_int, default=5, metavar="N", help="turns before the game is lost (default 5)"
    )
    game.add_argument(
        "--reprompts", type=int, default=1, metavar="R", help="re-prompts for a malformed reply (default 1)"
    )
    add_common_flags(parser, ROLES)
    parser.set_defaults(command=run)


@dataclass(frozen=True)
class Plan:
    """Everything the flags decide, checked before anything runs."""

    deck: Deck
    deck_path: Path
    card: Card
    seed: int
    models: dict[str, RoleModel]
    endpoint: Endpoint


def plan(args: argparse.Namespace) -> Plan:
    """Read the deck, choose the card and the models; UsageError for anything wrong."""
    deck_path = Path(args.deck) if args.deck else DEFAULT_DECK_PATH
    try:
        deck = load_deck(deck_path)
    except DeckError as exc:
        raise UsageError(str(exc)) from None
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    card = find_card(deck, args.card) if args.card else random.Random(seed).choice(deck.cards)
    for role in ROLES:
        persona = getattr(args, role)
        if persona not in (None, "default"):
            raise UsageError(f"unknown {role} persona {persona!r}; the built-in one is 'default'")
    endpoint = Endpoint.from_env(base_url=args.base_url, model=None)
    per_role = {role: getattr(args, f"{role}_model") for role in ROLES}
    models = resolve_models(
        ROLES, endpoint=endpoint, model=args.model, per_role=per_role, offline=args.offline, human=args.human
    )
    return Plan(deck=deck, deck_path=deck_path, card=card, seed=seed, models=models, endpoint=endpoint)


def find_card(deck: Deck, word: str) -> Card:
    wanted = answer_words(word)
    for card in deck:
        if answer_words(card.target) == wanted:
            return card
    close = difflib.get_close_matches(word.lower(), [card.target.lower() for card in deck], n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UsageError(f"no card with the target {word!r} in the deck{hint}")


def config_of(args: argparse.Namespace, chosen: Plan) -> dict[str, Any]:
    """run_started's configuration: everything needed to play the run again; never a secret."""
    return {
        "game": GAME,
        "seed": chosen.seed,
        "card": chosen.card.target,
        "deck": {"path": str(chosen.deck_path), "name": chosen.deck.name, "cards": len(chosen.deck)},
        "turns": args.turns,
        "reprompts": args.reprompts,
        "games": args.games,
        "models": {
            role: {"backend": str(choice.backend), "model": choice.model}
            for role, choice in chosen.models.items()
        },
        "base_url": chosen.endpoint.where if chosen.endpoint.configured else None,
        "personas": {role: {"name": "default", "source": "built-in"} for role in ROLES},
    }


async def run(args: argparse.Namespace, console: Console) -> int:
    chosen = plan(args)
    if args.reprompts < 0:
        raise UsageError(f"--reprompts takes 0 or more, got {args.reprompts}")
    key = chosen.endpoint.api_key.reveal() if chosen.endpoint.api_key else None
    run_id = new_run_id()
    path = log_path(args.log, args.log_dir, GAME, run_id)
    viewer = args.human
    listeners = [] if args.quiet else [Transcript(console, viewer=viewer)]
    if not args.quiet and all_offline(chosen.models):
        console.print(REAL_MODEL_HINT, style="dim")
    gateway = Gateway(max_concurrency=args.max_concurrent_calls, requests_per_minute=args.rpm)
    real_model = (
        OpenAIModel(chosen.endpoint)
        if any(m.backend is Backend.OPENAI for m in chosen.models.values())
        else None
    )
    setup = TabooSetup(card=chosen.card, turns=args.turns, max_reprompts=args.reprompts, seed=chosen.seed)
    try:
        with RunLog(path, run_id=run_id, secrets=[key] if key else [], listeners=listeners) as run_log:
            run_log.start(GAME, config_of(args, chosen), versions=versions())
            hinter, guesser = (
                Player(_agent_model(gateway, chosen, role, real_model, setup.seed), DEFAULT_PROMPTS[role])
                for role in ROLES
            )
            result = await play_taboo(setup, hinter, guesser)
            run_log.end("ok" if result.outcome != "error" else "error", reason=result.reason)
    finally:
        if real_model is not None:
            await real_model.aclose()
    console.print(outcome_line(result, path), highlight=False)
    return exit_code_for([result])


def _agent_model(
    gateway: Gateway, chosen: Plan, role: str, real_model: ChatModel | None, seed: int
) -> AgentModel:
    choice = chosen.models[role]
    model: ChatModel
    if choice.backend is Backend.HUMAN:
        prompt, prefix = HUMAN_PROMPTS[role]
        model = HumanModel(prompt, prefix)
    elif choice.backend is Backend.OFFLINE:
        model = OfflineModel(offline_policy(role, chosen.deck, seed))
    else:
        assert real_model is not None
        model = real_model
    return AgentModel(gateway, model, role, ModelSettings(model=choice.model))
