"""A TOML file checked the way a person can act on: every problem names the file, the line and the key.

`parse_toml` turns a file's bytes into the document and the line of every table header and key (tomllib
keeps no positions); `Problem` is one thing wrong, `did_you_mean` the hint for a misspelt name. Persona
files and eval plans read their files with these.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Key = tuple[str, ...]  # a key's path in the file: ("section", "table", "key")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (file, line when known, key) and what."""

    file: str | None
    message: str
    key: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file if self.line is None else f"{self.file}:{self.line}")
        if self.key:
            parts.append(self.key)
        parts.append(self.message)
        return ": ".join(parts)


class TomlFileError(Exception):
    """A file that is not a readable TOML document; `problems` says why (one problem)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(str(self.problems[0]))


@dataclass(frozen=True)
class TomlDocument:
    """A parsed TOML file: its text, its values, the line of each key, and the keys whose value opens a
    multi-line string at the end of their line (the string starts on the next)."""

    file: str
    text: str
    values: dict[str, Any]
    lines: dict[Key, int] = field(default_factory=dict)
    multiline: frozenset[Key] = frozenset()

    def line(self, key: Key) -> int | None:
        return line_of(self.lines, key)

    def problem(self, message: str, key: Key) -> Problem:
        """A problem at `key`, with the line of the key (or of its nearest enclosing key)."""
        return Problem(self.file, message, ".".join(key) or None, self.line(key))


def parse_toml(data: bytes, *, file: str, kind: str, max_bytes: int, empty: str) -> TomlDocument:
    """Decode and parse `data` (a `kind` file, shown as `file`); TomlFileError when it is too large,
    binary, not UTF-8, empty (`empty` says what the file needs) or not valid TOML."""
    if len(data) > max_bytes:
        raise TomlFileError([Problem(file, f"too large: a {kind} file is at most {_size(max_bytes)}")])
    if b"\x00" in data:
        raise TomlFileError([Problem(file, f"a binary file, not a TOML {kind}")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problem = Problem(file, f"not UTF-8 text (byte 0x{data[exc.start]:02x})", line=line)
        raise TomlFileError([problem]) from None
    if not text.strip():
        raise TomlFileError([Problem(file, f"the file is empty: {empty}")])
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TomlFileError([syntax_problem(exc, file, text)]) from None
    lines, multiline = key_lines(text)
    return TomlDocument(file, text, values, lines, frozenset(multiline))


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"


def syntax_problem(exc: tomllib.TOMLDecodeError, file: str, text: str) -> Problem:
    """tomllib's error as a problem at its line (its column in the message)."""
    message = str(exc)
    if message.endswith(" (at end of document)"):
        reason = message.removesuffix(" (at end of document)")
        return Problem(
            file, f"TOML syntax error: {reason} at the end of the file", line=len(text.splitlines())
        )
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if match is None:
        return Problem(file, f"TOML syntax error: {message}")
    reason = message[: match.start()]
    return Problem(file, f"TOML syntax error: {reason} (column {match.group(2)})", line=int(match.group(1)))


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_ASSIGN = re.compile(
    r"^\s*((?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'))*)\s*="
)


def key_lines(text: str) -> tuple[dict[Key, int], set[Key]]:
    """The line of every table header and key in a TOML text (1-based), skipping multi-line strings;
    and the keys whose value opens a multi-line string at the end of their line (it starts on the next)."""
    lines: dict[Key, int] = {}
    multiline: set[Key] = set()
    table: Key = ()
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string is not None:
            if line.count(in_string) % 2 == 1:
                in_string = None
            continue
        if header := _HEADER.match(line):
            table = _dotted(header.group(1))
            lines.setdefault(table, number)
            continue
        if assign := _ASSIGN.match(line):
            key = (*table, *_dotted(assign.group(1)))
            lines.setdefault(key, number)
            rest = line[assign.end() :].strip()
            for quotes in ('"""', "'''"):
                if rest.count(quotes) % 2 == 1:
                    in_string = quotes
                    if rest == quotes:
                        multiline.add(key)
                    break
    return lines, multiline


def _dotted(name: str) -> Key:
    parts = re.findall(r"\"([^\"]*)\"|'([^']*)'|([^.\s]+)", name)
    return tuple(next(p for p in part if p) if any(part) else "" for part in parts)


def line_of(lines: Mapping[Key, int], key: Key) -> int | None:
    """The line of `key`, else of its nearest enclosing key that has one."""
    for end in range(len(key), 0, -1):
        if key[:end] in lines:
            return lines[key[:end]]
    return None


def closest(word: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The choice most like `word`, if one is close enough."""
    import difflib  # for a word that is not known: imported when one is met

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str:
    """The text "; did you mean 'x'?" when a choice is close to `word`, else ""."""
    close = closest(word, choices, cutoff=cutoff)
    return f"; did you mean {close!r}?" if close is not None else ""


KIND_NAMES = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}


def is_kind(value: Any, kind: type) -> bool:
    """`value` is of `kind` as a TOML reader means it: a bool is no number, an int is a float."""
    if kind is bool:
        return isinstance(value, bool)
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def describe_value(value: Any) -> str:
    """A TOML value's kind and (when short) the value, for "expected ..., got ..." messages."""
    kinds = {
        bool: "true/false",
        int: "a whole number",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }
    kind = next((name for cls, name in kinds.items() if type(value) is cls), type(value).__name__)
    shown = repr(value) if not isinstance(value, dict | list) else ""
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return f"{kind} ({shown})" if shown else kind
