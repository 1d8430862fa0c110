"""`python main.py GAME`: for any game, the players from the flags, one game or many, the transcript,
the summary and the run log. The game itself comes in through its GameDefinition."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agents import (
    AgentModel,
    ChatModel,
    Endpoint,
    Gateway,
    ModelConfigError,
    ModelSettings,
    OfflineModel,
    ScriptedModel,
    resolve_request_timeout,
)
from games.cli.batch import Batch, GameSpec, game_specs, run_batch
from games.cli.flags import add_common_flags
from games.cli.model_settings import CONFIG_KEY as SETTINGS_KEY
from games.cli.model_settings import RoleSettings, described, recorded_settings, settings_from_args
from games.cli.models import REAL_MODEL_HINT, Backend, RoleModel, all_offline, resolve_models
from games.cli.personas import PersonaChoice, choose_personas, with_persona_models
from games.cli.progress import BatchProgress
from games.cli.registry import catalog_for
from games.cli.script import PREFIX as SCRIPT_PREFIX
from games.cli.script import Script, load_script, script_path
from games.cli.session import exit_code_for, log_path, outcome_line, versions
from games.cli.sides import cast_sides, side_models, side_personas, side_settings
from games.cli.summary import RunStats, summarize, summary_table
from games.kit.config import config_from_args
from games.kit.definition import GameDefinition, Player, Prepared, Seat, Side, seats_of, sides_of
from games.kit.exits import UsageError
from games.kit.outcome import GameResult
from games.kit.output_files import check_writable
from runtime import RunLog
from runtime.events import EventLog
from runtime.log import new_run_id

if TYPE_CHECKING:
    from rich.console import Console

    from agents.openai_model import OpenAIModel
    from games.cli.resume import Resumed


def add_game_parser(subparsers: argparse._SubParsersAction, game: GameDefinition) -> None:
    """`python main.py <game.name>` with the game's own flags and the common ones."""
    parser = subparsers.add_parser(game.name, help=game.help, description=game.help)
    game.add_arguments(parser)
    roles = [role.name for role in game.roles]
    if len(roles) == 2:
        parser.add_argument(
            "--swap", action="store_true", help="with --games: also play every game with the models swapped"
        )
    add_common_flags(parser, roles, sides_of(game))
    parser.set_defaults(command=lambda args, console: run(game, args, console), swap=False)


@dataclass(frozen=True)
class Plan:
    """Everything the flags decide, checked before anything runs."""

    game: GameDefinition
    prepared: Prepared
    seed: int
    specs: list[GameSpec]
    # Per role, and per side the flags cast (games.cli.sides): a seat plays its side's if it has one.
    models: dict[str, RoleModel]
    seat_models: dict[str, RoleModel]  # what a role's other seats play when a person takes one
    personas: dict[str, PersonaChoice]
    endpoint: Endpoint
    resumed: dict[str, dict[str, Any]]  # game_id -> game_ended record of the logs being resumed
    games: int = 1  # as planned: a resumed run's come from the log it resumes
    swap: bool = False
    request_timeout: float | None = None  # --request-timeout; a persona's setting or the environment else
    scripts: dict[str, Script] = field(default_factory=dict)  # "script:FILE" model name -> its file
    settings: RoleSettings = field(default_factory=dict)  # role -> the model settings the flags set

    def part(self, seat: Seat) -> str:
        """Whose choices a seat plays: its side's when the flags cast that side, else its role's (the
        person's seat always the role's: the person plays it, whatever side it is on)."""
        if seat.side is None or seat.side not in self.models or seat.agent == _human_seat(self):
            return seat.role
        return seat.side

    def cast(self, spec: GameSpec) -> dict[str, str]:
        """Who plays each seat of `spec`'s game: agent -> "model/persona"."""
        models = _swapped(self, spec)
        return {
            seat.agent: f"{_seat_choice(self, seat, models).model}/{self.personas[self.part(seat)].name}"
            for seat in seats_of(self.prepared, spec)
        }

    def planned(self) -> list[dict[str, Any]]:
        """run_started's `plan`: every game of the run, in order, with its cast."""
        return [spec.planned(self.cast(spec)) for spec in self.specs]


def plan(game: GameDefinition, args: argparse.Namespace, resumed: Resumed | None = None) -> Plan:
    """Prepare the game, choose subjects, models and personas; UsageError for anything wrong. With
    `resumed` (a worker's copy of a published batch), the game and its plan are that run's."""
    if args.script:
        if args.model:
            raise UsageError("--script FILE means --model script:FILE: give one of them")
        args = argparse.Namespace(**{**vars(args), "model": SCRIPT_PREFIX + args.script, "script": None})
    if args.summary_json:
        check_writable("--summary-json", args.summary_json)
    if resumed is None and args.resume:
        from games.cli.resume import read_resumed  # the log a run resumes: read with --resume only

        resumed = read_resumed(args.resume, game.name)
    if resumed is not None:
        args = resumed.flags(args, [role.name for role in game.roles], [s.name for s in sides_of(game)])
        settings = resumed.settings(game.config_type)
    else:
        settings = config_from_args(game.config_type, args)
    prepared = game.prepare(settings)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    fixed = prepared.fixed_subject
    ordered = bool(getattr(prepared, "ordered", False))
    games = args.games if args.games is not None else _default_games(prepared, ordered)
    if resumed is not None and resumed.specs is not None:
        specs = resumed.specs  # the plan as recorded, whatever the data files say today
    else:
        subjects = list(prepared.subjects)
        specs = game_specs(seed, games, subjects, fixed=fixed, swap=args.swap, ordered=ordered)
    try:
        endpoint = Endpoint.from_env(base_url=args.base_url)
        resolve_request_timeout(args.request_timeout, None, os.environ)  # a bad environment value: now
    except ModelConfigError as exc:
        raise UsageError(str(exc)) from None
    roles = [role.name for role in game.roles]
    per_role = {role: getattr(args, f"{_dest(role)}_model") for role in roles}
    sides = cast_sides(args, game)
    per_part = {**per_role, **side_models(args, sides, per_role)}
    parts = [*roles, *(side.name for side in sides)]
    models = resolve_models(
        parts, endpoint=endpoint, model=args.model, per_role=per_part, offline=args.offline, human=args.human
    )
    seat_models = resolve_models(
        parts, endpoint=endpoint, model=args.model, per_role=per_part, offline=args.offline, human=None
    )
    if args.human and games > 1:
        raise UsageError("--human plays one game at a time: leave out --games")
    if args.human and getattr(args, "redis", None):
        raise UsageError("--human plays at this keyboard: leave out --redis")
    personas = choose_personas(args, game, side_personas(args, sides))
    scripts = _scripts(game, prepared, models)
    named = {part: per_part[part] or args.model for part in parts}
    chosen = Plan(
        game=game,
        prepared=prepared,
        seed=seed,
        specs=specs,
        models=with_persona_models(models, personas, named),
        seat_models=with_persona_models(seat_models, personas, named),
        personas=personas,
        endpoint=endpoint,
        resumed=resumed.finished if resumed is not None else {},
        games=games,
        swap=args.swap,
        request_timeout=args.request_timeout,
        scripts=scripts,
        settings=_with_sides(settings_from_args(args, roles), args, sides),
    )
    if resumed is not None:
        _check_same_casts(chosen, resumed)
        _check_same_settings(chosen, resumed)
    return chosen


def _with_sides(settings: RoleSettings, args: argparse.Namespace, sides: tuple[Side, ...]) -> RoleSettings:
    return {**settings, **side_settings(args, sides, settings)}


def _scripts(game: GameDefinition, prepared: Prepared, models: dict[str, RoleModel]) -> dict[str, Script]:
    """The script files the `script:FILE` models read, each checked to hold replies for its roles (a
    side's: for the side or its role)."""
    sides = {side.name: side.role for side in sides_of(game)}
    names = {role.name for role in game.roles} | set(sides) | {seat.agent for seat in prepared.seats()}
    scripts: dict[str, Script] = {}
    for part, choice in models.items():
        if choice.backend is not Backend.SCRIPT:
            continue
        script = scripts.get(choice.model) or load_script(str(script_path(choice.model)), names)
        scripts[choice.model] = script
        role = sides.get(part, part)
        seats = [seat.agent for seat in prepared.seats() if seat.role == role]
        listed = [script.replies, *script.games.values()]
        if not any(key in replies for replies in listed for key in (part, role, *seats)):
            raise UsageError(f"{script.path}: no replies for the {part} (a list under {part!r})")
    return scripts


def _default_games(prepared: Prepared, ordered: bool) -> int:
    """Without --games: one game, or every subject of a game whose data orders them (a benchmark's
    instances file)."""
    if ordered and prepared.fixed_subject is None:
        return len(prepared.subjects)
    return 1


def _check_same_casts(chosen: Plan, resumed: Resumed) -> None:
    """A resumed batch plays its remaining games with the cast it planned, or not at all."""
    for spec in chosen.specs:
        recorded = resumed.casts.get(spec.game_id)
        if spec.game_id in resumed.finished or not recorded:
            continue
        now = chosen.cast(spec)
        if now != recorded:
            shown = ", ".join(f"{agent}={label}" for agent, label in sorted(recorded.items()))
            raise UsageError(
                f"--resume {resumed.source}: game {spec.game_id} was planned with {shown}; these flags "
                "cast it differently (leave out the model and persona flags to take the log's)"
            )


def _check_same_settings(chosen: Plan, resumed: Resumed) -> None:
    """A resumed batch plays its remaining games with the model settings it was run with."""
    roles = [role.name for role in chosen.game.roles]
    sides = [side.name for side in sides_of(chosen.game)]
    recorded = recorded_settings(resumed.config, roles, resumed.source, sides)
    left = any(spec.game_id not in resumed.finished for spec in chosen.specs)
    if left and chosen.settings != recorded:
        raise UsageError(
            f"--resume {resumed.source}: the run's model settings were {described(recorded)}; these flags "
            f"give {described(chosen.settings)} (leave out --temperature and --max-tokens to take the log's)"
        )


def config_of(args: argparse.Namespace, chosen: Plan) -> dict[str, Any]:
    """run_started's configuration: everything needed to play the run again; never a secret."""
    return {
        "game": chosen.game.name,
        **chosen.prepared.config,
        "seed": chosen.seed,
        "games": chosen.games,
        "swap": chosen.swap,
        "models": {role: {"backend": str(m.backend), "model": m.model} for role, m in chosen.models.items()},
        "base_url": chosen.endpoint.where if chosen.endpoint.configured else None,
        "personas": {role: persona.describe() for role, persona in chosen.personas.items()},
        SETTINGS_KEY: chosen.settings,
        "resumed_from": args.resume,
        "request_timeout": chosen.request_timeout,
    }


async def run(
    game: GameDefinition, args: argparse.Namespace, console: Console, *, progress: BatchProgress | None = None
) -> int:
    """Play the run the flags describe. With `progress`, its games advance that bar (an eval's, over
    many runs): the run draws none of its own and leaves the resuming to its caller."""
    chosen = plan(game, args)
    # What planning loaded (the deck, word lists, the morphology dictionaries: hundreds of thousands of
    # objects) outlives the games: collections during them need not scan it every time. Unfrozen when the
    # run ends, so that a process running many (an eval, the tests) collects as usual between them; but a
    # heap that was frozen before the run (the tests freeze theirs for each test) is left to whoever froze
    # it: unfreezing it all made every later run's collection scan it whole again.
    frozen_before = gc.get_freeze_count() > 0
    gc.collect()
    gc.freeze()
    try:
        return await _play(game, args, console, chosen, progress)
    finally:
        if not frozen_before:
            gc.unfreeze()


async def _play(
    game: GameDefinition,
    args: argparse.Namespace,
    console: Console,
    chosen: Plan,
    progress: BatchProgress | None,
) -> int:
    redis = None
    if args.redis:  # a bad URL or no server: one line, before anything else is printed or written
        from games.cli.distributed.controller import Publication, play_on_workers  # redis, for --redis only
        from games.cli.distributed.server import client, reachable

        redis = client(args.redis)
        await reachable(redis, args.redis)
    key = chosen.endpoint.api_key.reveal() if chosen.endpoint.api_key else None
    run_id = new_run_id()
    path = log_path(args.log, args.log_dir, game.name, run_id)
    single = len(chosen.specs) == 1
    catalog = catalog_for(game.name)
    stats = RunStats(catalog)
    listeners: list = [stats]
    transcript = single and not args.quiet
    if transcript:
        from games.cli.transcript import Transcript  # rich's text: for a game drawn as it goes

        # the game's ending is said once, by the last line
        listeners.append(Transcript(console, catalog=catalog, viewer=_human_seat(chosen), endings=False))
    if not args.quiet and all_offline(chosen.models):
        console.print(REAL_MODEL_HINT, style="dim", soft_wrap=True)
    batch = Batch([spec for spec in chosen.specs if spec.game_id not in chosen.resumed])
    # A rejected key or an unknown model fails every game alike: start no more of them.
    gateway = Gateway(
        max_concurrency=args.max_concurrent_calls,
        requests_per_minute=args.rpm,
        on_fatal=lambda error: batch.stop(str(error)),
    )
    needs_real = not args.redis and any(m.backend is Backend.OPENAI for m in chosen.models.values())
    real_model = _real_model(chosen.endpoint) if needs_real else None
    shared = progress is not None
    if progress is None:
        progress = BatchProgress(console, total=len(chosen.specs), done=list(chosen.resumed.values()))
    try:
        with RunLog(path, run_id=run_id, secrets=[key] if key else [], listeners=listeners) as run_log:
            config, planned = config_of(args, chosen), chosen.planned()
            run_log.start(
                game.name, config, plan=planned, carried=list(chosen.resumed.values()), versions=versions()
            )
            try:
                with progress.shown(not shared and not single and not args.quiet):
                    if redis is not None:
                        await play_on_workers(
                            batch,
                            Publication(game.name, config, planned, args.max_concurrent_calls, args.rpm),
                            run_id,
                            run_log.relay_encoded,
                            redis=redis,
                            queue=args.queue,
                            on_result=progress.advance,
                            notice=lambda line: console.print(
                                line, style="dim", highlight=False, soft_wrap=True
                            ),
                            every_event=transcript,
                        )
                    else:
                        await run_batch(
                            batch,
                            lambda spec: play_game(spec, chosen, gateway, real_model, run_log.events),
                            concurrency=args.concurrency,
                            events=run_log.events,
                            on_result=progress.advance,
                        )
            finally:
                _report(console, args, summarize(stats, log=str(path)), table=not single)
            failed = exit_code_for(batch.results) or batch.stopped is not None
            run_log.end("error" if failed else "ok", reason=_run_reason(batch))
    except asyncio.CancelledError:
        _print_unfinished(console, game, path, stats, interrupted=True, hint=not shared)
        raise
    finally:
        if real_model is not None:
            await real_model.aclose()
    if single and batch.results:
        console.print(outcome_line(batch.results[0].fields(), path, catalog), highlight=False, soft_wrap=True)
    elif batch.stopped is not None:
        _print_unfinished(console, game, path, stats, interrupted=False, hint=not shared)
    else:
        console.print(f"{len(stats.games)} game(s) played — log: {path}", highlight=False, soft_wrap=True)
    return 1 if batch.stopped is not None else exit_code_for(batch.results)


def _print_unfinished(
    console: Console, game: GameDefinition, path: Path, stats: RunStats, *, interrupted: bool, hint: bool
) -> None:
    """The last lines of a run that did not play all its games: how many ended, the log, and (`hint`)
    how to go on."""
    why = "interrupted" if interrupted else "stopped"
    planned = len(stats.planned)
    ended = len(stats.games)
    if planned <= 1:
        console.print(f"{why} — log: {path}", highlight=False, soft_wrap=True)
        return
    console.print(f"{why}: {ended} of {planned} game(s) ended — log: {path}", highlight=False, soft_wrap=True)
    if hint:
        console.print(
            f"resume with: python main.py {game.name} --resume {path}", highlight=False, soft_wrap=True
        )


async def play_game(
    spec: GameSpec,
    chosen: Plan,
    gateway: Gateway,
    real_model: ChatModel | None,
    events: EventLog,
    *,
    override: ChatModel | None = None,
    served: Callable[[ChatModel], ChatModel] | None = None,
) -> GameResult:
    """Play one game of the plan, its events (game_cast first) to `events`. With `override`, every seat
    thinks with that model whatever its backend (rerun serves a log's recorded replies so); model names
    and personas stay as planned. `served` wraps the model on a server (a worker journals its replies)."""
    models = _swapped(chosen, spec)
    if real_model is not None and served is not None:
        real_model = served(real_model)
    seats = seats_of(chosen.prepared, spec)
    players = {
        seat.agent: _player(
            gateway, chosen, seat, _seat_choice(chosen, seat, models), real_model, spec, override
        )
        for seat in seats
    }
    cast = {agent: player.label for agent, player in players.items()}
    # With a side cast apart: what each seat was cast as (its side or its role), for the report's names.
    parts = {seat.agent: chosen.part(seat) for seat in seats}
    cast_as = {"cast_as": parts} if any(parts[seat.agent] != seat.role for seat in seats) else {}
    events.bind(game_id=spec.game_id).info("game_cast", players=cast, swapped=spec.swapped, **cast_as)
    try:
        return await chosen.prepared.play(spec, players, events)
    finally:
        gateway.forget(spec.game_id)


def _real_model(endpoint: Endpoint) -> OpenAIModel:
    from agents.openai_model import OpenAIModel  # the SDK's client: imported by runs that call a server

    return OpenAIModel(endpoint)


def _player(
    gateway: Gateway,
    chosen: Plan,
    seat: Seat,
    choice: RoleModel,
    real_model: ChatModel | None,
    spec: GameSpec,
    override: ChatModel | None,
) -> Player:
    persona = chosen.personas[chosen.part(seat)]
    role = next(role for role in chosen.game.roles if role.name == seat.role)
    model: ChatModel
    if override is not None:
        model = override
    elif choice.backend is Backend.HUMAN:
        from agents.human import HumanModel  # the terminal's reader, for a person's seat only

        model = HumanModel(
            role.human_prompt, role.reply_prefix, shape=role.reply_shape, intro=role.human_intro
        )
    elif choice.backend is Backend.OFFLINE:
        model = OfflineModel(chosen.prepared.offline_policy(seat, spec.seed, role.knobs(**persona.offline)))
    elif choice.backend is Backend.SCRIPT:
        script = chosen.scripts[choice.model]
        model = ScriptedModel(script.for_seat(seat.agent, seat.role, spec.game_id, side=seat.side))
    elif choice.backend is Backend.RECORDED:
        raise UsageError(f"the {seat.role}'s model {choice.model!r} was imported: rerun the log to play it")
    else:
        assert real_model is not None
        model = real_model
    timeout_s = resolve_request_timeout(chosen.request_timeout, persona.settings.get("timeout_s"), os.environ)
    chosen_settings = {
        **persona.settings,
        **chosen.settings.get(chosen.part(seat), {}),
        "timeout_s": timeout_s,
    }
    settings = ModelSettings(model=choice.model, **chosen_settings)
    label = f"{choice.model}/{persona.name}"
    return Player(AgentModel(gateway, model, seat.agent, settings), persona.system_template, label)


def _swapped(chosen: Plan, spec: GameSpec) -> dict[str, RoleModel]:
    """The models per role of `spec`'s game: a swapped game's two roles exchange models (personas stay
    with their roles)."""
    models = dict(chosen.models)
    if spec.swapped:
        first, second = (role.name for role in chosen.game.roles)
        models = {first: replace(models[second], role=first), second: replace(models[first], role=second)}
    return models


def _seat_choice(chosen: Plan, seat: Seat, models: dict[str, RoleModel]) -> RoleModel:
    """Who thinks for `seat`, of the game's `models` (its side's or its role's): the person takes one
    seat of the --human role; the role's other seats play as usual."""
    part = chosen.part(seat)
    choice = models[part]
    if choice.backend is Backend.HUMAN and seat.agent != _human_seat(chosen):
        return chosen.seat_models[part]
    return choice


def _human_seat(chosen: Plan) -> str | None:
    """The agent a person plays: the first seat of the --human role."""
    human = next((role for role, m in chosen.models.items() if m.backend is Backend.HUMAN), None)
    if human is None:
        return None
    return next(seat.agent for seat in chosen.prepared.seats() if seat.role == human)


def _report(console: Console, args: argparse.Namespace, summary: dict[str, Any], *, table: bool) -> None:
    if table and not args.quiet:
        console.print(summary_table(summary))
    if args.summary_json:
        Path(args.summary_json).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


def _run_reason(batch: Batch) -> str:
    results = batch.results
    if batch.stopped is not None:
        return f"the batch stopped after {len(results)} game(s): {batch.stopped}"
    errors = [result for result in results if result.outcome == "error"]
    if not errors:
        return f"{len(results)} game(s) completed"
    return f"{len(errors)} of {len(results)} game(s) ended in error; first: {errors[0].reason}"


def _dest(role: str) -> str:
    return role.replace("-", "_")
