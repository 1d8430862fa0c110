"""The shared data-file reader: what it accepts, and the one line it raises for everything else."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from games.kit.datafile import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_INT_DIGITS,
    DataFileError,
    describe,
    json_path,
    read_json,
    shown,
)


def write(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "data.json"
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"a": [1, 2.5, "x", true, null]}', {"a": [1, 2.5, "x", True, None]}),
        (b'\xef\xbb\xbf{"a": 1}', {"a": 1}),
        (b'"\\ud83d\\ude00"', "\U0001f600"),  # a surrogate pair is one character
        (b"-" + b"9" * MAX_INT_DIGITS, -int("9" * MAX_INT_DIGITS)),
        (b'{"s": "[[[[ {{{{ \\" ]]"}', {"s": '[[[[ {{{{ " ]]'}),  # brackets inside strings do not nest
    ],
    ids=["plain", "BOM", "surrogate pair", "largest number", "brackets in a string"],
)
def test_a_well_formed_file_is_read(tmp_path: Path, content: bytes, expected: object) -> None:
    """Plain JSON, a BOM, a surrogate pair and MAX_INT_DIGITS digits are read as json reads them."""
    assert read_json(write(tmp_path, content)) == expected


def test_nesting_up_to_the_limit_is_read(tmp_path: Path) -> None:
    """MAX_DEPTH nested lists are read; the limit refuses only what is deeper."""
    data = read_json(write(tmp_path, b"[" * MAX_DEPTH + b"]" * MAX_DEPTH))
    depth = 1
    while data:
        data, depth = data[0], depth + 1
    assert depth == MAX_DEPTH


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b'{\n  "a": [1,\n', "invalid JSON: line 3, column 1: Expecting value"),
        (b'{"a": "\xff"}', "not valid UTF-8: line 1, column 8 (byte 7)"),
        (b"\xfe\xff\x00{\x00}", "the file is UTF-16"),
        (
            b"\n[" + b"[" * MAX_DEPTH + b"]" * (MAX_DEPTH + 1),
            f"nested too deeply: line 2, column {MAX_DEPTH + 1}",
        ),
        (b'{"a": ' * 100_000 + b"1" + b"}" * 100_000, "nested too deeply: line 1, column "),
        (b"[1, " + b"7" * 100_000 + b"]", "[1]: a number with 100000 digits (at most 18)"),
        (b'{"cards": [{"taboo": ["a", ' + b"1" * 19 + b"]}]}", "cards[0].taboo[1]: a number with 19 digits"),
        (b'{"a b": NaN}', "['a b']: NaN is not a JSON number"),
        (b'{"x": [Infinity]}', "x[0]: Infinity is not a JSON number"),
        (b"[1e400]", "[0]: the number 1e400 is too large"),
        (b'{"a": {"k": 1, "k": 2}}', "a: the key 'k' is given twice"),
        (b'{"a": "\\udc00"}', "a: '\\udc00' holds a lone surrogate escape"),
        (b'{"\\ud800": 1}', "the top level: the key '\\ud800' holds a lone surrogate escape"),
        (b"x" * (MAX_BYTES + 1), "the file is larger than 2 MB"),
    ],
    ids=[
        "empty",
        "cut short",
        "not UTF-8",
        "UTF-16",
        "one level too deep",
        "100,000 levels",
        "100,000 digits",
        "19 digits",
        "NaN",
        "Infinity",
        "1e400",
        "key twice",
        "lone surrogate",
        "lone surrogate key",
        "too large",
    ],
)
def test_a_malformed_file_is_one_line_saying_what_and_where(
    tmp_path: Path, content: bytes, message: str
) -> None:
    """Each kind of malformed content raises DataFileError with one line: what is wrong, and where."""
    with pytest.raises(DataFileError) as caught:
        read_json(write(tmp_path, content))
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_a_missing_file_or_a_directory_cannot_be_read(tmp_path: Path) -> None:
    """A missing path and a directory each raise DataFileError saying why, never OSError."""
    with pytest.raises(DataFileError, match="cannot read the file: No such file or directory"):
        read_json(tmp_path / "missing.json")
    with pytest.raises(DataFileError, match="cannot read the file: Is a directory"):
        read_json(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its permissions")
def test_an_unreadable_file_cannot_be_read(tmp_path: Path) -> None:
    """A file without read permission raises DataFileError: Permission denied."""
    path = write(tmp_path, b"{}")
    path.chmod(0)
    with pytest.raises(DataFileError, match="cannot read the file: Permission denied"):
        read_json(path)


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux's /proc")
def test_a_file_whose_read_fails_is_one_line() -> None:
    """A file that opens but fails to read (/proc/self/mem at offset 0) raises DataFileError saying why."""
    with pytest.raises(DataFileError, match="cannot read the file: Input/output error"):
        read_json("/proc/self/mem")


def test_a_device_is_read_no_further_than_the_cap() -> None:
    """An endless file (/dev/zero) stops at MAX_BYTES and is refused as too large, instead of hanging."""
    with pytest.raises(DataFileError, match="larger than 2 MB"):
        read_json("/dev/zero")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "null"), (True, "true"), (False, "false"), (0, "a number"), (1.5, "a number")]
    + [("", "a string"), ([], "a list"), ({}, "an object")],
)
def test_describe_names_json_types_as_the_file_spells_them(value: object, expected: str) -> None:
    """describe() says null, true, a number... never NoneType, bool or int."""
    assert describe(value) == expected


def test_json_path_and_shown_spell_places_and_values_for_one_line() -> None:
    """json_path writes cards[3].taboo[1]; shown() writes JSON's literals and cuts long values."""
    assert json_path("cards", 3, "taboo", 1) == "cards[3].taboo[1]"
    assert json_path("a b", 0) == "['a b'][0]"
    assert json_path() == "the top level"
    assert shown(None) == "null" and shown(True) == "true" and shown("x") == "'x'"
    assert shown("a" * 1000) == "'" + "a" * 36 + "..."
