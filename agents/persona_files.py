"""Reading a persona file: bytes -> TOML -> a checked `Persona`, every problem with file, line and key.

What can be checked without knowing the game is checked here (sizes, encoding, TOML syntax, key names,
types and ranges, placeholder syntax). What the game decides (its roles, placeholders and knobs) is
checked by `Persona.check`.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents.personas import (
    ANY,
    LAYER_KEYS,
    SETTINGS,
    TOP_KEYS,
    GameSection,
    Key,
    Layer,
    Persona,
    PersonaError,
    PersonaNotFound,
    Problem,
    describe_value,
    did_you_mean,
    is_kind,
    line_of,
    placeholders,
)
from runtime.tomlfile import KIND_NAMES, TomlFileError, parse_toml

MAX_BYTES = 64 * 1024  # a persona is a prompt and a few settings; anything bigger is a mistake
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
RANGES: Mapping[str, tuple[float | None, float | None]] = {
    "temperature": (0.0, 2.0),
    "top_p": (0.0, 1.0),
    "max_tokens": (1, None),
}


@dataclass(frozen=True)
class Reading:
    """What reading a persona file found: the persona, as far as it could be built, and every problem."""

    persona: Persona | None
    problems: tuple[Problem, ...]


def read_persona(path: Path, *, source: str | None = None, file: str | None = None) -> Persona:
    """Read and check the persona file at `path`; PersonaError lists what is wrong with it."""
    shown = file or str(path)
    return parse_persona(_read(path, shown), file=shown, source=source or shown)


def inspect_file(path: Path) -> Reading:
    """Read the persona file at `path` and report every problem found, without raising."""
    try:
        data = _read(path, str(path))
    except PersonaError as exc:
        return Reading(None, exc.problems)
    return inspect_persona(data, file=str(path), source=str(path))


def parse_persona(data: bytes, *, file: str, source: str) -> Persona:
    """Check `data` as a persona file (shown as `file` in problems) and build the Persona."""
    reading = inspect_persona(data, file=file, source=source)
    if reading.problems:
        raise PersonaError(reading.problems)
    assert reading.persona is not None
    return reading.persona


def inspect_persona(data: bytes, *, file: str, source: str) -> Reading:
    """Check `data` as a persona file: the persona (bad parts left out) and every problem, in file order."""
    try:
        document = parse_toml(
            data,
            file=file,
            kind="persona",
            max_bytes=MAX_BYTES,
            empty="a persona needs at least a name and a prompt",
        )
    except TomlFileError as exc:
        return Reading(None, exc.problems)
    reader = _Reader(file, document.lines, set(document.multiline))
    persona = reader.persona(document.values, source=source, sha256=hashlib.sha256(data).hexdigest())
    return Reading(persona, tuple(sorted(reader.problems, key=lambda p: p.line or 0)))


def _read(path: Path, shown: str) -> bytes:
    if not path.exists():
        raise PersonaNotFound([Problem(shown, "no such file")])
    if path.is_dir():
        raise PersonaError([Problem(shown, "is a directory, not a persona file")])
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise PersonaError([Problem(shown, f"cannot read: {exc.strerror or exc}")]) from None


class _Reader:
    """Turns the parsed document into a Persona, collecting every problem on the way."""

    def __init__(self, file: str, lines: dict[Key, int], multiline: set[Key]) -> None:
        self.file = file
        self.lines = lines
        self.multiline = multiline  # keys whose value opens a multi-line string at the end of their line
        self.problems: list[Problem] = []
        self.prompts = 0  # prompt keys seen, well-formed or not

    def persona(self, document: dict[str, Any], *, source: str, sha256: str) -> Persona | None:
        games: dict[str, GameSection] = {}
        for key, value in document.items():
            if key in TOP_KEYS:
                continue
            if isinstance(value, dict) and not _typo(key, TOP_KEYS):
                games[key] = self._game(key, value)  # a game's section; Persona.check knows the games
            else:
                self._add(f"unknown key{did_you_mean(key, TOP_KEYS)} (keys: {', '.join(TOP_KEYS)})", (key,))
        name = self._string(document, ("name",), required=True)
        if name is not None and not NAME.fullmatch(name):
            message = "a name is letters, digits, - and _ (at most 64), starting with a letter or a digit"
            self._add(message, ("name",))
        description = self._string(document, ("description",)) or ""
        roles = self._roles(document.get("roles", ANY))
        base = self._layer(document, ())
        if not self.prompts:
            self._add('missing prompt: a persona needs a prompt (prompt = """...""")', ("prompt",))
        if name is None:
            return None
        return Persona(
            name=name,
            description=description,
            roles=roles,
            base=base,
            games=games,
            file=self.file,
            source=source,
            sha256=sha256,
            lines=self.lines,
        )

    def _game(self, game: str, table: dict[str, Any]) -> GameSection:
        roles: dict[str, Layer] = {}
        for key, value in table.items():
            if key in LAYER_KEYS:
                continue
            if isinstance(value, dict) and not _typo(key, LAYER_KEYS):
                roles[key] = self._role(value, (game, key))
            else:
                self._add(
                    f"unknown key{did_you_mean(key, LAYER_KEYS)} (keys: {', '.join(LAYER_KEYS)})", (game, key)
                )
        return GameSection(self._layer(table, (game,)), roles)

    def _role(self, table: dict[str, Any], path: Key) -> Layer:
        for key in table:
            if key not in LAYER_KEYS:
                hint = did_you_mean(key, LAYER_KEYS)
                self._add(f"unknown key{hint} (keys: {', '.join(LAYER_KEYS)})", (*path, key))
        return self._layer(table, path)

    def _layer(self, table: dict[str, Any], path: Key) -> Layer:
        key = (*path, "prompt")
        prompt = self._string(table, key)
        if "prompt" in table:
            self.prompts += 1
        if prompt is not None:
            prompt = self._prompt(prompt, key)
        return Layer(prompt, self._settings(table, path), self._offline(table, path))

    def _prompt(self, raw: str, key: Key) -> str | None:
        prompt = raw.strip()
        if not prompt:
            self._add("the prompt is empty", key)
            return None
        try:
            names = placeholders(prompt)
        except ValueError as exc:
            self._add(str(exc), key)
            return None
        start = self.lines.get(key)
        if start is not None:  # remember where each placeholder is first used, for later problems
            first = start + 1 if key in self.multiline else start
            for name in names:
                index = raw.find("{" + name + "}")
                self.lines[(*key, "{" + name + "}")] = first + raw[: max(index, 0)].count("\n")
        return prompt

    def _settings(self, table: dict[str, Any], path: Key) -> dict[str, Any]:
        chosen: dict[str, Any] = {}
        for key, value in self._table(table, (*path, "settings")).items():
            where = (*path, "settings", key)
            kind = SETTINGS.get(key)
            if kind is None:
                hint = did_you_mean(key, SETTINGS)
                self._add(f"unknown setting{hint} (settings: {', '.join(SETTINGS)})", where)
            elif not is_kind(value, kind):
                self._add(f"expected {KIND_NAMES[kind]}, got {describe_value(value)}", where)
            elif (trouble := _out_of_range(key, value)) is not None:
                self._add(trouble, where)
            else:
                chosen[key] = float(value) if kind is float else value
        return chosen

    def _offline(self, table: dict[str, Any], path: Key) -> dict[str, Any]:
        chosen = {}
        for key, value in self._table(table, (*path, "offline")).items():
            if isinstance(value, bool | int | float | str):
                chosen[key] = value
            else:
                message = f"a knob is true/false, a number or a string, got {describe_value(value)}"
                self._add(message, (*path, "offline", key))
        return chosen

    def _table(self, table: dict[str, Any], key: Key) -> dict[str, Any]:
        value = table.get(key[-1], {})
        if not isinstance(value, dict):
            self._add(f"expected a table ([{'.'.join(key)}]), got {describe_value(value)}", key)
            return {}
        return value

    def _string(self, table: dict[str, Any], key: Key, *, required: bool = False) -> str | None:
        value = table.get(key[-1])
        if value is None:
            if required:
                self._add(f"missing {key[-1]}", key)
            return None
        if not isinstance(value, str):
            self._add(f"expected a string, got {describe_value(value)}", key)
            return None
        return value

    def _roles(self, value: Any) -> tuple[str, ...] | None:
        if value == ANY:
            return None
        if isinstance(value, str) and value:
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(r, str) and r for r in value):
            example = '"any" or a list of the game\'s role names'
            self._add(f"expected {example}, got {describe_value(value)}", ("roles",))
            return None
        if ANY in value:
            self._add('"any" stands alone: roles = "any"', ("roles",))
        return tuple(dict.fromkeys(value))

    def _add(self, message: str, key: Key) -> None:
        self.problems.append(Problem(self.file, message, ".".join(key), line_of(self.lines, key)))


def _out_of_range(key: str, value: Any) -> str | None:
    if key == "request_timeout" and not (math.isfinite(value) and value > 0):
        return f"expected a number of seconds greater than 0, got {value}"
    low, high = RANGES.get(key, (None, None))
    if high is not None and low is not None and not low <= value <= high:
        return f"expected a value from {low} to {high}, got {value}"
    if low is not None and value < low:
        return f"expected a value of at least {low}, got {value}"
    if key == "model" and not value.strip():
        return "expected a model name, got an empty string"
    return None


def _typo(word: str, choices: tuple[str, ...]) -> bool:
    """A misspelt known key rather than a section of its own (`[setings]` is not a game)."""
    return bool(did_you_mean(word, choices, cutoff=0.75))


def not_found(name: str, known: list[str], looked_in: list[str]) -> PersonaNotFound:
    hint = did_you_mean(name, known)
    return PersonaNotFound(
        [Problem(None, f"no persona named {name!r}{hint} (looked in: {', '.join(looked_in)})")]
    )
