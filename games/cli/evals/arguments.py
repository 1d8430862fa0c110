"""The game command's own parser, for an eval to build each cell's run from: a cell is a list of flags
parsed as `python main.py GAME ...` would parse them, so validation and behaviour are the command's."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from functools import cache
from typing import NoReturn

from games.cli.command import add_game_parser
from games.cli.registry import games_by_name
from games.kit.definition import GameDefinition

PATH_METAVARS = frozenset({"PATH", "FILE", "DIR"})  # flags whose value is a file or folder


class ArgumentsRejected(Exception):
    """The game command's parser refused a flag; the message is argparse's, without the program name."""


class _Raising(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise ArgumentsRejected(message)


@cache
def game_parser(name: str) -> argparse.ArgumentParser:
    """`python main.py <name>`'s parser, raising ArgumentsRejected instead of exiting."""
    root = _Raising(prog="python main.py", add_help=False)
    subparsers = root.add_subparsers()
    add_game_parser(subparsers, games_by_name()[name])
    return subparsers.choices[name]


def parse(game: GameDefinition, arguments: Sequence[str]) -> argparse.Namespace:
    """The game command's Namespace for `arguments`; ArgumentsRejected if it refuses them."""
    return game_parser(game.name).parse_args(list(arguments))


@cache
def own_flags(name: str) -> Mapping[str, argparse.Action]:
    """The game's own flags (and --swap where it has it), by dest, as its command's parser has them."""
    own = argparse.ArgumentParser(add_help=False)
    games_by_name()[name].add_arguments(own)
    dests = {action.dest for action in own._actions} | {"swap"}
    full = game_parser(name)
    return {action.dest: action for action in full._actions if action.dest in dests and action.option_strings}


def flag_of(action: argparse.Action) -> str:
    return max(action.option_strings, key=len)


def has_flag(game: GameDefinition, flag: str) -> bool:
    """Whether the game command takes `flag` (the model settings flags come with a later version)."""
    return flag in game_parser(game.name)._option_string_actions


def takes_path(action: argparse.Action) -> bool:
    return action.metavar in PATH_METAVARS


def rejected_reason(message: str, flag: str) -> str:
    """argparse's message without its "argument --flag: " prefix."""
    for prefix in (f"argument {flag}: ", f"argument {flag}/"):
        if message.startswith(prefix):
            return message.split(": ", 1)[1]
    return message
