"""A malformed deck, knowledge base or categories file given on the command line: exit 2, one line
on standard error naming the file, no traceback, nothing played and no log written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import main
from games.taboo.deck import DEFAULT_DECK_PATH

# Each game and the flag that names its data file.
GAMES = [("taboo", "--deck"), ("twenty-questions", "--things"), ("chameleon", "--categories")]

VALID_TOP = {"version": 1, "name": "x"}
CONTENTS = {
    "nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
    "a 100,000-digit number": json.dumps(VALID_TOP).replace("1", "1" + "0" * 99_999, 1).encode(),
    "NaN": b'{"version": NaN}',
    "a key given twice": b'{"version": 1, "version": 1}',
    "a list at the top": b"[]",
    "a string at the top": b'"deck"',
    "not UTF-8": b'{"name": "caf\xe9"}',
    "empty": b"",
    "50 MB": b" " * (50 * 1024 * 1024),
}


def run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, game: str, flag: str, data: Path
) -> tuple[int, str]:
    log = tmp_path / "run.jsonl"
    code = main.main([game, flag, str(data), "--seed", "1", "--quiet", "--log", str(log)])
    captured = capsys.readouterr()
    assert captured.out == "" and not log.exists()
    return code, captured.err


@pytest.mark.parametrize(("game", "flag"), GAMES)
@pytest.mark.parametrize("case", list(CONTENTS))
def test_a_malformed_data_file_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, game: str, flag: str, case: str
) -> None:
    """Deep nesting, huge numbers, wrong types, bad bytes, an empty or a 50 MB file: exit 2, one line."""
    data = tmp_path / "data.json"
    data.write_bytes(CONTENTS[case])
    code, err = run(capsys, tmp_path, game, flag, data)
    assert code == 2
    assert err.startswith(f"error: {data}: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and len(err) < 300 + len(str(data))


@pytest.mark.parametrize(("game", "flag"), GAMES)
def test_a_directory_or_a_missing_file_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, game: str, flag: str
) -> None:
    """A directory and a path that does not exist are each refused in one line naming them."""
    for path, reason in ((tmp_path, "Is a directory"), (tmp_path / "nope.json", "No such file or directory")):
        code, err = run(capsys, tmp_path, game, flag, path)
        assert code == 2
        assert err == f"error: {path}: cannot read the file: {reason}\n"


def test_the_line_names_the_card_and_entry_of_a_wrong_type(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A taboo word that is a number is named by card, target and entry, as a user can find it."""
    deck = json.loads(DEFAULT_DECK_PATH.read_text(encoding="utf-8"))
    deck["cards"][3]["taboo"][1] = 42
    data = tmp_path / "deck.json"
    data.write_text(json.dumps(deck), encoding="utf-8")
    code, err = run(capsys, tmp_path, "taboo", "--deck", data)
    target = deck["cards"][3]["target"]
    assert code == 2
    assert err == f"error: {data}: card 4 ({target!r}): field 'taboo[1]': must be a string, not a number\n"


def test_a_huge_number_is_named_by_its_json_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A 5,000-digit taboo word is refused by its JSON path, cards[3].taboo[1]."""
    deck = json.loads(DEFAULT_DECK_PATH.read_text(encoding="utf-8"))
    deck["cards"][3]["taboo"][1] = "@@"
    data = tmp_path / "deck.json"
    data.write_text(json.dumps(deck).replace('"@@"', "7" * 5000), encoding="utf-8")
    code, err = run(capsys, tmp_path, "taboo", "--deck", data)
    assert code == 2
    assert err == f"error: {data}: cards[3].taboo[1]: a number with 5000 digits (at most 18)\n"
