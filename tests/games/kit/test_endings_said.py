"""How a game's ending reads for a person: plain words, the winner of a game with sides, the score."""

from __future__ import annotations

from pathlib import Path

from games.cli.registry import catalog_for
from games.cli.session import ending_said, outcome_line
from games.kit.common_events import ending_words
from games.kit.outcome import GameResult, Outcome
from games.taboo.deck import Card
from games.taboo.explain import explained


def ended(outcome: str, turns: int, score: float | None, reason: str = "", **more: str) -> dict:
    return {
        "event": "game_ended",
        "outcome": outcome,
        "turns": turns,
        "score": score,
        "reason": reason,
        **more,
    }


def test_outcomes_read_as_plain_words() -> None:
    """Each outcome says what happened and the score, counted in words, with no log word in it."""
    assert ending_words(ended("success", 2, 50.0)) == "Won in 2 turns, score 50"
    assert ending_words(ended("lose_violation", 1, 0.0)) == "Lost after 1 turn, score 0"
    assert ending_words(ended("lose_turns", 5, 0.0)) == "Lost after 5 turns, score 0"
    assert ending_words(ended("aborted", 3, None)) == "Not finished after 3 turns"
    assert ending_words(ended("error", 1, None)) == "Failed after 1 turn"
    assert ending_words(ended("success", 7, 70.0), unit="question") == "Won in 7 questions, score 70"


def test_a_game_with_sides_names_the_side_that_won() -> None:
    """Chameleon: the chameleon escaping is the chameleon's win, with the players' score beside it."""
    record = ended("lose_turns", 2, 0.0, "the votes caught p4 instead", winner="the chameleon p3")
    said = ending_said(record, catalog_for("chameleon"))
    assert said == "The chameleon p3 won after 2 rounds (the players score 0): the votes caught p4 instead"
    record = ended("success", 3, 100.0, "they caught the chameleon p3", winner="the players")
    assert ending_said(record, catalog_for("chameleon")).startswith(
        "The players won in 3 rounds, score 100: "
    )


def test_the_last_line_is_the_ending_and_the_log() -> None:
    """A finished game's last line: the ending as its game says it, then the log's path."""
    result = GameResult("g1", Outcome.SUCCESS, 8, 65.0, "the questioner found 'grape'", "grape")
    line = outcome_line(result.fields(), Path("runs/x.jsonl"), catalog_for("twenty-questions"))
    assert line == "Won in 8 questions, score 65: the questioner found 'grape' — log: runs/x.jsonl"


def test_a_broken_taboo_rule_names_the_word_and_the_rule() -> None:
    """The clue's word, what the rule forbids and what the card's word is, without the rule's name."""
    card = Card("zebra", ("stripes", "horse", "africa", "black", "white"))
    assert explained("taboo_word", "stripes", "stripes", card) == "the clue said 'stripes', a taboo word"
    said = explained("variant", "zebras", "zebra", card)
    assert said == "the clue said 'zebras': a form of 'zebra', the word to guess"
    assert "variant" not in said and "taboo_word" not in explained("taboo_word", "Stripes", "stripes", card)
