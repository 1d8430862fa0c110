"""The games this program knows, by command name: every package `games/<name>/` with a `definition`
module exporting `GAME` (a GameDefinition). A new game needs no line anywhere else."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

import games
from agents.personas import Casting
from games.kit.definition import GameDefinition

FIRST = ("taboo", "twenty_questions", "chameleon")  # the order `--help` lists them in; others follow
SHARED = frozenset({"kit", "cli", "logtools"})  # games/'s folders of shared code, not games


@cache
def games_by_name() -> dict[str, GameDefinition]:
    """Every game, by command name (imported on first use: game modules import this package)."""
    packages = sorted(
        (
            info.name
            for info in pkgutil.iter_modules(games.__path__)
            if info.ispkg and info.name not in SHARED
        ),
        key=lambda name: (FIRST.index(name) if name in FIRST else len(FIRST), name),
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
    return found


def castings() -> dict[str, Casting]:
    """Each game's roles as personas see them, by game name."""
    from games.cli.personas import casting_of

    return {name: casting_of(game) for name, game in games_by_name().items()}
