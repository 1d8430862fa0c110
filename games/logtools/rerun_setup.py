"""Rebuilding a recorded run from its log, for `rerun`: the log read in one pass (run_started, each
game's transcript, the llm_call events), every field checked where it is read; the Plan it played (the
games of its `plan` that it started, or for an older log the games its config plans, drawn again).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from typing import Any

from agents import Endpoint
from agents.conversation_log import Conversations
from games.cli.batch import GameSpec, game_specs
from games.cli.command import Plan
from games.cli.model_settings import recorded_settings
from games.cli.models import Backend, RoleModel
from games.cli.personas import PersonaChoice, personas_named
from games.cli.registry import games_by_name
from games.kit.config import config_from_json
from games.kit.definition import GameDefinition, sides_of
from games.kit.exits import UsageError
from games.logtools.compare import Transcripts
from games.logtools.logcheck import FieldCheck
from runtime.logread import LogFileError, ReadReport, read_events, typed

SHOWN_IDS = 5
GAME_ID = re.compile(r"g(\d{1,9})s?")


@dataclass
class Recorded:
    """What a rerun needs from a log, read in one pass."""

    started: Mapping[str, Any]
    transcripts: Transcripts
    calls: list[Mapping[str, Any]]
    cut_short: bool  # no run_ended, or a truncated last line


def read_recorded(path: str, lenient: bool) -> Recorded:
    """run_started, the games' transcripts and the llm_call events of a log, each field checked where
    it is read; UsageError (one line: file, line, field) for anything a rerun cannot use."""
    recorded = Transcripts()
    calls: list[Mapping[str, Any]] = []
    report = ReadReport()
    started: Mapping[str, Any] = {}
    conversations = Conversations(lenient=lenient)
    check_shown = FieldCheck()
    try:
        for raw in read_events(path, lenient=lenient, report=report):
            where = report.where()
            event = raw["event"]
            record = conversations.rebuilt(raw, where)  # each request's full messages (log schema v2)
            check_shown(record, where)  # a log replay refuses, rerun refuses alike
            if event == "run_started" and not started:
                started = record
                _check_started(record, where)
            elif event == "llm_call":
                calls.append(_checked_call(record, where))
            recorded(record)
    except LogFileError as exc:
        raise UsageError(str(exc)) from None
    finally:
        for warning in report.warnings:
            print(f"warning: {path}: {warning}", file=sys.stderr)
    return Recorded(started, recorded, calls, report.cut_short or not recorded.run_ended)


def _check_started(record: Mapping[str, Any], where: str) -> None:
    typed(record, "versions", dict, where)
    typed(record, "plan", list, where)
    typed(record, "carried", list, where)
    config = typed(record, "config", dict, where) or {}
    within = "run_started's config"
    for name, kind in (("game", str), ("seed", int), ("games", int), ("swap", bool), ("models", dict)):
        typed(config, name, kind, where, within=within)
    typed(config, "resumed_from", str, where, within=within)
    personas = typed(config, "personas", dict, where, within=within) or {}
    for role, persona in personas.items():
        typed(personas, role, dict, where, within=f"{within}.personas")
        for name in ("name", "source", "sha256"):
            typed(persona or {}, name, str, where, within=f"{within}.personas.{role}")


def _checked_call(record: Mapping[str, Any], where: str) -> Mapping[str, Any]:
    """An llm_call whose fields are of the types the replay model reads."""
    for name, kind in (
        ("messages", list),
        ("settings", dict),
        ("model", str),
        ("response", str),
        ("finish_reason", str),
        ("refusal", str),
        ("truncated", bool),
    ):
        typed(record, name, kind, where)
    usage = typed(record, "usage", dict, where)
    if usage is not None:
        for name in ("prompt_tokens", "completion_tokens"):
            typed(usage, name, int, where, within="llm_call's usage")
    return record


def plan_of(source: str, started: Mapping[str, Any], recorded: Transcripts) -> Plan:
    """The Plan the recorded run played: the games of its `plan` (or, for an older log, of its
    configuration) that the log started, with the model settings its command line set."""
    config = started["config"]
    game = game_of(source, config)
    settings = config_from_json(game.config_type, config, f"{source}: line 1")
    try:
        prepared = game.prepare(settings)
    except UsageError as exc:
        raise UsageError(f"{source}: the run's game cannot be set up again: {exc}") from None
    seed = _need(source, config, "seed")
    planned = started.get("plan")
    if planned is not None:
        specs = _planned_specs(source, planned)
    else:
        specs = game_specs(
            seed,
            _games_to_draw(config.get("games") or 1, recorded.order),
            list(prepared.subjects),
            fixed=prepared.fixed_subject,
            swap=bool(config.get("swap")),
        )
    started_ids = list(dict.fromkeys(recorded.order))
    known = {spec.game_id for spec in specs}
    unplanned = [game_id for game_id in started_ids if game_id not in known]
    if unplanned:
        whence = "its plan" if planned is not None else "the games its config plans (a log without a plan)"
        games = shown_ids(unplanned)
        raise UsageError(
            f"{source}: game(s) {games} started in the log are not in {whence}: cannot rerun them"
        )
    models = {
        role: RoleModel(role, Backend(str(choice["backend"])), str(choice["model"]))
        for role, choice in _models(source, _need(source, config, "models")).items()
    }
    personas = personas_of(game, config.get("personas") or {}, cast=models)
    for side in sides_of(game):  # a side cast with a persona only plays its role's model
        if side.name in personas and side.name not in models and side.role in models:
            models[side.name] = replace(models[side.role], role=side.name)
    return Plan(
        game=game,
        prepared=prepared,
        seed=seed,
        specs=[spec for spec in specs if spec.game_id in set(started_ids)],
        models=models,
        seat_models=models,
        personas=personas,
        endpoint=Endpoint(),
        resumed={},
        settings=recorded_settings(
            config, [role.name for role in game.roles], source, [side.name for side in sides_of(game)]
        ),
    )


def _games_to_draw(games: int, game_ids: list[str]) -> int:
    """How many games to draw again for an older log: up to the highest `gN` (or `gNs`) it started, so
    that a log claiming a billion games draws no more than it played; a batch stays a batch (one game's
    seed is the run's, a batch's games have their own)."""
    numbers = [int(found.group(1)) for game_id in game_ids if (found := GAME_ID.fullmatch(game_id))]
    return min(games, max([*numbers, 2])) if games > 1 else games


def _planned_specs(source: str, planned: list[Any]) -> list[GameSpec]:
    specs = []
    for index, entry in enumerate(planned):
        where, within = f"{source}: line 1", f"run_started's plan[{index}]"
        if not isinstance(entry, Mapping):
            raise UsageError(f"{where}: {within} is not an object")
        try:
            specs.append(
                GameSpec(
                    typed(entry, "game_id", str, where, required=True, within=within),
                    typed(entry, "index", int, where, required=True, within=within),
                    typed(entry, "seed", int, where, required=True, within=within),
                    typed(entry, "subject", str, where, required=True, within=within),
                    bool(typed(entry, "swapped", bool, where, within=within)),
                )
            )
        except LogFileError as exc:
            raise UsageError(str(exc)) from None
    return specs


def _models(source: str, models: Mapping[str, Any]) -> Mapping[str, Mapping[str, Any]]:
    for role, choice in models.items():
        where, within = f"{source}: line 1", f"run_started's config.models.{role}"
        if not isinstance(choice, Mapping):
            raise UsageError(f"{where}: {within} is not an object")
        try:
            typed(choice, "model", str, where, required=True, within=within)
            backend = typed(choice, "backend", str, where, required=True, within=within)
        except LogFileError as exc:
            raise UsageError(str(exc)) from None
        if backend not in {str(known) for known in Backend}:
            raise UsageError(f"{where}: {within}: unknown backend {backend[:40]!r}")
    return models


def shown_ids(game_ids: list[str]) -> str:
    shown = ", ".join(game_ids[:SHOWN_IDS])
    return shown + (f" and {len(game_ids) - SHOWN_IDS} more" if len(game_ids) > SHOWN_IDS else "")


def game_of(source: str, config: Mapping[str, Any]) -> GameDefinition:
    """The game a log's config names; UsageError for a game this version does not know."""
    known = games_by_name()
    name = config.get("game")
    if name not in known:
        raise UsageError(
            f"{source}: a run of {name!r}, which this version does not know ({', '.join(known)})"
        )
    return known[str(name)]


def personas_of(
    game: GameDefinition, recorded: Mapping[str, Any], cast: Collection[str] = ()
) -> dict[str, PersonaChoice]:
    """Today's personas for the recorded ones: a file by its path, a built-in by its name (every role's,
    and every side's the run cast: recorded, or given a model in `cast`; a side without a persona
    recorded plays its role's)."""
    named = {}
    sides = {side.name: side.role for side in sides_of(game) if side.name in recorded or side.name in cast}
    for part in [*(role.name for role in game.roles), *sides]:
        persona = recorded.get(part) or recorded.get(sides.get(part, part)) or {}
        source = str(persona.get("source") or "built-in")
        named[part] = str(persona.get("name") or "default") if source == "built-in" else source
    return personas_named(game, named)


def changed_inputs(config: Mapping[str, Any], plan: Plan) -> str | None:
    """A persona file that changed since the run (the game's own setup is compared game by game)."""
    for role, persona in plan.personas.items():
        then = (config.get("personas") or {}).get(role) or {}
        if then.get("sha256") and then["sha256"] != persona.sha256:
            return (
                f"rerun diverged: the {role}'s persona {persona.name!r} ({persona.source}) changed since the "
                f"run: sha256 {str(then['sha256'])[:16]} then, {persona.sha256[:16]} now"
            )
    return None


def _need(source: str, config: Mapping[str, Any], key: str) -> Any:
    if config.get(key) is None:
        raise UsageError(f"{source}: run_started's config has no {key!r}: cannot rerun this run")
    return config[key]
