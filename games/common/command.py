"""`python main.py GAME`: for any game, the players from the flags, one game or many, the transcript,
the summary and the run log. The game itself comes in through its GameDefinition."""

from __future__ import annotations

import argparse
import json
import os
import random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import structlog
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
from games.common.definition import GameDefinition, Player, Prepared, Seat
from games.common.exits import UsageError
from games.common.flags import add_common_flags
from games.common.models import REAL_MODEL_HINT, Backend, RoleModel, all_offline, resolve_models
from games.common.outcome import GameResult
from games.common.personas import PersonaChoice, choose_personas, with_persona_models
from games.common.progress import BatchProgress
from games.common.session import exit_code_for, log_path, outcome_line, versions
from games.common.summary import RunStats, summarize, summary_table
from games.common.transcript import Transcript
from runtime import RunLog, new_run_id
from runtime.logread import LogFileError, read_events

log = structlog.get_logger()

# The common flags a resumed run takes from the log it resumes (the game's own come from its config).
RESUMED_FLAGS = ("seed", "games", "swap")


def add_game_parser(subparsers: argparse._SubParsersAction, game: GameDefinition) -> None:
    """`python main.py <game.name>` with the game's own flags and the common ones."""
    parser = subparsers.add_parser(game.name, help=game.help, description=game.help)
    game.add_arguments(parser)
    roles = [role.name for role in game.roles]
    if len(roles) == 2:
        parser.add_argument(
            "--swap", action="store_true", help="with --games: also play every game with the models swapped"
        )
    add_common_flags(parser, roles)
    parser.set_defaults(command=lambda args, console: run(game, args, console), swap=False)


@dataclass(frozen=True)
class Plan:
    """Everything the flags decide, checked before anything runs."""

    game: GameDefinition
    prepared: Prepared
    seed: int
    specs: list[GameSpec]
    models: dict[str, RoleModel]
    seat_models: dict[str, RoleModel]  # what a role's other seats play when a person takes one
    personas: dict[str, PersonaChoice]
    endpoint: Endpoint
    resumed: dict[str, dict[str, Any]]  # game_id -> game_ended record of the log being resumed


def plan(game: GameDefinition, args: argparse.Namespace) -> Plan:
    """Prepare the game, choose subjects, models and personas; UsageError for anything wrong."""
    resumed: dict[str, dict[str, Any]] = {}
    if args.summary_json:
        _check_writable(args.summary_json, "--summary-json")
    if args.resume:
        args, resumed = _resume(game, args)
    prepared = game.prepare(args)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    fixed = prepared.fixed_subject
    specs = game_specs(seed, args.games, list(prepared.subjects), fixed=fixed, swap=args.swap)
    try:
        endpoint = Endpoint.from_env(base_url=args.base_url)
    except ModelConfigError as exc:
        raise UsageError(str(exc)) from None
    roles = [role.name for role in game.roles]
    per_role = {role: getattr(args, f"{_dest(role)}_model") for role in roles}
    models = resolve_models(
        roles, endpoint=endpoint, model=args.model, per_role=per_role, offline=args.offline, human=args.human
    )
    seat_models = resolve_models(
        roles, endpoint=endpoint, model=args.model, per_role=per_role, offline=args.offline, human=None
    )
    if args.human and args.games > 1:
        raise UsageError("--human plays one game at a time: leave out --games")
    personas = choose_personas(args, game)
    named = {role: per_role[role] or args.model for role in roles}
    return Plan(
        game=game,
        prepared=prepared,
        seed=seed,
        specs=specs,
        models=with_persona_models(models, personas, named),
        seat_models=with_persona_models(seat_models, personas, named),
        personas=personas,
        endpoint=endpoint,
        resumed=resumed,
    )


def config_of(args: argparse.Namespace, chosen: Plan) -> dict[str, Any]:
    """run_started's configuration: everything needed to play the run again; never a secret."""
    return {
        "game": chosen.game.name,
        **chosen.prepared.config,
        "seed": chosen.seed,
        "games": args.games,
        "swap": args.swap,
        "models": {role: {"backend": str(m.backend), "model": m.model} for role, m in chosen.models.items()},
        "base_url": chosen.endpoint.where if chosen.endpoint.configured else None,
        "personas": {role: persona.describe() for role, persona in chosen.personas.items()},
        "resumed_from": args.resume,
    }


async def run(game: GameDefinition, args: argparse.Namespace, console: Console) -> int:
    chosen = plan(game, args)
    key = chosen.endpoint.api_key.reveal() if chosen.endpoint.api_key else None
    run_id = new_run_id()
    path = log_path(args.log, args.log_dir, game.name, run_id)
    single = len(chosen.specs) == 1
    stats = RunStats().feed(chosen.resumed.values())
    listeners: list = [stats]
    if single and not args.quiet:
        listeners.append(Transcript(console, viewer=_human_seat(chosen)))
    if not args.quiet and all_offline(chosen.models):
        console.print(REAL_MODEL_HINT, style="dim", soft_wrap=True)
    gateway = Gateway(max_concurrency=args.max_concurrent_calls, requests_per_minute=args.rpm)
    needs_real = any(m.backend is Backend.OPENAI for m in chosen.models.values())
    real_model = OpenAIModel(chosen.endpoint) if needs_real else None
    batch = Batch([spec for spec in chosen.specs if spec.game_id not in chosen.resumed])
    progress = BatchProgress(console, total=len(chosen.specs), done=list(chosen.resumed.values()))
    try:
        with RunLog(path, run_id=run_id, secrets=[key] if key else [], listeners=listeners) as run_log:
            run_log.start(game.name, config_of(args, chosen), versions=versions())
            try:
                with progress.shown(not single and not args.quiet):
                    await run_batch(
                        batch,
                        lambda spec: play_game(spec, chosen, gateway, real_model),
                        concurrency=args.concurrency,
                        on_result=progress.advance,
                    )
            finally:
                _report(console, args, summarize(stats), table=not single)
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
    """Play one game of the plan. With `override`, every seat thinks with that model whatever its
    backend (rerun serves a log's recorded replies so); model names and personas stay as planned."""
    models = dict(chosen.models)
    if spec.swapped:  # the two roles' models change places; personas stay with their roles
        first, second = (role.name for role in chosen.game.roles)
        models = {first: replace(models[second], role=first), second: replace(models[first], role=second)}
    players = {
        seat.agent: _player(gateway, chosen, seat, models[seat.role], real_model, spec.seed, override)
        for seat in chosen.prepared.seats()
    }
    cast = {agent: player.label for agent, player in players.items()}
    log.info("game_cast", game_id=spec.game_id, players=cast, swapped=spec.swapped)
    return await chosen.prepared.play(spec, players)


def _player(
    gateway: Gateway,
    chosen: Plan,
    seat: Seat,
    choice: RoleModel,
    real_model: ChatModel | None,
    seed: int,
    override: ChatModel | None,
) -> Player:
    persona = chosen.personas[seat.role]
    role = next(role for role in chosen.game.roles if role.name == seat.role)
    if choice.backend is Backend.HUMAN and seat.agent != _human_seat(chosen):
        choice = chosen.seat_models[seat.role]  # the person takes one seat; the others play as usual
    model: ChatModel
    if override is not None:
        model = override
    elif choice.backend is Backend.HUMAN:
        model = HumanModel(role.human_prompt, role.reply_prefix)
    elif choice.backend is Backend.OFFLINE:
        model = OfflineModel(chosen.prepared.offline_policy(seat, seed, role.knobs(**persona.offline)))
    else:
        assert real_model is not None
        model = real_model
    settings = ModelSettings(model=choice.model, **persona.settings)
    label = f"{choice.model}/{persona.name}"
    return Player(AgentModel(gateway, model, seat.agent, settings), persona.system_template, label)


def _human_seat(chosen: Plan) -> str | None:
    """The agent a person plays: the first seat of the --human role."""
    human = next((role for role, m in chosen.models.items() if m.backend is Backend.HUMAN), None)
    if human is None:
        return None
    return next(seat.agent for seat in chosen.prepared.seats() if seat.role == human)


def _resume(game: GameDefinition, args: argparse.Namespace) -> tuple[argparse.Namespace, dict[str, dict]]:
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
    config: Mapping[str, Any] = started.get("config", {})
    if config.get("game") != game.name:
        raise UsageError(f"{args.resume}: not a {game.name} run (it is {config.get('game')!r})")
    merged = argparse.Namespace(**vars(args))
    for name, value in config.items():
        if hasattr(merged, name) and (name in RESUMED_FLAGS or name not in _COMMON_CONFIG):
            setattr(merged, name, value)
    return merged, finished


_COMMON_CONFIG = frozenset({"game", "models", "base_url", "personas", "resumed_from"})


def _report(console: Console, args: argparse.Namespace, summary: dict[str, Any], *, table: bool) -> None:
    if table and not args.quiet:
        console.print(summary_table(summary))
    if args.summary_json:
        Path(args.summary_json).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


def _check_writable(path: str, flag: str) -> None:
    """Fail before anything runs when an output file could not be written at the end."""
    folder = Path(path).resolve().parent
    if not folder.is_dir():
        raise UsageError(f"{flag} {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"{flag} {path}: the folder {folder} is not writable")


def _run_reason(results: list[GameResult]) -> str:
    errors = [result for result in results if result.outcome == "error"]
    if not errors:
        return f"{len(results)} game(s) completed"
    return f"{len(errors)} of {len(results)} game(s) ended in error; first: {errors[0].reason}"


def _dest(role: str) -> str:
    return role.replace("-", "_")
