"""The common game flags: --request-timeout, --temperature and --max-tokens (every role, one role)."""

from __future__ import annotations

import argparse
import re

import pytest

from games.cli.flags import add_common_flags
from games.cli.model_settings import recorded_settings, settings_from_args
from games.cli.resume import Resumed
from games.kit.exits import UsageError


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


# -- --temperature and --max-tokens ----------------------------------------------------------------


def test_model_settings_are_unset_by_default():
    """Without the flags no role's settings are set: the personas' own apply."""
    args = parser().parse_args([])
    assert settings_from_args(args, ["hinter", "guesser"]) == {"hinter": {}, "guesser": {}}


def test_a_roles_own_setting_wins_over_the_one_for_every_role():
    """--hinter-temperature overrides --temperature for the hinter only; --max-tokens holds for both."""
    args = parser().parse_args(
        [
            "--temperature",
            "0.7",
            "--hinter-temperature",
            "0",
            "--max-tokens",
            "40",
            "--guesser-max-tokens",
            "9",
        ]
    )
    assert settings_from_args(args, ["hinter", "guesser"]) == {
        "hinter": {"temperature": 0.0, "max_tokens": 40},
        "guesser": {"temperature": 0.7, "max_tokens": 9},
    }


@pytest.mark.parametrize("flag", ["--temperature", "--guesser-temperature"])
@pytest.mark.parametrize("value", ["-0.1", "2.01", "warm", "nan", "inf"])
def test_temperature_must_be_a_number_from_0_to_2(flag, value):
    """A temperature outside 0..2, not finite or not a number is a usage error saying what is expected."""
    with pytest.raises(argparse.ArgumentError, match=f"{flag}: expected a number from 0 to 2, got '{value}'"):
        parser().parse_args([flag, value])


@pytest.mark.parametrize("flag", ["--max-tokens", "--hinter-max-tokens"])
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", "expected a number of at least 1, got 0"),
        ("-5", "expected a number of at least 1, got -5"),
        ("1.5", "expected a whole number, got '1.5'"),
    ],
)
def test_max_tokens_must_be_a_positive_whole_number(flag, value, expected):
    """Max tokens of 0, negative or fractional is a usage error saying what is expected."""
    with pytest.raises(argparse.ArgumentError, match=re.escape(f"{flag}: {expected}")):
        parser().parse_args([flag, value])


def test_the_bounds_of_temperature_are_allowed():
    """0 and 2 are temperatures."""
    assert parser().parse_args(["--temperature", "2"]).temperature == 2.0
    assert parser().parse_args(["--temperature", "0"]).temperature == 0.0


def recorded_run(settings: object) -> Resumed:
    return resumed({"seed": 3, "model_settings": settings})


def test_a_resumed_run_takes_the_logs_settings_for_what_its_command_line_does_not_set():
    """--resume fills in each role's recorded settings the flags leave unset; a flag given is kept (the
    Plan then compares the two and refuses a difference)."""
    recorded = recorded_run(
        {"hinter": {"temperature": 0.2, "max_tokens": 30}, "guesser": {"temperature": 0.9}}
    )
    roles = ["hinter", "guesser"]
    assert settings_from_args(recorded.flags(command_line(), roles), roles) == {
        "hinter": {"temperature": 0.2, "max_tokens": 30},
        "guesser": {"temperature": 0.9},
    }
    args = recorded.flags(command_line("--temperature", "0.5"), roles)
    assert settings_from_args(args, roles) == {
        "hinter": {"temperature": 0.5, "max_tokens": 30},
        "guesser": {"temperature": 0.5},
    }


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ([1], "config.model_settings is not an object"),
        ({"hinter": 0.2}, "config.model_settings.hinter is not an object"),
        ({"narrator": {}}, "'narrator' is not a role of this game"),
        ({"hinter": {"top_k": 3}}, "unknown setting 'top_k'"),
        ({"hinter": {"temperature": "hot"}}, "hinter.temperature: expected a number, got str"),
        ({"hinter": {"temperature": 7}}, "hinter.temperature: expected a number from 0 to 2"),
        ({"hinter": {"max_tokens": 2.5}}, "hinter.max_tokens: expected a whole number"),
        ({"hinter": {"max_tokens": True}}, "hinter.max_tokens: expected a number, got bool"),
    ],
)
def test_malformed_recorded_settings_are_one_line_naming_the_field(settings, message):
    """A log whose model_settings no flag could have written is refused, naming the file and field."""
    with pytest.raises(UsageError, match=re.escape(message)) as caught:
        recorded_settings({"model_settings": settings}, ["hinter", "guesser"], "old.jsonl")
    assert str(caught.value).startswith("old.jsonl: run_started's config.model_settings")


def test_a_log_without_model_settings_set_none():
    """Logs written before the flags existed record none: every role plays its persona's settings."""
    assert recorded_settings({"seed": 1}, ["hinter"], "old.jsonl") == {"hinter": {}}
