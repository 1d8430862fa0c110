"""Model settings from the command line: `--temperature T` and `--max-tokens N` for every role, and
`--ROLE-temperature`, `--ROLE-max-tokens` for one. They set those fields of agents.ModelSettings over
the persona's own; a run records what they set per role in run_started's `config.model_settings`
(docs/log-format.md), which `rerun`, `--resume` and workers read back with `recorded_settings`.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from games.kit.arguments import positive_int
from games.kit.definition import Side
from games.kit.exits import UsageError

CONFIG_KEY = "model_settings"
MAX_TEMPERATURE = 2.0

RoleSettings = dict[str, dict[str, Any]]  # role -> the ModelSettings fields the command line set


def temperature(text: str) -> float:
    """A sampling temperature: a number from 0 to 2."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 2, got {text!r}") from None
    if not math.isfinite(value) or not 0 <= value <= MAX_TEMPERATURE:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 2, got {text!r}")
    return value


@dataclass(frozen=True)
class Setting:
    """One setting the command line may give: its ModelSettings field, flag, flag type and help."""

    field: str
    flag: str
    metavar: str
    kind: Callable[[str], Any]
    help: str

    def dest(self, role: str | None = None) -> str:
        """The argparse destination of the flag for every role (None) or for `role`."""
        return self.field if role is None else f"{_dest(role)}_{self.field}"

    def problem(self, value: object) -> str | None:
        """Why a recorded value is not one this flag could have given, or None."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"expected a number, got {type(value).__name__}"
        try:
            self.kind(str(value))
        except argparse.ArgumentTypeError as exc:
            return str(exc)
        return None


SETTINGS: tuple[Setting, ...] = (
    Setting("temperature", "temperature", "T", temperature, "sampling temperature, 0 to 2"),
    Setting("max_tokens", "max-tokens", "N", positive_int, "the longest reply, in tokens"),
)


def add_settings_flags(
    group: argparse._ArgumentGroup, roles: Iterable[str], sides: Sequence[Side] = ()
) -> None:
    """--temperature and --max-tokens for every role, then each role's own forms, then each side's."""
    # (flag prefix, whom the flag is for) in the order the help lists them; {flag} is the plain flag.
    scopes = [("", "for every role (over the personas' own)")]
    scopes += [(f"{role}-", f"for the {role} (overrides --{{flag}})") for role in roles]
    scopes += [(f"{side.name}-", f"for the {side.name} side (default: the {side.role}'s)") for side in sides]
    for prefix, whom in scopes:
        for setting in SETTINGS:
            group.add_argument(
                f"--{prefix}{setting.flag}",
                type=setting.kind,
                metavar=setting.metavar,
                help=f"{setting.help}, {whom.format(flag=setting.flag)}",
            )


def settings_from_args(args: argparse.Namespace, roles: Sequence[str]) -> RoleSettings:
    """Per role, the settings its flags give (a role's own flag over the one for every role); every
    role is present, with {} when no flag sets anything for it."""
    chosen: RoleSettings = {}
    for role in roles:
        chosen[role] = {}
        for setting in SETTINGS:
            value = getattr(args, setting.dest(role), None)
            value = getattr(args, setting.dest(), None) if value is None else value
            if value is not None:
                chosen[role][setting.field] = value
    return chosen


def given(args: argparse.Namespace, role: str, setting: Setting) -> bool:
    """Whether the command line gives `setting` for `role` (its own flag or the one for every role)."""
    return any(getattr(args, dest, None) is not None for dest in (setting.dest(role), setting.dest()))


def recorded_settings(
    config: Mapping[str, Any], roles: Sequence[str], where: str, sides: Sequence[str] = ()
) -> RoleSettings:
    """The settings a run's config records (`model_settings`; none in a log written before it was
    recorded), every role present, and each of `sides` the run gave its own cast; UsageError naming
    `where` and the field for anything malformed."""
    recorded = config.get(CONFIG_KEY)
    chosen: RoleSettings = {role: {} for role in roles}
    if recorded is None:
        return chosen
    within = f"{where}: run_started's config.{CONFIG_KEY}"
    if not isinstance(recorded, Mapping):
        raise UsageError(f"{within} is not an object")
    known = {setting.field: setting for setting in SETTINGS}
    for role, values in recorded.items():
        if role not in chosen and role not in sides:
            what = "a role or side" if sides else "a role"
            raise UsageError(f"{within}: {role!r} is not {what} of this game ({', '.join([*roles, *sides])})")
        chosen.setdefault(role, {})
        if not isinstance(values, Mapping):
            raise UsageError(f"{within}.{role} is not an object")
        for name, value in values.items():
            setting = known.get(name)
            if setting is None:
                raise UsageError(f"{within}.{role}: unknown setting {name!r} ({', '.join(known)})")
            problem = setting.problem(value)
            if problem is not None:
                raise UsageError(f"{within}.{role}.{name}: {problem}")
            chosen[role][name] = value
    return chosen


def described(settings: Mapping[str, Mapping[str, Any]]) -> str:
    """Settings per role as one line: `hinter temperature=0.2, guesser none`."""
    return ", ".join(
        f"{role} {' '.join(f'{k}={v}' for k, v in values.items()) or 'none'}"
        for role, values in settings.items()
    )


def _dest(role: str) -> str:
    return role.replace("-", "_")
