"""The command line: `python main.py --help`. Parse, configure, dispatch; the work lives in the packages."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

DESCRIPTION = "Multi-agent simulations on asyncio queues: every agent is an AsyncFlow with a mailbox."
# The commands besides the games, for `--help` before the packages are installed (a test keeps them and
# the games found in games/ equal to the parser's commands).
TOOL_COMMANDS = ("personas", "replay", "rerun", "import", "eval", "report", "worker")
SHARED_FOLDERS = frozenset({"kit", "cli", "logtools"})  # games/'s folders of shared code, not games


def commands_before_install() -> list[str]:
    """Every command, found without importing anything: the games (each folder games/<name>/ with a
    definition module) and the tools."""
    folder = Path(__file__).resolve().parent / "games"
    found = (entry for entry in folder.iterdir() if (entry / "definition.py").is_file())
    games = sorted(entry.name.replace("_", "-") for entry in found if entry.name not in SHARED_FOLDERS)
    return [*games, *TOOL_COMMANDS]


def help_before_install(missing: str) -> str:
    """What `--help` says when the project's packages are not installed yet: the commands, and how to
    install what they need."""
    return (
        f"usage: python main.py [-h] COMMAND ...\n\n{DESCRIPTION}\n\n"
        f"commands: {', '.join(commands_before_install())}\n\n"
        f"The packages the commands need are not installed yet ({missing} is missing). Install them:\n"
        f'  pip install -e ".[dev]"    (see README.md)\n'
        f"then 'python main.py COMMAND --help' shows a command's options."
    )


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
    if sys.argv[1:] and set(sys.argv[1:]) <= {"-h", "--help"}:
        print(help_before_install(str(missing.name)))
        sys.exit(0)
    print(
        f'error: {missing.name} is not installed; run: pip install -e ".[dev]" (see README.md)',
        file=sys.stderr,
    )
    sys.exit(2)


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error said in one line that ends with where to look (`--help`) instead of
    the usage block first, and cleaned (it quotes what the user typed)."""

    def error(self, message: str) -> NoReturn:
        self.exit(exits.USAGE, f"{self.prog}: error: {message} (see: {self.prog} --help)\n")

    def parse_args(self, args: Sequence[str] | None = None, namespace: object = None) -> argparse.Namespace:  # type: ignore[override]
        """As argparse's, but an argument no command knows is blamed on the command given, whose help
        the hint names."""
        parsed, extras = self.parse_known_args(args, namespace)  # type: ignore[arg-type]
        if extras:
            prog = getattr(parsed, "command_prog", self.prog)
            self.exit(
                exits.USAGE,
                f"{prog}: error: unrecognized arguments: {' '.join(extras)} (see: {prog} --help)\n",
            )
        return parsed

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            error_line(message.rstrip("\n"))
        super().exit(status)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python main.py",
        description=DESCRIPTION,
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
    for command in subparsers.choices.values():
        command.set_defaults(command_prog=command.prog)  # whose --help a usage error points to
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
