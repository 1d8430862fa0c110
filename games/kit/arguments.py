"""The flag types and flags a game's own arguments use (the common flags are games/cli/flags.py)."""

from __future__ import annotations

import argparse

DEFAULT_REPROMPTS = 1  # re-prompts for a malformed reply, per player, before the game is aborted


def whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def positive_int(text: str) -> int:
    value = whole_number(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


def non_negative_int(text: str) -> int:
    value = whole_number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def add_reprompts_flag(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """--reprompts R: how often a referee re-prompts a malformed reply before the game is aborted."""
    parser.add_argument(
        "--reprompts",
        type=non_negative_int,
        default=DEFAULT_REPROMPTS,
        metavar="R",
        help=f"re-prompts for a malformed reply (default {DEFAULT_REPROMPTS})",
    )


DEFAULT_GAME_CONCURRENCY = 8


def add_concurrency_flag(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """--concurrency K: how many games one process plays at once."""
    parser.add_argument(
        "--concurrency",
        type=positive_int,
        default=DEFAULT_GAME_CONCURRENCY,
        metavar="K",
        help=f"at most K games in flight (default {DEFAULT_GAME_CONCURRENCY})",
    )
