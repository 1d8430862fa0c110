"""Reading a game's JSON data file (a deck, a knowledge base, categories) with errors that say where."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any


class DataFileError(Exception):
    """The file cannot be read as JSON; the message says why and, where known, the line and column."""


def read_json(
    path: str | Path, *, object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None
) -> Any:
    """The parsed contents of a UTF-8 JSON file (a byte-order mark is allowed)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise DataFileError(f"cannot read the file: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        raise DataFileError(f"not valid UTF-8: line {line}, column {column} (byte {exc.start})") from exc
    try:
        return json.loads(text, object_pairs_hook=object_pairs_hook)
    except json.JSONDecodeError as exc:
        raise DataFileError(f"invalid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
