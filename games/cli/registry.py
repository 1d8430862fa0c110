"""The games this program knows, by command name: every package `games/<name>/` with a `definition`
module exporting `GAME` (a GameDefinition). A new game needs no line anywhere else."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from functools import cache
from typing import Any

import games
from agents.personas import Casting
from games.kit.common_events import SHARED_EVENTS
from games.kit.definition import GameDefinition
from games.kit.events import EventCatalog

SHARED = frozenset({"kit", "cli", "logtools"})  # games/'s folders of shared code, not games


@cache
def games_by_name() -> dict[str, GameDefinition]:
    """Every game, by command name (imported on first use: game modules import this package)."""
    packages = sorted(
        info.name for info in pkgutil.iter_modules(games.__path__) if info.ispkg and info.name not in SHARED
    )
    found: dict[str, GameDefinition] = {}
    for package in packages:
        try:
            module = importlib.import_module(f"games.{package}.definition")
        except ModuleNotFoundError as exc:
            if exc.name != f"games.{package}.definition":
                raise
            continue  # a package of shared code, not a game
        game = module.GAME
        found[game.name] = game
    return dict(sorted(found.items(), key=lambda item: (getattr(item[1], "listed", 100), item[0])))


@cache
def catalog_for(name: object) -> EventCatalog:
    """The events of the game called `name` (the shared ones and its own) and its officials; only the
    shared events for a game this program does not know."""
    game = game_called(str(name)) if name is not None else None
    if game is None:
        return SHARED_EVENTS
    return SHARED_EVENTS.with_game(getattr(game, "events", ()), getattr(game, "officials", ()))


def game_called(name: str) -> GameDefinition | None:
    """The game called `name`: its own package tried first (a log's reader need not import every game)."""
    try:
        module = importlib.import_module(f"games.{name.replace('-', '_')}.definition")
    except (ImportError, ValueError):  # no such package (a name from a log may be anything)
        module = None
    game = getattr(module, "GAME", None)
    if game is not None and getattr(game, "name", None) == name:
        return game
    return games_by_name().get(name)


class FollowedCatalog:
    """The catalog of the game a log is about, followed through its records: `run_started`'s
    configuration names the game, and so does each `game_started`."""

    def __init__(self, game: str | None = None) -> None:
        self.current = catalog_for(game)

    def __call__(self, record: Mapping[str, Any]) -> EventCatalog:
        event = record.get("event")
        if event == "run_started":
            config = record.get("config")
            if isinstance(config, Mapping) and isinstance(config.get("game"), str):
                self.current = catalog_for(config["game"])
        elif event == "game_started" and isinstance(record.get("game"), str):
            self.current = catalog_for(record["game"])
        return self.current


def castings() -> dict[str, Casting]:
    """Each game's roles as personas see them, by game name."""
    from games.cli.personas import casting_of

    return {name: casting_of(game) for name, game in games_by_name().items()}
