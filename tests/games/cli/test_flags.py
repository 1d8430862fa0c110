"""The common game flags: --request-timeout."""

from __future__ import annotations

import argparse

import pytest

from games.cli.flags import add_common_flags
from games.cli.resume import Resumed


def parser() -> argparse.ArgumentParser:
    built = argparse.ArgumentParser(prog="game", exit_on_error=False)
    add_common_flags(built, ["hinter", "guesser"])
    return built


def test_request_timeout_is_unset_by_default():
    """Without the flag, --request-timeout is None so the persona, environment or default decide."""
    assert parser().parse_args([]).request_timeout is None


def test_request_timeout_takes_fractions_of_a_second():
    """--request-timeout 2.5 is 2.5 seconds."""
    assert parser().parse_args(["--request-timeout", "2.5"]).request_timeout == 2.5


@pytest.mark.parametrize("value", ["0", "-1", "soon", "inf"])
def test_request_timeout_must_be_positive_seconds(value):
    """Zero, negative, infinite or non-numeric timeouts are usage errors that say what is expected."""
    with pytest.raises(argparse.ArgumentError, match="expected a number of seconds"):
        parser().parse_args(["--request-timeout", value])


def resumed(config: dict) -> Resumed:
    return Resumed(source="old.jsonl", config=config, specs=None, casts={}, finished={})


def command_line(*flags: str) -> argparse.Namespace:
    args = parser().parse_args(list(flags))
    args.model, args.offline, args.hinter_model, args.hinter = None, False, None, None
    return args


def test_a_resumed_run_keeps_a_request_timeout_given_on_its_command_line():
    """--resume takes the log's timeout only when none is given: a slow model on resume is not refused."""
    recorded = resumed({"seed": 3, "request_timeout": 30.0})
    assert recorded.flags(command_line("--request-timeout", "90"), ["hinter"]).request_timeout == 90.0
    assert recorded.flags(command_line(), ["hinter"]).request_timeout == 30.0
    assert recorded.flags(command_line(), ["hinter"]).seed == 3
