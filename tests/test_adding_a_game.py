"""docs/adding-a-game.md's example game runs exactly as printed, from its own package alone."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest

import games
import main
from games.cli.registry import catalog_for, games_by_name

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
    forget_games()
    yield package
    games.__path__.remove(str(tmp_path))
    forget_games()


def forget_games() -> None:
    """The registry's and the catalogs' caches emptied, and the example game's modules unloaded."""
    games_by_name.cache_clear()
    catalog_for.cache_clear()
    for module in [name for name in sys.modules if name.startswith("games.numbers")]:
        del sys.modules[module]


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_example_game_plays_offline(numbers_package, tmp_path: Path, capsys) -> None:
    """`python main.py numbers` plays the example game offline to a win, logged like any game."""
    log = tmp_path / "numbers.jsonl"
    assert main.main(["numbers", "--seed", "4", "--log", str(log)]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("Won in ")
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


def test_the_example_games_own_event_shows_in_replay_page_and_table(
    numbers_package, tmp_path: Path, capsys
) -> None:
    """`hint_given`, declared only in the game's package, is drawn by the transcript, the HTML page and
    the events table, and its fields are checked when the log is read."""
    log = tmp_path / "numbers.jsonl"
    assert main.main(["numbers", "--seed", "4", "--quiet", "--log", str(log)]) == 0
    hints = [e for e in lines(log) if e["event"] == "hint_given"]
    assert hints, "the example game gave no hint"
    first = f"{hints[0]['guess']}: go {hints[0]['hint']}"
    capsys.readouterr()
    assert main.main(["replay", str(log)]) == 0
    assert first in capsys.readouterr().out
    page = tmp_path / "page.html"
    assert main.main(["replay", str(log), "--html", str(page)]) == 0
    assert f'<li class="verdict warn">{first}</li>' in page.read_text(encoding="utf-8")
    assert main.main(["replay", str(log), "--events"]) == 0
    assert "hint_given" in capsys.readouterr().out
    broken = tmp_path / "broken.jsonl"
    broken.write_text(log.read_text().replace('"guess":', '"guess":"many","was":', 1))
    assert main.main(["replay", str(broken)]) == 2
    assert "hint_given's field 'guess'" in capsys.readouterr().err


def test_rerun_judges_the_example_games_own_event_as_the_referees(
    numbers_package, tmp_path: Path, capsys
) -> None:
    """rerun reproduces `hint_given`; when today's referee hints otherwise, the game is re-judged under
    today's rules (the event is declared official), not reported as a divergence."""
    log = tmp_path / "numbers.jsonl"
    assert main.main(["numbers", "--seed", "4", "--quiet", "--log", str(log)]) == 0
    capsys.readouterr()
    assert main.main(["rerun", str(log), "--quiet", "--log", str(tmp_path / "same.jsonl")]) == 0
    assert "reproduced: 1 game(s)" in capsys.readouterr().out
    definition = numbers_package / "definition.py"
    code = definition.read_text()
    flipped = code.replace(
        '"higher" if guess < book.secret else "lower"', '"lower" if guess < book.secret else "higher"'
    )
    assert flipped != code
    definition.write_text(flipped)
    # Same size, maybe the same second: a cached .pyc would pass for the new source. Drop it.
    shutil.rmtree(numbers_package / "__pycache__", ignore_errors=True)
    forget_games()
    assert main.main(["rerun", str(log), "--quiet", "--log", str(tmp_path / "flipped.jsonl")]) == 0
    out = capsys.readouterr().out
    assert "g1: re-judged: recorded hint_given (guess=" in out
    assert "re-judged under today's rules: 1 of 1 game(s) changed" in out
