"""The command line: `python main.py --help`. Parse, configure, dispatch; the work lives in the packages."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from typing import NoReturn

try:
    from games.cli import import_command, personas_command
    from games.cli.command import add_game_parser
    from games.cli.distributed import worker_command
    from games.cli.evals import command as eval_command
    from games.cli.registry import games_by_name
    from games.cli.signals import Terminated, until_stopped
    from games.cli.terminal import error_line, terminal_console
    from games.kit import exits
    from games.logtools import replay, report, rerun
    from runtime.errors import LogWriteError, RunLogError
except ModuleNotFoundError as missing:  # run before `pip install`: say so in one line
    print(
        f'error: {missing.name} is not installed; run: pip install -e ".[dev]" (see README.md)',
        file=sys.stderr,
    )
    sys.exit(2)


class _Parser(argparse.ArgumentParser):
    """argparse, with its error line cleaned (it quotes what the user typed)."""

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            error_line(message.rstrip("\n"))
        super().exit(status)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
    import_command.add_parser(subparsers)
    eval_command.add_parser(subparsers)
    report.add_parser(subparsers)
    worker_command.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    console = terminal_console()  # cleans what it prints, reads no markup, quiet once nobody reads
    try:
        return asyncio.run(until_stopped(args.command(args, console)))
    except (exits.UsageError, RunLogError) as exc:
        error_line(f"error: {exc}")
        return exits.USAGE
    except LogWriteError as exc:  # a full disk: the lines written so far stay valid
        error_line(f"error: {exc}")
        return exits.FAILED
    except KeyboardInterrupt:
        error_line("interrupted; the run log was closed")
        return exits.INTERRUPTED
    except Terminated as stop:  # SIGTERM or SIGHUP: wound down as Ctrl-C does
        error_line(f"stopped by {stop.name}; the run log was closed")
        return stop.exit_code
    finally:
        console.file.flush()  # a reader gone by now is noticed here, not at the interpreter's exit


if __name__ == "__main__":
    sys.exit(main())
