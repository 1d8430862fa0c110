"""`python main.py --help` before `pip install`: the commands and how to install what they need (exit 0);
any other command is one line saying what is missing (exit 2)."""

from __future__ import annotations

import argparse
import subprocess
import sys

import main
from tests.support.cli import ROOT, clean_env


def _without_packages(*args: str) -> subprocess.CompletedProcess[str]:
    """main.py in an interpreter that sees no site-packages (-S): as before the project is installed."""
    return subprocess.run(
        [sys.executable, "-S", "main.py", *args],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_help_before_install_lists_the_commands_and_how_to_install() -> None:
    done = _without_packages("--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: python main.py")
    assert f"commands: {', '.join(main.commands_before_install())}" in done.stdout
    assert 'pip install -e ".[dev]"' in done.stdout and "is missing" in done.stdout


def test_a_command_before_install_is_one_line_and_exit_2() -> None:
    done = _without_packages("taboo", "--quiet")
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("error: ") and 'pip install -e ".[dev]"' in line


def test_the_commands_named_before_install_are_the_parsers() -> None:
    parser = main.build_parser()
    [subparsers] = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    assert sorted(subparsers.choices) == sorted(main.commands_before_install())
