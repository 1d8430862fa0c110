"""The common game flags: --request-timeout."""

from __future__ import annotations

import argparse

import pytest

from games.cli.flags import add_common_flags


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
