"""Malformed data files (a deck, a knowledge base, a categories file), the same for every game.

Each case is an id, the file's bytes and a fragment the one-line error must hold. The cases start from
a game's valid data, so each breaks one thing: the reader's checks (encoding, nesting, numbers, keys)
or the top level's type, which every game's linter must refuse.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from games.kit.datafile import MAX_BYTES, MAX_DEPTH


class BadFile(NamedTuple):
    id: str
    content: bytes
    fragment: str


HOLE = "@@"


def spliced(data: object, raw: str) -> bytes:
    """The data as JSON with the string HOLE (somewhere in it) replaced by `raw`, written as it is:
    a way to write what json.dumps cannot (a 100,000-digit number, NaN, a key given twice)."""
    text = json.dumps(data)
    assert text.count(f'"{HOLE}"') == 1
    return text.replace(f'"{HOLE}"', raw).encode()


def _with(valid: dict[str, Any], key: str, raw: str) -> bytes:
    return spliced({**valid, key: HOLE}, raw)


def malformed_files(valid: dict[str, Any]) -> list[BadFile]:
    """Files a game must refuse, built from its valid data (a JSON object with a "name" and a
    "version")."""
    good = json.dumps(valid)
    deep = "[" * 100_000 + "]" * 100_000
    return [
        BadFile("empty", b"", "the file is empty"),
        BadFile("blank", b" \n\t\n", "the file is empty"),
        BadFile("truncated", good[: len(good) // 2].encode(), "invalid JSON: line 1, column"),
        BadFile("not JSON", b"cards: [snowman]", "invalid JSON: line 1, column 1"),
        BadFile(
            "not UTF-8", good.replace('"name"', '"n\udcffame"').encode("utf-8", "surrogateescape"), "UTF-8"
        ),
        BadFile("UTF-16", b"\xff\xfe" + good.encode("utf-16-le"), "UTF-16"),
        BadFile("nested 100,000 deep", _with(valid, "name", deep), "nested too deeply"),
        BadFile(
            "nested objects", _with(valid, "name", '{"a":' * 5000 + "1" + "}" * 5000), "nested too deeply"
        ),
        BadFile(
            "nested one level too deep", _with(valid, "name", "[" * MAX_DEPTH + "]" * MAX_DEPTH), "deeply"
        ),
        BadFile("a 100,000-digit version", _with(valid, "version", "9" * 100_000), "100000 digits"),
        BadFile("a 5,000-digit version", _with(valid, "version", "-" + "1" * 5000), "5000 digits"),
        BadFile("NaN version", _with(valid, "version", "NaN"), "version: NaN is not a JSON number"),
        BadFile("Infinity version", _with(valid, "version", "-Infinity"), "-Infinity is not a JSON number"),
        BadFile("1e999 version", _with(valid, "version", "1e999"), "version: the number 1e999 is too large"),
        BadFile(
            "lone surrogate",
            _with(valid, "name", '"ab\\ud800c"'),
            "name: 'ab\\ud800c' holds a lone surrogate",
        ),
        BadFile(
            "key given twice", good.replace("{", '{"name": "first", ', 1).encode(), "'name' is given twice"
        ),
        BadFile("top level a list", f"[{good}]".encode(), "not a list"),
        BadFile("top level a string", b'"deck"', "not a string"),
        BadFile("top level null", b"null", "not null"),
        BadFile("top level a number", b"1", "not a number"),
        BadFile("too large", b" " * (MAX_BYTES + 1), "larger than 2 MB"),
    ]
