"""Reading clembench's records: the players and models of each layout, the words read back from a
prompt, clemcore 3's folders, and the episodes the importer leaves out."""

from __future__ import annotations

import json
from pathlib import Path

import main
from games.taboo.clembench.importer import CLEMBENCH_IMPORTER
from games.taboo.clembench.records import ExperimentFile, read_episode, words_from_prompt

TEMPLATE = "Describe $TARGET_WORD$ in $N$ tries.\nNot these:\n$REL_WORD$\nGo."
GUESSER = "Guess the word in $N$ tries.\n"


def event(sender: str, recipient: str, kind: str, content: str, second: int) -> dict:
    action = {"type": kind, "content": content}
    return {
        "from": sender,
        "to": recipient,
        "timestamp": f"2026-01-05T10:00:{second:02d}.000000",
        "action": action,
    }


def clemcore3_episode(root: Path, turns: list[list[dict]], name: str = "instance_00000") -> Path:
    """An episode in clemcore 3's layout: <run>/taboo/<experiment>/instance_<n>/, players as objects."""
    experiment = root / "delta-9b-t0.0" / "taboo" / "easy"
    folder = experiment / name
    folder.mkdir(parents=True)
    players = {
        "GM": {"game_role": "Game Master", "model_name": "programmatic"},
        "Player 1": {"game_role": "WordDescriber", "model_name": "delta-9b"},
        "Player 2": {"game_role": "WordGuesser", "model_name": "delta-9b"},
    }
    meta = {"game_name": "taboo", "experiment_name": "easy", "game_id": 0, "clem_version": "3.3.4"}
    (folder / "interactions.json").write_text(json.dumps({"meta": meta, "players": players, "turns": turns}))
    (folder / "instance.json").write_text(
        json.dumps({"game_id": 0, "target_word": "kite", "related_word": ["fly", "wind", "string"]})
    )
    experiment_file = {
        "name": "easy",
        "max_turns": 2,
        "describer_initial_prompt": TEMPLATE,
        "guesser_initial_prompt": GUESSER,
    }
    (experiment / "experiment.json").write_text(json.dumps(experiment_file))
    return folder


def success_turns() -> list[list[dict]]:
    prompt = "Describe kite in 2 tries.\nNot these:\n- fly\n- wind\n- string\nGo."
    return [
        [
            event("GM", "Player 1", "send message", prompt, 1),
            event("Player 1", "GM", "get message", "CLUE: a paper toy on a long line", 2),
            event("GM", "GM", "valid response", "continue", 2),
            event("GM", "GM", "valid clue", "a paper toy on a long line", 2),
            event(
                "GM",
                "Player 2",
                "send message",
                "Guess the word in 2 tries.\n\n\nCLUE: a paper toy on a long line",
                3,
            ),
            event("Player 2", "GM", "get message", "GUESS: kite", 4),
            event("GM", "GM", "valid response", "continue", 4),
            event("GM", "GM", "valid guess", "kite", 4),
            event("GM", "GM", "correct guess", "end game", 4),
        ]
    ]


def test_clemcore_3_players_and_folders_are_read(tmp_path: Path) -> None:
    folder = clemcore3_episode(tmp_path, success_turns())
    episode = read_episode(folder)
    assert (episode.describer_id, episode.describer_model, episode.guesser_model) == (
        "Player 1",
        "delta-9b",
        "delta-9b",
    )
    assert (episode.experiment, episode.experiment_index, episode.game_id, episode.target) == (
        "easy",
        None,
        0,
        "kite",
    )


def test_a_clemcore_3_record_imports_as_a_game_with_its_ending(tmp_path: Path, capsys) -> None:
    clemcore3_episode(tmp_path / "records", success_turns())
    report = CLEMBENCH_IMPORTER.run(tmp_path / "records", tmp_path / "out", {"python": "3"})
    [log] = report.logs
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    [ended] = [r for r in records if r["event"] == "game_ended"]
    assert (ended["outcome"], ended["score"], ended["scores"]["Request Count"]) == ("success", 100.0, 1)
    guesser_call = next(r for r in records if r["event"] == "llm_call" and r["agent"] == "guesser")
    assert guesser_call["messages"][0]["content"].endswith("\n\n\nCLUE: a paper toy on a long line")
    assert records[1]["ts"] == "2026-01-05T10:00:01.000000+00:00"  # the record's time, read as UTC
    assert main.main(["rerun", str(log), "--rules", "clembench", "--log", str(tmp_path / "rerun.jsonl")]) == 0
    assert "reproduced: 1 game(s)" in capsys.readouterr().out


def test_an_episode_that_stops_before_its_end_is_left_out(tmp_path: Path) -> None:
    turns = success_turns()
    turns[0] = turns[0][:6]  # the game master never judged the guess
    clemcore3_episode(tmp_path / "records", turns)
    report = CLEMBENCH_IMPORTER.run(tmp_path / "records", tmp_path / "out", {})
    assert report.logs == () and any("stops before the game ends" in warning for warning in report.warnings)


def test_the_words_are_read_back_from_a_filled_prompt() -> None:
    experiment = ExperimentFile("easy", 2, TEMPLATE, GUESSER)
    filled = "Describe kite in 2 tries.\nNot these:\n- fly\n- wind\n- string\nGo."
    assert words_from_prompt(filled, experiment) == ("kite", ["fly", "wind", "string"])
    assert words_from_prompt("something else", experiment) is None
