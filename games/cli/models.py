"""Which model plays each role, from the flags and the OpenAI SDK's environment (CONTRACT.md)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from agents import Endpoint
from games.cli.script import script_path
from games.kit.exits import UsageError
from games.kit.importing import RECORDED_BACKEND

OFFLINE = "offline"
HUMAN = "human"
DEFAULT_MODEL = "gpt-4o-mini"
REAL_MODEL_HINT = (
    "Playing with the built-in offline players. For a real model: set OPENAI_API_KEY (or --base-url URL "
    "for a local server) and --model NAME."
)


class Backend(StrEnum):
    OFFLINE = "offline"
    OPENAI = "openai"
    HUMAN = "human"
    SCRIPT = "script"  # replies from a file: the model name is script:FILE
    RECORDED = RECORDED_BACKEND  # an imported run's models: their replies are in the log only


@dataclass(frozen=True)
class RoleModel:
    """Who thinks for one role: the backend and the model name (as logged)."""

    role: str
    backend: Backend
    model: str


def resolve_models(
    roles: Iterable[str],
    *,
    endpoint: Endpoint,
    model: str | None = None,
    per_role: Mapping[str, str | None] | None = None,
    offline: bool = False,
    human: str | None = None,
) -> dict[str, RoleModel]:
    """Per role: a person (--human), the offline players, or a model at the endpoint.

    A role's own model flag beats --model, which beats OPENAI_MODEL. With no model named and no key or
    base URL, every role plays offline. A model named `script:FILE` replies from FILE (games.cli.script).
    """
    roles = tuple(roles)
    if human is not None and human not in roles:
        raise UsageError(f"--human takes one of: {', '.join(roles)} (got {human!r})")
    per_role = per_role or {}
    chosen: dict[str, RoleModel] = {}
    for role in roles:
        if role == human:
            chosen[role] = RoleModel(role, Backend.HUMAN, HUMAN)
            continue
        name = per_role.get(role) or model
        if offline or name == OFFLINE:
            chosen[role] = RoleModel(role, Backend.OFFLINE, OFFLINE)
        elif script_path(name):
            chosen[role] = RoleModel(role, Backend.SCRIPT, str(name))
        elif name is None and not endpoint.configured:
            chosen[role] = RoleModel(role, Backend.OFFLINE, OFFLINE)
        elif not endpoint.configured:
            raise UsageError(
                f"model {name!r} needs an API key (OPENAI_API_KEY) or a server "
                "(--base-url or OPENAI_BASE_URL); use --offline to play without one"
            )
        else:
            chosen[role] = RoleModel(role, Backend.OPENAI, name or endpoint.default_model or DEFAULT_MODEL)
    return chosen


def all_offline(models: Mapping[str, RoleModel]) -> bool:
    return all(choice.backend is Backend.OFFLINE for choice in models.values())
