"""Casting a game's sides (games.kit.definition.Side): seats of a role that the game's seed puts on a
side of their own, such as Chameleon's chameleon. A side is *cast* when the command line gives it
something of its own (`--SIDE-model`, `--SIDE`, `--SIDE-temperature`, `--SIDE-max-tokens`); then it
has its own entries beside the roles' (a model, a persona, model settings), what it was not given
taken from its role, and run_started's config records them under the side's name. A side not cast has
no entries: its seats play as their role, and the log is what it would be without sides.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from games.cli.model_settings import SETTINGS, RoleSettings
from games.kit.definition import GameDefinition, Side, sides_of


def side_dests(side: Side) -> tuple[str, ...]:
    """The argparse destinations of a side's own flags: its model, its persona, its model settings."""
    dest = _dest(side.name)
    return (f"{dest}_model", dest, *(setting.dest(side.name) for setting in SETTINGS))


def cast_sides(args: argparse.Namespace, game: GameDefinition) -> tuple[Side, ...]:
    """The game's sides that the flags give something of their own."""
    return tuple(
        side
        for side in sides_of(game)
        if any(getattr(args, dest, None) is not None for dest in side_dests(side))
    )


def side_models(
    args: argparse.Namespace, sides: tuple[Side, ...], per_role: Mapping[str, str | None]
) -> dict[str, str | None]:
    """Each cast side's model flag: its own, else its role's (None: --model's, as for the role)."""
    return {
        side.name: getattr(args, f"{_dest(side.name)}_model") or per_role.get(side.role) for side in sides
    }


def side_personas(args: argparse.Namespace, sides: tuple[Side, ...]) -> dict[str, str | None]:
    """Each cast side's persona flag: its own, else its role's (None: the built-in default)."""
    return {
        side.name: getattr(args, _dest(side.name), None) or getattr(args, _dest(side.role), None)
        for side in sides
    }


def side_settings(args: argparse.Namespace, sides: tuple[Side, ...], per_role: RoleSettings) -> RoleSettings:
    """Each cast side's model settings: its own flags over its role's settings."""
    chosen: RoleSettings = {}
    for side in sides:
        own = {setting.field: getattr(args, setting.dest(side.name), None) for setting in SETTINGS}
        chosen[side.name] = {**per_role.get(side.role, {}), **{k: v for k, v in own.items() if v is not None}}
    return chosen


def _dest(name: str) -> str:
    return name.replace("-", "_")
