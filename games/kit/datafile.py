"""Reading a game's JSON data file (a deck, a knowledge base, categories) with errors that say where.

A data file is small, plain JSON in UTF-8. The reader refuses, with one line saying what and where,
everything else a file given by a user can hold: a file too large to be one (MAX_BYTES), bytes that are
not UTF-8, nesting deeper than MAX_DEPTH (json would raise RecursionError), numbers json cannot turn
into a value a game could use (more than MAX_INT_DIGITS digits, NaN, Infinity, 1e999), a key given
twice in one object (json would keep the last silently) and escapes that are not characters (a lone
surrogate such as "\\ud800" cannot be written to a log). The games' linters check the shapes and types.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "DataFileError",
    "clipped",
    "describe",
    "json_path",
    "read_json",
    "shown",
    "too_many",
]

MAX_BYTES = 2 * 1024 * 1024  # the shipped files are under 60 KB
MAX_DEPTH = 64  # the shipped files nest 5 levels deep
MAX_INT_DIGITS = 18  # any count or version a game reads fits; Python refuses past 4300 digits

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_SURROGATE = "holds a lone surrogate escape (not a character)"


class DataFileError(Exception):
    """The file cannot be read as JSON; the message says why and where (line and column, or the JSON
    path of the offending value, such as cards[3].taboo[1])."""


def read_json(path: str | Path) -> Any:
    """The parsed contents of a UTF-8 JSON data file (a byte-order mark is allowed)."""
    text = _decode(_read(Path(path)))
    if not text.strip():
        raise DataFileError("the file is empty")
    _check_depth(text)
    flagged: list[bool] = []
    try:
        data = _parse(text, flagged)
    except json.JSONDecodeError as exc:
        raise DataFileError(f"invalid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    if flagged or _SURROGATE_ESCAPE.search(text):
        _check_values(data)
    return data


def describe(value: object) -> str:
    """A parsed JSON value's type as the file spells it: null, true, a number, a string, a list..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def clipped(text: str, limit: int = 40) -> str:
    """A key or name for a message, cut to about `limit` characters."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def shown(value: object, limit: int = 40) -> str:
    """A value as the file wrote it, for a message: its repr, cut to about `limit` characters."""
    text = describe(value) if value is None or isinstance(value, bool) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def too_many(value: list[Any] | dict[str, Any], limit: int, what: str) -> str | None:
    """Why a list or object holds more than `limit` entries (linting more would take minutes), or None."""
    if len(value) <= limit:
        return None
    return f"holds {len(value)} {what}, more than the {limit} a file may hold"


def json_path(*steps: str | int) -> str:
    """The JSON path of a value: json_path("cards", 3, "taboo", 1) is cards[3].taboo[1]."""
    text = ""
    for step in steps:
        if isinstance(step, int):
            text += f"[{step}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", step):
            text += f".{step}" if text else step
        else:
            text += f"[{_quoted(step)}]"
    return text or "the top level"


# --- reading and decoding ------------------------------------------------------------------------------


def _read(path: Path) -> bytes:
    """The file's bytes, at most MAX_BYTES of them (reading a pipe or a device stops there too)."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except OSError as exc:
        raise DataFileError(f"cannot read the file: {exc.strerror or exc}") from exc
    if len(raw) > MAX_BYTES:
        raise DataFileError(
            f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB, too large for a data file"
        )
    return raw


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataFileError("the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        raise DataFileError(f"not valid UTF-8: line {line}, column {column} (byte {exc.start})") from exc


def _line_column(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    return f"line {line}, column {column}"


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH before json recurses into it."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if max(itertools.accumulate(map(_STEP.__getitem__, brackets)), default=0) <= MAX_DEPTH:
        return
    depth = 0
    for match in _BRACKET.finditer(text):
        depth += _STEP.get(match.group(), 0)
        if depth > MAX_DEPTH:
            where = _line_column(text, match.start())
            raise DataFileError(f"nested too deeply: {where} (at most {MAX_DEPTH} levels)")


# --- parsing: odd values become markers, found afterwards with their JSON path ---------------------------


class _Invalid:
    """A number json read but a game cannot use; the reason says which."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


class _Object(dict[str, Any]):
    """A JSON object with a key given twice (json keeps only the last)."""

    repeated: str


def _parse(text: str, flagged: list[bool]) -> Any:
    def integer(digits: str) -> int | _Invalid:
        count = len(digits.lstrip("-"))
        if count <= MAX_INT_DIGITS:
            return int(digits)
        flagged.append(True)
        return _Invalid(f"a number with {count} digits (at most {MAX_INT_DIGITS})")

    def real(digits: str) -> float | _Invalid:
        value = float(digits)
        if math.isfinite(value):
            return value
        flagged.append(True)
        return _Invalid(f"the number {clipped(digits, 20)} is too large")

    def constant(name: str) -> _Invalid:
        flagged.append(True)
        return _Invalid(f"{name} is not a JSON number")

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        repeated: str | None = None
        for key, value in items:
            if repeated is None and key in result:
                repeated = key
            result[key] = value
        if repeated is None:
            return result
        flagged.append(True)
        marked = _Object(result)
        marked.repeated = repeated
        return marked

    return json.loads(
        text, parse_int=integer, parse_float=real, parse_constant=constant, object_pairs_hook=pairs
    )


def _check_values(data: Any) -> None:
    """Raise on the first marker, repeated key or lone surrogate, naming its JSON path."""
    for steps, value in _walk(data):
        if isinstance(value, _Invalid):
            raise DataFileError(f"{json_path(*steps)}: {value.reason}")
        if isinstance(value, _Object):
            raise DataFileError(f"{json_path(*steps)}: the key {_quoted(value.repeated)} is given twice")
        if isinstance(value, dict):
            for key in value:
                if not _encodable(key):
                    raise DataFileError(f"{json_path(*steps)}: the key {_quoted(key)} {_SURROGATE}")
        if isinstance(value, str) and not _encodable(value):
            raise DataFileError(f"{json_path(*steps)}: {shown(value)} {_SURROGATE}")


def _walk(data: Any) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every value with its path, in file order, without recursion."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    while stack:
        steps, value = stack.pop()
        yield steps, value
        if isinstance(value, dict):
            stack.extend(((*steps, key), item) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*steps, index), item) for index, item in reversed(list(enumerate(value))))


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _quoted(key: str) -> str:
    return repr(clipped(key))
