"""This project's rules (docs/taboo-rules.md): replies read by the chatter rule, clues checked for the
target, taboo words and their disguises, guesses matched tolerantly, re-prompts for malformed replies,
and players told in the project's own words (their personas' prompts)."""

from __future__ import annotations

import dataclasses

from agents import AgentModel
from games.kit.outcome import GameResult, Outcome
from games.taboo.guesses import guess_matches
from games.taboo.players import player_flow
from games.taboo.replies import parse_clue, parse_guess
from games.taboo.rules import check_clue
from games.taboo.rulesets.base import ClueRuling, GuessRuling
from games.taboo.state import TabooSetup
from runtime import AsyncFlow

NO_CLUE = "Your reply had no clue in the form CLUE: <text>."
NO_GUESS = "Your reply had no guess in the form GUESS: <word>."


def score_for(turn: int) -> float:
    """100/t for a success on turn t, to two decimals."""
    return round(100 / turn, 2)


class StrictRules:
    name = "strict"

    def reprompts(self, configured: int) -> int:
        return configured

    def opening(self, setup: TabooSetup) -> str:
        card = setup.card
        return f"{card.target} (taboo: {', '.join(card.taboo)})"

    def judge_clue(self, reply: str, setup: TabooSetup) -> ClueRuling:
        clue = parse_clue(reply)
        if clue is None:
            return ClueRuling(reply, problem=NO_CLUE)
        return ClueRuling(clue, violation=check_clue(clue, setup.card), clue=clue, forward=clue)

    def judge_guess(self, reply: str, setup: TabooSetup) -> GuessRuling:
        guess = parse_guess(reply)
        if guess is None:
            return GuessRuling(reply, problem=NO_GUESS)
        return GuessRuling(guess, correct=guess_matches(guess, setup.card), forward=guess)

    def to_guesser(self, forward: str, turn: int, setup: TabooSetup) -> str:
        return forward

    def scored(self, result: GameResult) -> GameResult:
        if result.outcome is not Outcome.SUCCESS:
            return result
        return dataclasses.replace(result, score=score_for(result.turns))

    def player_flow(self, role: str, model: AgentModel, system_template: str) -> AsyncFlow:
        return player_flow(role, model, system_template)


STRICT = StrictRules()
