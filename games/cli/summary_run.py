"""What a summary summarises: the run a log's run_started describes (its id, game, rule set, seed,
casts, plan) and the log it is in, as the `run` object of `--summary-json` (README, "Many games at once")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from games.cli.model_settings import CONFIG_KEY as SETTINGS_KEY


def described_run(started: Mapping[str, Any] | None, log: str | None) -> dict[str, Any]:
    """The `run` object of a summary: read from `started` (a run_started record; None when the summary
    saw none) and `log`, the run log's path (None where the summary was not made by the run)."""
    started = started or {}
    config = _mapping(started.get("config"))
    plan = [entry for entry in _list(started.get("plan")) if isinstance(entry, Mapping)]
    rules = config.get("rules")
    return {
        "run_id": started.get("run_id"),
        "game": config.get("game"),
        "rules": rules if isinstance(rules, str) else None,
        "seed": config.get("seed"),
        "log": log,
        "resumed_from": config.get("resumed_from"),
        "cast": _cast(config),
        "casts": _casts(plan),
        "games_planned": [str(entry.get("game_id")) for entry in plan],
    }


def _cast(config: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Per role: the model (and its backend), the persona and the model settings the command line set."""
    models = _mapping(config.get("models"))
    personas = _mapping(config.get("personas"))
    settings = _mapping(config.get(SETTINGS_KEY))
    cast = {}
    for role in dict.fromkeys([*models, *personas]):
        model, persona = _mapping(models.get(role)), _mapping(personas.get(role))
        cast[str(role)] = {
            "model": model.get("model"),
            "backend": model.get("backend"),
            "persona": persona.get("name"),
            "persona_source": persona.get("source"),
            "settings": dict(_mapping(settings.get(role))),
        }
    return cast


def _casts(plan: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The plan's distinct casts (agent -> "model/persona"), each with its games, in plan order: one
    for most runs, two with --swap."""
    groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for entry in plan:
        players = tuple(sorted((str(a), str(p)) for a, p in _mapping(entry.get("cast")).items()))
        groups.setdefault(players, []).append(str(entry.get("game_id")))
    return [{"players": dict(players), "games": games} for players, games in groups.items()]


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []
