"""docs/adding-a-game.md's example game runs exactly as printed, from its own package alone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import games
import main
from games.cli.registry import games_by_name

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def numbers_package(tmp_path: Path):
    """The doc's game saved as games/numbers/ in a folder of its own, found by the registry."""
    doc = (ROOT / "docs" / "adding-a-game.md").read_text(encoding="utf-8")
    code = re.findall(r"```python\n(.*?)```", doc, re.S)[0]
    package = tmp_path / "numbers"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "definition.py").write_text(code)
    games.__path__.append(str(tmp_path))
    games_by_name.cache_clear()
    yield
    games.__path__.remove(str(tmp_path))
    games_by_name.cache_clear()


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_example_game_plays_offline(numbers_package, tmp_path: Path, capsys) -> None:
    """`python main.py numbers` plays the example game offline to a win, logged like any game."""
    log = tmp_path / "numbers.jsonl"
    assert main.main(["numbers", "--seed", "4", "--log", str(log)]) == 0
    assert "success" in capsys.readouterr().out.strip().splitlines()[-1]
    ended = [e for e in lines(log) if e["event"] == "game_ended"]
    assert ended[0]["outcome"] == "success"


def test_the_example_game_batches_and_reruns(numbers_package, tmp_path: Path) -> None:
    """The example game gets batches with a summary and rerun with no code of its own."""
    log = tmp_path / "batch.jsonl"
    summary = tmp_path / "summary.json"
    assert main.main(["numbers", "--games", "20", "--seed", "1", "--quiet", "--log", str(log),
                      "--summary-json", str(summary)]) == 0  # fmt: skip
    figures = json.loads(summary.read_text())
    assert figures["games"] == 20 and figures["outcomes"]["success"] == 20
    assert main.main(["rerun", str(log), "--quiet", "--log", str(tmp_path / "rerun.jsonl")]) == 0
