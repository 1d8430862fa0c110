"""The command line: `python main.py --help`. Parse, configure, dispatch; the work lives in the packages."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

DESCRIPTION = "Multi-agent simulations on asyncio queues: every agent is an AsyncFlow with a mailbox."
# The commands besides the games, each with the module whose `add_parser` adds it: a run imports only its
# own command's module (a test keeps these and the games found in games/ equal to the parser's commands).
TOOL_COMMANDS = {
    "personas": "games.cli.personas_command",
    "replay": "games.logtools.replay",
    "rerun": "games.logtools.rerun",
    "import": "games.cli.import_command",
    "eval": "games.cli.evals.command",
    "report": "games.logtools.report.command",
    "worker": "games.cli.distributed.worker_command",
}
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


def not_installed(missing: ModuleNotFoundError) -> NoReturn:
    """Run before `pip install`: `--help` lists the commands; anything else is one line."""
    if sys.argv[1:] and set(sys.argv[1:]) <= {"-h", "--help"}:
        print(help_before_install(str(missing.name)))
        sys.exit(0)
    print(
        f'error: {missing.name} is not installed; run: pip install -e ".[dev]" (see README.md)',
        file=sys.stderr,
    )
    sys.exit(2)


def import_structlog_without_rich() -> None:
    """Import structlog with rich hidden. structlog imports rich, where it is installed, for its
    development console and its traceback pretty-printing; this program uses neither (its run log is
    JSON lines), and that import was a quarter of an offline game's start-up. rich stays importable:
    the terminal imports it when it first draws."""
    if "structlog" in sys.modules or "rich" in sys.modules:
        return
    sys.modules["rich"] = None  # type: ignore[assignment]  # `import rich` raises ImportError meanwhile
    try:
        import structlog  # noqa: F401
    except ModuleNotFoundError:
        pass  # not installed yet: said below, as for every other package
    finally:
        del sys.modules["rich"]


import_structlog_without_rich()
try:
    from games.cli.signals import Terminated, until_stopped
    from games.cli.terminal import error_line, terminal_console
    from games.kit import exits
    from runtime.errors import LogWriteError, RunLogError
except ModuleNotFoundError as missing:
    not_installed(missing)


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


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every command's parser, or only `command`'s: a run imports the modules of its own command, not
    those of every game and tool."""
    parser = _Parser(
        prog="python main.py",
        description=DESCRIPTION,
        epilog="Run 'python main.py COMMAND --help' for a command's options. Logs go to runs/ by default.",
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    try:
        _add_commands(subparsers, command)
    except ModuleNotFoundError as missing:
        not_installed(missing)
    for sub in subparsers.choices.values():
        sub.set_defaults(command_prog=sub.prog)  # whose --help a usage error points to
    return parser


def _add_commands(subparsers: argparse._SubParsersAction, command: str | None) -> None:
    from games.cli.command import add_game_parser
    from games.cli.registry import game_called, games_by_name

    if command is None:
        games = list(games_by_name().values())
    else:
        game = game_called(command) if command not in TOOL_COMMANDS else None
        games = [game] if game is not None else []
    for game in games:
        add_game_parser(subparsers, game)
    for name, module in TOOL_COMMANDS.items():
        if command in (None, name):
            importlib.import_module(module).add_parser(subparsers)


def command_named(argv: Sequence[str]) -> str | None:
    """The command `argv` runs, when it is one this program has (its first word)."""
    return argv[0] if argv and argv[0] in commands_before_install() else None


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(command_named(argv))
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
