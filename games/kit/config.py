"""A game's own settings as a typed value: the command line builds one from the game's flags
(`config_from_args`), and rerun and resume rebuild it from the `config` a log's run_started holds
(`config_from_json`), each field checked against its declared type.

A game's configuration is a frozen dataclass deriving from `GameConfig`: one field per flag of the game
(named as the flag's dest), each with its default; `setting(default, minimum=..., maximum=...)`
declares bounds that values read from a log must meet too.
"""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from games.kit.exits import UsageError

MINIMUM, MAXIMUM = "minimum", "maximum"  # a field's metadata keys: the least and most it takes
KINDS = {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}

Config = TypeVar("Config", bound="GameConfig")


class ConfigError(ValueError):
    """A setting of the wrong type or out of range: its field, its value and what was expected."""

    def __init__(self, name: str, value: object, expected: str) -> None:
        self.name = name
        self.shown = "null" if value is None else f"{value!r:.40}"
        self.expected = expected
        super().__init__(f"setting {name!r} is {self.shown}, expected {expected}")


def setting(default: Any, *, minimum: int | None = None, maximum: int | None = None) -> Any:
    """A field of a game's configuration with its default, and the least and most it takes."""
    return dataclasses.field(default=default, metadata={MINIMUM: minimum, MAXIMUM: maximum})


@dataclass(frozen=True)
class GameConfig:
    """The base of every game's settings. Each field is checked when the value is built: its type
    (`str`, `int`, `float`, `bool`, or one of them `| None`) and its bounds; ConfigError if wrong."""

    def __post_init__(self) -> None:
        hints = _hints(type(self))
        for item in dataclasses.fields(self):
            bounds = (item.metadata.get(MINIMUM), item.metadata.get(MAXIMUM))
            _check(item.name, getattr(self, item.name), hints[item.name], *bounds)

    def to_json(self) -> dict[str, Any]:
        """The settings as run_started's `config` records them: one key per field."""
        return {item.name: getattr(self, item.name) for item in dataclasses.fields(self)}

    @classmethod
    def upgraded(cls, recorded: Mapping[str, Any]) -> Mapping[str, Any]:
        """An older log's settings in today's shape. A game whose settings changed shape overrides it."""
        return recorded


def config_from_args(config_type: type[Config], args: argparse.Namespace) -> Config:
    """The game's settings from its parsed flags (each field read from the flag of its name)."""
    values = {}
    for item in dataclasses.fields(config_type):
        if not hasattr(args, item.name):
            raise TypeError(f"{config_type.__name__}.{item.name} has no flag of that name")
        values[item.name] = getattr(args, item.name)
    try:
        return config_type(**values)
    except ConfigError as exc:  # a flag whose parser lets through what its setting refuses
        flag = "--" + exc.name.replace("_", "-")
        raise UsageError(f"{flag}: expected {exc.expected}, got {exc.shown}") from None


def config_from_json(config_type: type[Config], recorded: Mapping[str, Any], where: str) -> Config:
    """The game's settings from run_started's `config` (other keys are the common settings: ignored);
    a setting an older log does not have takes its default. UsageError, one line naming `where` and
    the field, for a value of the wrong type or out of range."""
    recorded = config_type.upgraded(recorded)
    values = {}
    for item in dataclasses.fields(config_type):
        if item.name in recorded:
            values[item.name] = recorded[item.name]
        elif item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING:
            raise UsageError(f"{where}: run_started's config has no field {item.name!r}")
    try:
        return config_type(**values)
    except ConfigError as exc:
        raise UsageError(
            f"{where}: run_started's config field {exc.name!r} is {exc.shown}, expected {exc.expected}"
        ) from None


@cache
def _hints(config_type: type) -> dict[str, Any]:
    return typing.get_type_hints(config_type)


def _check(name: str, value: object, annotation: Any, minimum: int | None, maximum: int | None) -> None:
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    kinds = typing.get_args(annotation) if union else (annotation,)
    nullable = type(None) in kinds
    others = [kind for kind in kinds if kind is not type(None)]
    if len(others) != 1 or others[0] not in KINDS:
        raise TypeError(f"setting {name!r}: a game's setting is a str, int, float or bool (or null)")
    kind = others[0]
    expected = KINDS[kind] + _range(minimum, maximum) + (" or null" if nullable else "")
    if value is None:
        ok = nullable
    elif kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    else:
        ok = type(value) is kind  # a bool is not a whole number here
    if ok and value is not None:
        ok = (minimum is None or value >= minimum) and (maximum is None or value <= maximum)
    if not ok:
        raise ConfigError(name, value, expected)


def _range(minimum: int | None, maximum: int | None) -> str:
    if minimum is not None and maximum is not None:
        return f" from {minimum} to {maximum}"
    if minimum is not None:
        return f" of at least {minimum}"
    return f" of at most {maximum}" if maximum is not None else ""
