"""A person playing Twenty Questions types questions and guesses as words, never a protocol tag."""

from __future__ import annotations

from pathlib import Path

import pytest

from games.twenty_questions.replies import parse_move, person_move
from tests.support.cli import events, read_log, run_main


@pytest.mark.parametrize(
    ("typed", "reply"),
    [
        ("Is it a fruit?", "QUESTION: Is it a fruit?"),
        ("grape", "GUESS: grape"),
        ("a grape", "GUESS: a grape"),
        ("QUESTION: Is it red?", "QUESTION: Is it red?"),
        ("guess: grape", "guess: grape"),
    ],
)
def test_a_typed_line_becomes_a_question_or_a_guess(typed: str, reply: str) -> None:
    """A line ending in "?" is a question, any other a guess; a tag typed anyway is kept."""
    assert person_move(typed) == reply
    assert parse_move(person_move(typed)) is not None


def test_a_person_asks_without_a_tag_and_wins(tmp_path: Path) -> None:
    """`--human questioner`: plain questions are asked, a plain word is the guess; no re-prompt at all."""
    log = tmp_path / "person.jsonl"
    typed = "Is it a fruit?\nIs it made by people?\ngrape\n"
    done = run_main(
        "twenty-questions", "--thing", "grape", "--human", "questioner", "--log", str(log), stdin=typed
    )
    assert done.returncode == 0, done.stderr
    records = read_log(log)
    assert not events(records, "reply_malformed")
    asked = [r["text"] for r in events(records, "message_sent") if r["kind"] == "question"]
    assert asked == ["Is it a fruit?", "Is it made by people?"]
    assert events(records, "game_ended")[0]["outcome"] == "success"
    assert "QUESTION:" not in done.stdout  # the person's view shows questions as asked
