"""Personas: how an agent speaks and thinks, as a small TOML file (docs/personas.md).

A persona is a system prompt template, model settings and offline knobs, in layers: the file's top level,
then a per-game section (`[taboo]`), then a per-role section (`[taboo.hinter]`); the more specific layer
wins. This module knows no game: a game describes its roles in a `Casting` (the placeholders each role's
prompt may use, the offline knobs each role honours), a persona is checked against it with `check`, and
`template`/`render` give one role's prompt.
"""

from __future__ import annotations

import string
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from runtime.tomlfile import (
    KIND_NAMES,
    Key,
    Problem,
    closest,
    describe_value,
    did_you_mean,
    is_kind,
    line_of,
)

ANY = "any"  # `roles = "any"`: the persona plays every role of every game
TOP_KEYS = ("name", "description", "roles", "prompt", "settings", "offline")
LAYER_KEYS = ("prompt", "settings", "offline")
# agents.ModelSettings fields a persona may set, with the type each takes.
SETTINGS: Mapping[str, type] = {
    "model": str,
    "temperature": float,
    "top_p": float,
    "max_tokens": int,
    "seed": int,
    "request_timeout": float,
}
# The persona's name for a ModelSettings field where the two differ (seconds, as the flag says).
FIELD_OF_SETTING: Mapping[str, str] = {"request_timeout": "timeout_s"}


class PersonaError(Exception):
    """A persona that cannot be used. `problems` holds every one found; the first is the message."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("a PersonaError needs at least one problem")
        self.problems = tuple(problems)
        first = self.problems[0]
        self.file = first.file
        self.line = first.line
        self.key = first.key
        more = len(self.problems) - 1
        super().__init__(str(first) + (f" (and {more} more)" if more else ""))


class PersonaNotFound(PersonaError):
    """No persona has that name on the search path, or no file is at that path."""


@dataclass(frozen=True)
class Knob:
    """An offline knob a role honours: its type (bool, int, float or str), default and range."""

    kind: type
    default: Any
    help: str = ""
    low: float | None = None
    high: float | None = None

    def problem(self, value: Any) -> str | None:
        """Why `value` does not fit this knob, or None."""
        if not is_kind(value, self.kind):
            return f"expected {KIND_NAMES[self.kind]}, got {describe_value(value)}"
        if self.low is not None and value < self.low or self.high is not None and value > self.high:
            return f"expected a value from {self.low} to {self.high}, got {value}"
        return None


@dataclass(frozen=True)
class RoleSpec:
    """What a game offers one role's persona."""

    placeholders: Mapping[str, str]  # name -> what the game fills in
    knobs: Mapping[str, Knob] = field(default_factory=dict)
    withheld: Mapping[str, str] = field(default_factory=dict)  # placeholder -> why this role may not use it
    required: Mapping[str, str] = field(default_factory=dict)  # placeholder -> why the prompt must use it
    example: Mapping[str, str] = field(default_factory=dict)  # example values, for `personas show`
    starter: str = ""  # the game's own prompt for the role: where a new persona starts


@dataclass(frozen=True)
class Casting:
    """A game's roles, as personas see them."""

    game: str
    roles: Mapping[str, RoleSpec]


@dataclass(frozen=True)
class Layer:
    """One level of a persona: a prompt, model settings, offline knobs (each optional)."""

    prompt: str | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    offline: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GameSection:
    """A persona's `[game]` section and its `[game.role]` sections."""

    layer: Layer = Layer()
    roles: Mapping[str, Layer] = field(default_factory=dict)


@dataclass(frozen=True)
class Persona:
    """A loaded persona. `source` is "built-in" or the file's path; `sha256` hashes the file's bytes."""

    name: str
    description: str
    roles: tuple[str, ...] | None  # None: any role
    base: Layer
    games: Mapping[str, GameSection]
    file: str
    source: str
    sha256: str
    lines: Mapping[Key, int] = field(default_factory=dict, compare=False, repr=False)

    def plays(self, role: str) -> bool:
        return self.roles is None or role in self.roles

    @property
    def roles_text(self) -> str:
        return ANY if self.roles is None else ", ".join(self.roles)

    def layers(self, game: str, role: str) -> list[tuple[Key, Layer]]:
        """The layers that apply to `role` in `game`, most general first, with their key paths."""
        found: list[tuple[Key, Layer]] = [((), self.base)]
        section = self.games.get(game)
        if section is not None:
            found.append(((game,), section.layer))
            if role in section.roles:
                found.append(((game, role), section.roles[role]))
        return found

    def prompt_key(self, game: str, role: str) -> Key | None:
        """Where `role`'s prompt comes from: the most specific layer that has one."""
        keys = [(*path, "prompt") for path, layer in self.layers(game, role) if layer.prompt is not None]
        return keys[-1] if keys else None

    def template(self, game: str, role: str, default: str | None = None) -> str:
        """`role`'s prompt template in `game` (`default`, the game's own, when the persona has none);
        call `check` first."""
        prompt = default
        for _, layer in self.layers(game, role):
            prompt = layer.prompt if layer.prompt is not None else prompt
        if prompt is None:
            raise PersonaError([self._problem(f"no prompt for the {role}", ("prompt",))])
        return prompt

    def settings(self, game: str, role: str) -> dict[str, Any]:
        """`role`'s model settings as agents.ModelSettings fields (`request_timeout` is `timeout_s`), the
        most specific layer winning."""
        merged: dict[str, Any] = {}
        for _, layer in self.layers(game, role):
            merged.update(layer.settings)
        return {FIELD_OF_SETTING.get(key, key): value for key, value in merged.items()}

    def knobs(self, casting: Casting, role: str) -> dict[str, Any]:
        """`role`'s offline knobs: those the role honours, the most specific layer winning."""
        allowed = casting.roles[role].knobs
        merged: dict[str, Any] = {}
        for _, layer in self.layers(casting.game, role):
            merged.update(layer.offline)
        return {name: _coerce(value, allowed[name].kind) for name, value in merged.items() if name in allowed}

    def render(self, game: str, role: str, values: Mapping[str, str], default: str | None = None) -> str:
        """`role`'s system prompt with the game's values filled in (`default`: the game's own prompt)."""
        return self.template(game, role, default).format_map(values)

    def check(self, casting: Casting, known_games: Collection[str] = ()) -> list[Problem]:
        """Everything wrong with this persona for `casting`'s game (empty when it is fine).

        `known_games` names other games whose sections may appear; any other unknown section is an error.
        """
        game = casting.game
        problems: list[Problem] = []
        for name in self.games:
            if name != game and name not in known_games:
                problems.append(self._unknown_section(name, casting, known_games))
        roles = self.roles if self.roles is not None else tuple(casting.roles)
        elsewhere = _roles_of(known_games)  # a role of another game is fine: it is just not played here
        for role in roles:
            if role not in casting.roles and role not in elsewhere:
                problems.append(self._unknown_role(role, casting, ("roles",), elsewhere))
        section = self.games.get(game, GameSection())
        for role in section.roles:
            if role not in casting.roles:
                problems.append(self._unknown_role(role, casting, (game, role)))
            elif not self.plays(role):
                problems.append(
                    self._problem(
                        f"the persona does not play the {role} (roles: {self.roles_text})", (game, role)
                    )
                )
        playing = [role for role in roles if role in casting.roles]
        for role in playing:
            problems += self._check_prompt(casting, role)
        problems += self._check_knobs(casting, playing)
        return list(dict.fromkeys(problems))

    def require(self, casting: Casting, role: str, known_games: Collection[str] = ()) -> None:
        """Raise PersonaError unless this persona can play `role` in `casting`'s game."""
        problems = self.check(casting, known_games)
        if problems:
            raise PersonaError(problems)
        if not self.plays(role):
            message = f"persona {self.name!r} does not play the {role} (it plays: {self.roles_text})"
            raise PersonaError([Problem(None, message)])

    # -- checks -------------------------------------------------------------------------------------

    def _check_prompt(self, casting: Casting, role: str) -> list[Problem]:
        spec = casting.roles[role]
        key = self.prompt_key(casting.game, role)
        if key is None and spec.starter:
            return []  # the persona keeps the game's own prompt for this role
        if key is None:
            where = f"add prompt = ... at the top or in [{casting.game}.{role}]"
            return [self._problem(f"missing prompt: no prompt for the {role}; {where}", ("prompt",))]
        names = placeholders(self.template(casting.game, role))
        problems = []
        for name in names:
            if name in spec.placeholders:
                continue
            line_key = (*key, "{" + name + "}")
            if name in spec.withheld:
                message = f"{{{name}}} is not available to the {role}: {spec.withheld[name]}"
            else:
                message = (
                    f"unknown placeholder {{{name}}}{_did_you_mean(name, spec.placeholders, braces=True)}"
                )
                message += f" (the {role} has: {', '.join('{' + p + '}' for p in spec.placeholders)})"
            problems.append(self._problem(message, line_key, shown=key))
        for name, reason in spec.required.items():
            if name not in names:
                problems.append(self._problem(f"the {role}'s prompt must use {{{name}}}: {reason}", key))
        return problems

    def _check_knobs(self, casting: Casting, playing: Sequence[str]) -> list[Problem]:
        problems = []
        for role in playing:
            for path, layer in self.layers(casting.game, role):
                specific = len(path) == 2
                allowed = casting.roles[role].knobs if specific else _union_knobs(casting, playing)
                for name, value in layer.offline.items():
                    key = (*path, "offline", name)
                    knob = allowed.get(name)
                    if knob is None:
                        whose = f"the {role}" if specific else f"{casting.game} ({', '.join(playing)})"
                        options = ", ".join(allowed) or "none"
                        hint = _did_you_mean(name, allowed)
                        problems.append(
                            self._problem(f"unknown knob for {whose}{hint} (knobs: {options})", key)
                        )
                    elif (trouble := knob.problem(value)) is not None:
                        problems.append(self._problem(trouble, key))
        return problems

    def _unknown_section(self, name: str, casting: Casting, known_games: Collection[str]) -> Problem:
        if name in casting.roles:
            message = f"unknown key; role sections go under the game: [{casting.game}.{name}]"
        else:
            choices = [*TOP_KEYS, casting.game, *known_games]
            message = f"unknown key{_did_you_mean(name, choices)}"
        return self._problem(message, (name,))

    def _unknown_role(
        self, role: str, casting: Casting, key: Key, elsewhere: Collection[str] = ()
    ) -> Problem:
        if elsewhere:  # the persona may play any game: name every game's roles, once
            known = sorted({*casting.roles, *elsewhere})
            hint = _did_you_mean(role, known)
            return self._problem(f"no game has a role {role!r}{hint} (roles: {', '.join(known)})", key)
        hint = _did_you_mean(role, casting.roles)
        return self._problem(
            f"{casting.game} has no role {role!r}{hint} (roles: {', '.join(casting.roles)})", key
        )

    def _problem(self, message: str, key: Key, *, shown: Key | None = None) -> Problem:
        """A problem at `key` (its line looked up), shown under `shown` (default: `key`)."""
        return Problem(self.file, message, ".".join(shown or key), line_of(self.lines, key))


def _roles_of(known_games: Collection[str]) -> set[str]:
    """Every role of the other known games, when they are given as {name: Casting}."""
    if not isinstance(known_games, Mapping):
        return set()
    return {role for casting in known_games.values() for role in getattr(casting, "roles", {})}


def placeholders(template: str) -> list[str]:
    """The placeholder names in a prompt template, in order, each once.

    Raises ValueError for a template str.format cannot fill with named values: a stray brace, `{}`,
    `{0}`, `{a.b}`, `{a[0]}`, or a conversion or format spec.
    """
    names: list[str] = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"{exc}; write {{{{ and }}}} for a literal brace") from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier():
            raise ValueError(
                f"{{{name}}} is not a placeholder: use a name such as {{rules}}; write {{{{ and }}}} "
                "for a literal brace"
            )
        if spec or conversion:
            raise ValueError(f"placeholder {{{name}}} takes no conversion or format spec")
        if name not in names:
            names.append(name)
    return names


def _did_you_mean(word: str, choices: Iterable[str], *, braces: bool = False) -> str:
    if not braces:
        return did_you_mean(word, choices)
    close = closest(word, choices)
    return f"; did you mean {{{close}}}?" if close is not None else ""


def _union_knobs(casting: Casting, roles: Sequence[str]) -> dict[str, Knob]:
    knobs: dict[str, Knob] = {}
    for role in roles:
        knobs.update(casting.roles[role].knobs)
    return knobs


def _coerce(value: Any, kind: type) -> Any:
    return float(value) if kind is float else value
