"""`python main.py taboo`: the players from the flags, one game or many, the transcript, the run log."""

from __future__ import annotations

import argparse
import difflib
import json
import random
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rich.console import Console

from agents import (
    AgentModel,
    ChatModel,
    Endpoint,
    Gateway,
    HumanModel,
    ModelConfigError,
    ModelSettings,
    OfflineModel,
    OpenAIModel,
)
from games.common.batch import Batch, GameSpec, game_specs, run_batch
from games.common.exits import UsageError
from games.common.flags import add_common_flags, positive_int
from games.common.models import REAL_MODEL_HINT, Backend, RoleModel, all_offline, resolve_models
from games.common.outcome import GameResult
from games.common.progress import BatchProgress
from games.common.session import exit_code_for, log_path, outcome_line, versions
from games.common.summary import RunStats, summarize, summary_table
from games.common.transcript import Transcript
from games.taboo.deck import DEFAULT_DECK_PATH, Card, Deck, DeckError, load_deck
from games.taboo.game import GAME, Player, play_taboo
from games.taboo.guesses import answer_words
from games.taboo.offline import GuesserStyle, HinterStyle, offline_policy
from games.taboo.personas import PersonaChoice, choose_personas, with_persona_models
from games.taboo.state import GUESSER, HINTER, ROLES, TabooSetup
from runtime import RunLog, new_run_id
from runtime.logread import LogFileError, read_events

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
    game.add_argument(
        "--swap", action="store_true", help="with --games: also play each card with the roles' models swapped"
    )
    add_common_flags(parser, ROLES)
    parser.set_defaults(command=run)


@dataclass(frozen=True)
class Plan:
    """Everything the flags decide, checked before anything runs."""

    deck: Deck
    deck_path: Path
    seed: int
    specs: list[GameSpec]
    models: dict[str, RoleModel]
    personas: dict[str, PersonaChoice]
    endpoint: Endpoint
    turns: int
    reprompts: int
    resumed: dict[str, dict[str, Any]]  # game_id -> game_ended record of the log being resumed


def plan(args: argparse.Namespace) -> Plan:
    """Read the deck, choose cards, models and personas; UsageError for anything wrong."""
    if args.reprompts < 0:
        raise UsageError(f"--reprompts takes 0 or more, got {args.reprompts}")
    resumed: dict[str, dict[str, Any]] = {}
    if args.resume:
        args, resumed = _resume(args)
    deck_path = Path(args.deck) if args.deck else DEFAULT_DECK_PATH
    try:
        deck = load_deck(deck_path)
    except DeckError as exc:
        raise UsageError(str(exc)) from None
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    fixed = find_card(deck, args.card).target if args.card else None
    specs = game_specs(seed, args.games, [card.target for card in deck], fixed=fixed, swap=args.swap)
    try:
        endpoint = Endpoint.from_env(base_url=args.base_url)
    except ModelConfigError as exc:
        raise UsageError(str(exc)) from None
    per_role = {role: getattr(args, f"{role}_model") for role in ROLES}
    models = resolve_models(
        ROLES, endpoint=endpoint, model=args.model, per_role=per_role, offline=args.offline, human=args.human
    )
    if args.human and args.games > 1:
        raise UsageError("--human plays one game at a time: leave out --games")
    personas = choose_personas(args)
    named = {role: per_role[role] or args.model for role in ROLES}
    return Plan(
        deck=deck,
        deck_path=deck_path,
        seed=seed,
        specs=specs,
        models=with_persona_models(models, personas, named),
        personas=personas,
        endpoint=endpoint,
        turns=args.turns,
        reprompts=args.reprompts,
        resumed=resumed,
    )


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
        "card": args.card,
        "deck": {"path": str(chosen.deck_path), "name": chosen.deck.name, "cards": len(chosen.deck)},
        "turns": chosen.turns,
        "reprompts": chosen.reprompts,
        "games": args.games,
        "swap": args.swap,
        "models": {role: {"backend": str(m.backend), "model": m.model} for role, m in chosen.models.items()},
        "base_url": chosen.endpoint.where if chosen.endpoint.configured else None,
        "personas": {role: persona.describe() for role, persona in chosen.personas.items()},
        "resumed_from": args.resume,
    }


async def run(args: argparse.Namespace, console: Console) -> int:
    chosen = plan(args)
    key = chosen.endpoint.api_key.reveal() if chosen.endpoint.api_key else None
    run_id = new_run_id()
    path = log_path(args.log, args.log_dir, GAME, run_id)
    single = len(chosen.specs) == 1
    stats = RunStats().feed(chosen.resumed.values())
    listeners: list = [stats]
    if single and not args.quiet:
        listeners.append(Transcript(console, viewer=args.human))
    if not args.quiet and all_offline(chosen.models):
        console.print(REAL_MODEL_HINT, style="dim", soft_wrap=True)
    gateway = Gateway(max_concurrency=args.max_concurrent_calls, requests_per_minute=args.rpm)
    needs_real = any(m.backend is Backend.OPENAI for m in chosen.models.values())
    real_model = OpenAIModel(chosen.endpoint) if needs_real else None
    todo = [spec for spec in chosen.specs if spec.game_id not in chosen.resumed]
    batch = Batch(todo)
    progress = BatchProgress(console, total=len(chosen.specs), done=list(chosen.resumed.values()))
    try:
        with RunLog(path, run_id=run_id, secrets=[key] if key else [], listeners=listeners) as run_log:
            run_log.start(GAME, config_of(args, chosen), versions=versions())
            try:
                with progress.shown(not single and not args.quiet):
                    await run_batch(
                        batch,
                        lambda spec: play_game(spec, chosen, gateway, real_model),
                        concurrency=args.concurrency,
                        on_result=progress.advance,
                    )
            finally:
                if not single:
                    _report(console, args, summarize(stats))
            failed = exit_code_for(batch.results)
            run_log.end("error" if failed else "ok", reason=_run_reason(batch.results))
    finally:
        if real_model is not None:
            await real_model.aclose()
    if single and batch.results:
        console.print(outcome_line(batch.results[0], path), highlight=False, soft_wrap=True)
    else:
        console.print(f"{len(stats.games)} game(s) played — log: {path}", highlight=False, soft_wrap=True)
    return exit_code_for(batch.results)


async def play_game(
    spec: GameSpec,
    chosen: Plan,
    gateway: Gateway,
    real_model: ChatModel | None,
    *,
    override: ChatModel | None = None,
) -> GameResult:
    """Play one game of the plan. With `override`, every role thinks with that model whatever its
    backend (rerun serves a log's recorded replies so); model names and personas stay as planned."""
    card = next(card for card in chosen.deck if card.target == spec.subject)
    setup = TabooSetup(
        card=card, game_id=spec.game_id, turns=chosen.turns, max_reprompts=chosen.reprompts, seed=spec.seed
    )
    models = dict(chosen.models)
    personas = dict(chosen.personas)
    if spec.swapped:  # the roles' models (and personas' settings) change places
        models = {
            HINTER: replace(models[GUESSER], role=HINTER),
            GUESSER: replace(models[HINTER], role=GUESSER),
        }
    hinter, guesser = (
        _player(gateway, chosen.deck, role, models[role], personas[role], real_model, spec.seed, override)
        for role in ROLES
    )
    return await play_taboo(setup, hinter, guesser)


def _player(
    gateway: Gateway,
    deck: Deck,
    role: str,
    choice: RoleModel,
    persona: PersonaChoice,
    real_model: ChatModel | None,
    seed: int,
    override: ChatModel | None = None,
) -> Player:
    model: ChatModel
    if override is not None:
        model = override
    elif choice.backend is Backend.HUMAN:
        prompt, prefix = HUMAN_PROMPTS[role]
        model = HumanModel(prompt, prefix)
    elif choice.backend is Backend.OFFLINE:
        hinter_style = HinterStyle(**persona.offline) if role == HINTER else HinterStyle()
        guesser_style = GuesserStyle(**persona.offline) if role == GUESSER else GuesserStyle()
        model = OfflineModel(offline_policy(role, deck, seed, hinter_style, guesser_style))
    else:
        assert real_model is not None
        model = real_model
    settings = ModelSettings(model=choice.model, **persona.settings)
    return Player(AgentModel(gateway, model, role, settings), persona.system_template)


def _resume(args: argparse.Namespace) -> tuple[argparse.Namespace, dict[str, dict[str, Any]]]:
    """The flags of the interrupted run, and the games it finished (interrupted ones are played again)."""
    try:
        events = read_events(args.resume)
        started = next(events)
        finished = {
            str(e["game_id"]): e
            for e in events
            if e.get("event") == "game_ended" and e.get("reason") != "interrupted"
        }
    except LogFileError as exc:
        raise UsageError(str(exc)) from None
    config = started.get("config", {})
    if config.get("game") != GAME:
        raise UsageError(f"{args.resume}: not a {GAME} run (it is {config.get('game')!r})")
    merged = argparse.Namespace(**vars(args))
    for name in ("seed", "card", "turns", "reprompts", "games", "swap"):
        setattr(merged, name, config.get(name, getattr(args, name)))
    merged.deck = config.get("deck", {}).get("path", args.deck)
    return merged, finished


def _report(console: Console, args: argparse.Namespace, summary: dict[str, Any]) -> None:
    if not args.quiet:
        console.print(summary_table(summary))
    if args.summary_json:
        Path(args.summary_json).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


def _run_reason(results: list[GameResult]) -> str:
    errors = [result for result in results if result.outcome == "error"]
    if not errors:
        return f"{len(results)} game(s) completed"
    return f"{len(errors)} of {len(results)} game(s) ended in error; first: {errors[0].reason}"
