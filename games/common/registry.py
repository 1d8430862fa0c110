"""The games this program knows, by command name. A new game adds one line to `_MODULES`."""

from __future__ import annotations

import importlib

from agents.personas import Casting
from games.common.definition import GameDefinition

# Each module exports GAME, its GameDefinition.
_MODULES = ("games.taboo.definition", "games.twenty_questions.definition", "games.chameleon.definition")


def games() -> dict[str, GameDefinition]:
    """Every game, by name, in the order above (imported on first use: game modules import this package)."""
    found: dict[str, GameDefinition] = {}
    for module in _MODULES:
        try:
            game = importlib.import_module(module).GAME
        except ModuleNotFoundError as exc:
            if exc.name is None or not module.startswith(exc.name):
                raise
            continue  # not installed in this tree
        found[game.name] = game
    return found


def castings() -> dict[str, Casting]:
    """Each game's roles as personas see them, by game name."""
    from games.common.personas import casting_of

    return {name: casting_of(game) for name, game in games().items()}
