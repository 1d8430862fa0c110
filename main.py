"""The command line: `python main.py --help`. Parse, configure, dispatch; the work lives in the packages."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

try:
    from rich.console import Console

    from games.common import exits, personas_command, replay, rerun
    from games.common.command import add_game_parser
    from games.common.registry import games_by_name
    from runtime import RunLogError
except ModuleNotFoundError as missing:  # run before `pip install`: say so in one line
    print(
        f'error: {missing.name} is not installed; run: pip install -e ".[dev]" (see README.md)',
        file=sys.stderr,
    )
    sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python main.py",
        description="Multi-agent simulations on asyncio queues: every agent is an AsyncFlow with a mailbox.",
        epilog="Run 'python main.py COMMAND --help' for a command's options. Logs go to runs/ by default.",
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for game in games_by_name().values():
        add_game_parser(subparsers, game)
    personas_command.add_parser(subparsers)
    replay.add_parser(subparsers)
    rerun.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    console = Console(highlight=False)
    try:
        return asyncio.run(args.command(args, console))
    except (exits.UsageError, RunLogError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exits.USAGE
    except KeyboardInterrupt:
        print("interrupted; the run log was closed", file=sys.stderr)
        return exits.INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
