"""Twenty Questions in the transcript: each question and its answer on two lines, the question numbered."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from games.cli.registry import catalog_for
from games.cli.transcript import Transcript
from tests.games.twenty_questions.helpers import play_offline


def drawn(events: list[dict], viewer: str | None = None) -> list[str]:
    out = io.StringIO()
    transcript = Transcript(
        Console(file=out, width=200, color_system=None),
        catalog=catalog_for("twenty-questions"),
        viewer=viewer,
    )
    for record in events:
        transcript(record)
    return out.getvalue().splitlines()


@pytest.mark.asyncio
async def test_a_question_and_its_answer_take_two_lines() -> None:
    """The full view: `questioner → answerer [question N] ...` then `answerer → questioner [answer] ...`."""
    result, events = await play_offline("grape", 3)
    lines = drawn(events)
    questions = [line for line in lines if "[question " in line]
    answers = [line for line in lines if "[answer]" in line]
    asked = sum(1 for event in events if event["event"] == "message_sent" and event.get("kind") == "question")
    assert len(questions) == asked == len(answers) and asked >= 3
    assert questions[0].startswith("questioner → answerer [question 1] ") and "QUESTION:" not in questions[0]
    first = lines.index(questions[0])
    assert lines[first + 1].startswith("answerer → questioner [answer] ")
    assert not any(line.startswith("turn ") for line in lines)
    # four lines of the log per question, two on the screen
    assert len(lines) <= 2 * asked + 8


@pytest.mark.asyncio
async def test_each_player_still_sees_its_side_of_the_exchange() -> None:
    """The questioner's view shows the answers it was given; the answerer's the questions it was asked."""
    _, events = await play_offline("grape", 3)
    asking = drawn(events, viewer="questioner")
    assert any("answerer → questioner [answer]" in line for line in asking)
    answering = drawn(events, viewer="answerer")
    assert any("[question 1]" in line for line in answering)
    assert any("ANSWER:" in line for line in answering)  # its own replies, as it gave them
