"""`--resume LOG`: what an interrupted batch planned, what it finished, the game's settings and the
flags it was run with.

A run log carries its whole plan (`run_started.plan`: every game's id, seed, subject and cast) and the
games finished in the logs it resumed (`run_started.carried`), so a resumed run can itself be resumed:
each log of the chain knows the whole batch, and no game is lost or played twice.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from games.cli.model_settings import SETTINGS, given, recorded_settings
from games.kit.config import Config, config_from_json
from games.kit.definition import GameSpec
from games.kit.exits import UsageError
from runtime.logread import LogFileError, read_events

# The common flags a resumed run takes from the log it resumes (the game's own settings: `settings`),
# and those it takes from the log only when the command line does not give them (they cast nobody).
RESUMED_FLAGS = ("seed", "games", "swap")
DEFAULTED_FLAGS = ("request_timeout",)


@dataclass(frozen=True)
class Resumed:
    """An interrupted run, read back from its log."""

    source: str
    config: Mapping[str, Any]
    specs: list[GameSpec] | None  # the recorded plan; None for logs written before plans were recorded
    casts: dict[str, dict[str, str]]  # game_id -> the cast the plan gave it
    finished: dict[str, dict[str, Any]]  # game_id -> its game_ended record, with the `log` it is in

    def settings(self, config_type: type[Config]) -> Config:
        """The game's settings as the resumed log recorded them; UsageError (one line) if malformed."""
        return config_from_json(config_type, self.config, f"{self.source}: line 1")

    def flags(
        self, args: argparse.Namespace, roles: Sequence[str], sides: Sequence[str] = ()
    ) -> argparse.Namespace:
        """The resumed run's flags: the seed and size from the log; models, personas and model settings
        from the log too, for every role the command line does not name one for, and for every side
        the log cast (games.cli.sides)."""
        merged = argparse.Namespace(**vars(args))
        for name in RESUMED_FLAGS:
            if name in self.config:
                setattr(merged, name, self.config[name])
        for name in DEFAULTED_FLAGS:
            if name in self.config and getattr(args, name, None) is None:
                setattr(merged, name, self.config[name])
        models = _mapping(self.config.get("models"))
        personas = _mapping(self.config.get("personas"))
        chose_models = args.model is not None or args.offline
        parts = [*roles, *sides]
        for role in parts:
            dest = role.replace("-", "_")
            recorded = _mapping(models.get(role))
            if not chose_models and getattr(args, f"{dest}_model") is None and recorded:
                backend, model = recorded.get("backend"), recorded.get("model")
                setattr(merged, f"{dest}_model", "offline" if backend == "offline" else model)
            persona = _mapping(personas.get(role))
            if getattr(args, dest, None) is None and persona:
                source = persona.get("source")
                setattr(merged, dest, persona.get("name") if source == "built-in" else source)
        settings = recorded_settings(self.config, roles, self.source, sides)
        for role in settings:
            for setting in SETTINGS:
                value = settings[role].get(setting.field)
                if value is not None and not given(args, role, setting):
                    setattr(merged, setting.dest(role), value)
        return merged

    @property
    def carried(self) -> list[dict[str, Any]]:
        """What the resumed run's run_started carries: every game finished so far in the chain."""
        return list(self.finished.values())


def read_resumed(path: str, game: str) -> Resumed:
    """Read the log of an interrupted `game` run; UsageError (one line) when it cannot be resumed."""
    finished: dict[str, dict[str, Any]] = {}
    try:
        events = read_events(path)
        started = next(events)
        config = _mapping(started.get("config"))
        if config.get("game") != game:
            raise UsageError(f"{path}: not a {game} run (it is {config.get('game')!r})")
        specs, casts = _plan(path, started.get("plan"))
        for record in _records(path, started.get("carried"), "carried"):
            finished[str(record.get("game_id"))] = record
        for event in events:
            if event.get("event") == "game_ended" and event.get("reason") != "interrupted":
                finished[str(event.get("game_id"))] = _carried(event, path)
    except LogFileError as exc:
        raise UsageError(str(exc)) from None
    if specs is not None:
        planned = {spec.game_id for spec in specs}
        finished = {game_id: record for game_id, record in finished.items() if game_id in planned}
    return Resumed(path, config, specs, casts, finished)


def published(source: str, config: Mapping[str, Any], plan: object) -> Resumed:
    """A batch published for workers (its run_started's config and plan), as a run to resume from its
    start; UsageError (one line) when the plan is malformed."""
    specs, casts = _plan(source, plan)
    return Resumed(source, config, specs, casts, {})


def _carried(ended: Mapping[str, Any], path: str) -> dict[str, Any]:
    """A game_ended record as a later log carries it: its own fields, the run and log it was played in."""
    record = {key: value for key, value in ended.items() if key not in _LINE_FIELDS}
    return {**record, "log": path}


_LINE_FIELDS = frozenset({"v", "seq", "event"})


def _plan(path: str, plan: object) -> tuple[list[GameSpec] | None, dict[str, dict[str, str]]]:
    if plan is None:
        return None, {}
    specs: list[GameSpec] = []
    casts: dict[str, dict[str, str]] = {}
    for number, entry in enumerate(_records(path, plan, "plan")):
        try:
            spec = GameSpec.from_plan(entry)
        except (KeyError, TypeError) as exc:
            raise UsageError(f"{path}: line 1: field plan[{number}] is not a planned game ({exc})") from None
        specs.append(spec)
        casts[spec.game_id] = {str(k): str(v) for k, v in _mapping(entry.get("cast")).items()}
    if len({spec.game_id for spec in specs}) != len(specs):
        raise UsageError(f"{path}: line 1: field plan names a game twice")
    return specs, casts


def _records(path: str, value: object, field: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise UsageError(f"{path}: line 1: field {field} is not a list of objects")
    return value


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
