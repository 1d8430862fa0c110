"""The cells of a plan (game x cast x seed), each as the flags of the game command that plays it.

A cell's flags are parsed by the game command's own parser and its games planned by the command's own
`plan()`, so a cell is checked and played exactly as `python main.py GAME FLAGS...` would be. Its
`definition` (what decides its games: the game's settings, the number of games, the seed, each role's
model, persona and settings) is what an eval records, to refuse a plan that changed a played cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents.persona_library import looks_like_path
from games.cli import command
from games.cli.evals.arguments import ArgumentsRejected, flag_of, own_flags, parse, takes_path
from games.cli.evals.plan import ALL, Cast, EvalPlan, GameEntry, PlanError, settings_flag
from games.cli.script import PREFIX as SCRIPT_PREFIX
from games.kit.config import config_from_args
from games.kit.definition import sides_of
from games.kit.exits import UsageError
from runtime.tomlfile import Key, Problem


@dataclass(frozen=True)
class Cell:
    """One game of the plan played by one cast with one seed."""

    entry: GameEntry
    cast: Cast
    seed: int

    @property
    def id(self) -> str:
        """The cell's name, and its log file's: LABEL-CAST-SEED."""
        return f"{self.entry.label}-{self.cast.name}-{self.seed}"

    def definition(self, plan: EvalPlan) -> dict[str, Any]:
        """What decides the cell's games, as the plan wrote it (JSON)."""
        roles = {}
        for role in self.entry.game.roles:
            choice = self.cast.role(role.name)
            roles[role.name] = {"model": choice.model, "persona": choice.persona, **dict(choice.settings)}
        for side in sides_of(self.entry.game):  # a side the cast gives nothing plays as its role
            if side.name in self.cast.roles:
                choice = self.cast.side(side)
                roles[side.name] = {"model": choice.model, "persona": choice.persona, **dict(choice.settings)}
        return {
            "game": self.entry.game.name,
            "settings": dict(sorted(self.entry.settings.items())),
            "games": games_of(self.entry, plan),
            "seed": self.seed,
            "roles": roles,
            "base_url": self.cast.base_url,
            "persona_dirs": list(plan.persona_dirs),
            "request_timeout": plan.request_timeout,
        }

    def key_of(self, field: Sequence[str]) -> Key:
        """Where the plan sets a field of the definition (a path such as ("roles", ROLE, "model"))."""
        label = self.entry.label
        if field[0] == "settings":
            return ("game", label, *field[1:])
        if field[0] == "roles" and len(field) == 3:
            return self.cast.key_of(field[1], field[2])
        if field[0] == "games":
            return ("game", label, "games") if self.entry.games is not None else ("games",)
        if field[0] == "seed":
            return ("seeds",)
        if field[0] == "base_url":
            return ("cast", self.cast.name, "base_url")
        return (field[0],)

    def arguments(self, plan: EvalPlan, games: int | None) -> list[str]:
        """The game command's flags for this cell's games (`games`: how many, None for the command's
        default); paths relative to the plan's folder."""
        found = entry_arguments(self.entry, plan)
        if games is not None:
            found.append(f"--games={games}")
        found.append(f"--seed={self.seed}")
        found += self._cast_arguments(plan)
        found += [f"--persona-dir={plan.path(folder)}" for folder in plan.persona_dirs]
        if plan.request_timeout is not None:
            found.append(f"--request-timeout={plan.request_timeout:g}")
        return found

    def _cast_arguments(self, plan: EvalPlan) -> list[str]:
        cast = self.cast
        found = []
        if cast.everyone.model:
            found.append(f"--model={_model(cast.everyone.model, plan)}")
        for setting, value in cast.everyone.settings.items():
            found.append(f"{settings_flag(setting)}={value}")
        for role in self.entry.game.roles:
            own = cast.roles.get(role.name)
            if own is not None and own.model:
                found.append(f"--{role.name}-model={_model(own.model, plan)}")
            persona = cast.role(role.name).persona
            if persona:
                found.append(f"--{role.name}={plan.path(persona) if looks_like_path(persona) else persona}")
            for setting, value in own.settings.items() if own is not None else ():
                found.append(f"{settings_flag(setting, role.name)}={value}")
        for side in sides_of(self.entry.game):  # only its own choices: the command gives it its role's
            choice = cast.side(side)
            if choice.model:
                found.append(f"--{side.name}-model={_model(choice.model, plan)}")
            if choice.persona:
                persona = choice.persona
                found.append(f"--{side.name}={plan.path(persona) if looks_like_path(persona) else persona}")
            for setting, value in choice.settings.items():
                found.append(f"{settings_flag(setting, side.name)}={value}")
        if cast.base_url:
            found.append(f"--base-url={cast.base_url}")
        return found


def entry_arguments(entry: GameEntry, plan: EvalPlan) -> list[str]:
    """The game's own flags from a game's table; paths relative to the plan's folder."""
    flags = own_flags(entry.game.name)
    found: list[str] = []
    for dest, value in sorted(entry.settings.items()):
        action = flags[dest]
        if action.nargs == 0:
            found += [flag_of(action)] if value else []
        else:
            text = plan.path(str(value)) if takes_path(action) else str(value)
            found.append(f"{flag_of(action)}={text}")
    return found


def _model(model: str, plan: EvalPlan) -> str:
    """A model name; a `script:FILE` model's file relative to the plan's folder."""
    if model.startswith(SCRIPT_PREFIX):
        return SCRIPT_PREFIX + plan.path(model.removeprefix(SCRIPT_PREFIX))
    return model


def games_of(entry: GameEntry, plan: EvalPlan) -> int | str | None:
    """How many games each of `entry`'s cells plays, as the plan says (a number, ALL or None)."""
    return entry.games if entry.games is not None else plan.games


@dataclass(frozen=True)
class PreparedCell:
    """A cell checked by the game command: its flags and the number of games it plans."""

    cell: Cell
    game_arguments: tuple[str, ...]
    planned: int

    @property
    def id(self) -> str:
        return self.cell.id


def prepare_cells(plan: EvalPlan) -> list[PreparedCell]:
    """Every cell of `plan`, checked by the game command: each game's data loaded with its settings,
    then each cast's games planned by the command's `plan()`. PlanError lists every problem (a deck
    that will not load, a model that needs a server...)."""
    problems: list[Problem] = []
    prepared: list[PreparedCell] = []
    for entry in plan.entries.values():
        trouble = _data_problem(entry, plan)
        if trouble is not None:
            problems.append(trouble)
            continue
        for cast in plan.casts_of(entry):
            try:
                count, planned = _planned(Cell(entry, cast, plan.seeds[0]), plan)
            except (UsageError, ArgumentsRejected) as exc:
                key = _key_of(str(exc), entry, plan) or ("cast", cast.name)
                shown = str(exc) if key[0] == "cast" else f"with the cast {cast.name}: {exc}"
                problems.append(plan.problem(shown, key))
                continue
            for seed in plan.seeds:
                cell = Cell(entry, cast, seed)
                prepared.append(PreparedCell(cell, tuple(cell.arguments(plan, count)), planned))
    problems += _collisions(plan, prepared)
    if problems:
        raise PlanError(sorted(dict.fromkeys(problems), key=lambda p: p.line or 0))
    return prepared


def _data_problem(entry: GameEntry, plan: EvalPlan) -> Problem | None:
    """Why the game's data will not load with the entry's settings (its deck, its instances...), if so."""
    game = entry.game
    try:
        args = parse(game, entry_arguments(entry, plan))
        game.prepare(config_from_args(game.config_type, args))
    except (UsageError, ArgumentsRejected) as exc:
        return plan.problem(str(exc), _key_of(str(exc), entry, plan) or ("game", entry.label))
    return None


def _planned(cell: Cell, plan: EvalPlan) -> tuple[int | None, int]:
    """The number of games to ask the command for (None: its default) and the games it then plans."""
    game = cell.entry.game
    wanted = games_of(cell.entry, plan)
    count = wanted if isinstance(wanted, int) else None
    chosen = command.plan(game, parse(game, cell.arguments(plan, count)))
    if wanted == ALL:  # every subject once: the whole deck, every instance...
        prepared = chosen.prepared
        count = 1 if prepared.fixed_subject is not None else len(prepared.subjects)
        chosen = command.plan(game, parse(game, cell.arguments(plan, count)))
    return count, len(chosen.specs)


def _key_of(message: str, entry: GameEntry, plan: EvalPlan) -> Key | None:
    """The game setting a message of the game command is about: its flag or its path is named."""
    for dest, action in own_flags(entry.game.name).items():
        if dest not in entry.settings:
            continue
        value = str(entry.settings[dest])
        named = [*action.option_strings, plan.path(value) if takes_path(action) else None]
        if any(text and text in message for text in named):
            return ("game", entry.label, dest)
    return None


def _collisions(plan: EvalPlan, prepared: Sequence[PreparedCell]) -> list[Problem]:
    """Two cells whose log files would share a name (a label or cast name with dashes can do that)."""
    seen: dict[str, PreparedCell] = {}
    problems = []
    for cell in prepared:
        other = seen.setdefault(cell.id, cell)
        if other is not cell:
            message = (
                f"the cells {other.cell.entry.label} x {other.cell.cast.name} and "
                f"{cell.cell.entry.label} x {cell.cell.cast.name} would both log to {cell.id}: rename one"
            )
            problems.append(plan.problem(message, ("game", cell.cell.entry.label)))
    return problems


def run_arguments(plan: EvalPlan, log: Path, resume: Path | None) -> list[str]:
    """The flags that say how a cell runs (not what it plays): quiet, its log, the resumed log, the
    concurrency, and the workers' server."""
    found = ["--quiet", f"--log={log}"]
    if resume is not None:
        found.append(f"--resume={resume}")
    for flag, value in (
        ("--concurrency", plan.concurrency),
        ("--max-concurrent-calls", plan.max_concurrent_calls),
        ("--rpm", plan.rpm),
        ("--redis", plan.redis),
        ("--queue", plan.queue),
    ):
        if value is not None:
            found.append(f"{flag}={value}")
    return found
