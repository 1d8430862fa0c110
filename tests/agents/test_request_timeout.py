"""The per-request timeout's precedence (flag > persona > environment > default) and its checks."""

from __future__ import annotations

import pytest

from agents.errors import ModelConfigError
from agents.request_timeout import (
    DEFAULT_REQUEST_TIMEOUT_S,
    REQUEST_TIMEOUT_ENV,
    parse_seconds,
    resolve_request_timeout,
)

ENV = {REQUEST_TIMEOUT_ENV: "45"}


def test_flag_wins_over_persona_and_environment():
    """--request-timeout is used whatever the persona and the environment say."""
    assert resolve_request_timeout(5.0, 30.0, ENV) == 5.0


def test_persona_wins_over_environment():
    """Without the flag, the persona's request_timeout beats the environment variable."""
    assert resolve_request_timeout(None, 30.0, ENV) == 30.0


def test_environment_wins_over_default():
    """Without flag or persona setting, the environment variable is used."""
    assert resolve_request_timeout(None, None, ENV) == 45.0


@pytest.mark.parametrize("environ", [{}, {REQUEST_TIMEOUT_ENV: ""}, {REQUEST_TIMEOUT_ENV: "  "}])
def test_default_when_nothing_is_set(environ):
    """Nothing set (or an empty variable) gives the documented default."""
    assert resolve_request_timeout(None, None, environ) == DEFAULT_REQUEST_TIMEOUT_S == 60.0


@pytest.mark.parametrize("value", ["soon", "0", "-3", "nan", "inf"])
def test_bad_environment_value_is_one_clear_line(value):
    """A variable that is not a positive number of seconds is a ModelConfigError naming the variable."""
    with pytest.raises(ModelConfigError) as caught:
        resolve_request_timeout(None, None, {REQUEST_TIMEOUT_ENV: value})

    message = str(caught.value)
    assert message.startswith(f"{REQUEST_TIMEOUT_ENV}: expected a number of seconds")
    assert repr(value) in message
    assert "\n" not in message


def test_bad_environment_value_is_ignored_when_the_flag_decides():
    """The environment is read only when neither the flag nor the persona sets the timeout."""
    assert resolve_request_timeout(2.5, None, {REQUEST_TIMEOUT_ENV: "soon"}) == 2.5


def test_parse_seconds_accepts_fractions():
    """Fractions of a second are allowed."""
    assert parse_seconds("0.25") == 0.25
