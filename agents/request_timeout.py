"""How long one model request may take: a flag, a persona setting, an environment variable, a default.

Precedence, most specific first: `--request-timeout S` > the persona's `request_timeout` > the
QUEUEAGENTS_REQUEST_TIMEOUT environment variable > DEFAULT_REQUEST_TIMEOUT_S. `resolve_request_timeout`
is the one place that applies it (docs/models.md).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from agents.errors import ModelConfigError

DEFAULT_REQUEST_TIMEOUT_S = 60.0
REQUEST_TIMEOUT_ENV = "QUEUEAGENTS_REQUEST_TIMEOUT"


def parse_seconds(text: str) -> float:
    """A number of seconds greater than 0 (finite); ValueError saying what is wrong otherwise."""
    try:
        seconds = float(text)
    except ValueError:
        raise ValueError(f"expected a number of seconds, got {text!r}") from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"expected a number of seconds greater than 0, got {text!r}")
    return seconds


def resolve_request_timeout(
    flag: float | None, persona_value: float | None, environ: Mapping[str, str]
) -> float:
    """The per-request timeout in seconds: the flag, else the persona's, else the environment's, else
    the default. An unset or empty variable counts as unset; a bad one raises ModelConfigError."""
    if flag is not None:
        return flag
    if persona_value is not None:
        return persona_value
    raw = environ.get(REQUEST_TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_REQUEST_TIMEOUT_S
    try:
        return parse_seconds(raw)
    except ValueError as exc:
        raise ModelConfigError(f"{REQUEST_TIMEOUT_ENV}: {exc}") from None
