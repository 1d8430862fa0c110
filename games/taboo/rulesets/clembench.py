"""clembench's Taboo, exactly as its game master plays it (clembench v1.6 to today's code): the
describer's prompt filled from the instances file, every reply passed on as it is, no re-prompts, its
reply formats, clue and guess checks (games.taboo.clembench.checks) and its scores
(games.taboo.clembench.scores). The players' models see what clembench's models see, message for
message: docs/taboo-rules.md, "The clembench rule set"."""

from __future__ import annotations

import dataclasses

from agents import AgentModel
from games.kit.outcome import GameResult, Outcome
from games.taboo.clembench.checks import (
    CLUE_TAG,
    GUESS_TAG,
    TARGET,
    first_clue_error,
    is_clue,
    is_guess,
    normalized_clue,
    normalized_guess,
)
from games.taboo.clembench.instances import Instance
from games.taboo.clembench.players import relay_flow
from games.taboo.clembench.scores import MAIN_SCORE, episode_scores
from games.taboo.rules import Violation
from games.taboo.rulesets.base import ClueRuling, GuessRuling
from games.taboo.state import TabooSetup
from runtime import AsyncFlow

NAME = "clembench"
NOT_A_CLUE = f"The reply does not start with {CLUE_TAG}"
NOT_A_GUESS = f"The reply does not start with {GUESS_TAG}"
# rule_violation's rule for a clue word with the stem of the target, or of a related word.
RULE_OF = {TARGET: "target_stem", "related": "related_stem"}


def instance_of(setup: TabooSetup) -> Instance:
    if setup.instance is None:
        raise ValueError("clembench's rules play an instance of a clembench instances file")
    return setup.instance


class ClembenchRules:
    name = NAME

    def reprompts(self, configured: int) -> int:
        return 0  # a malformed reply ends the game

    def opening(self, setup: TabooSetup) -> str:
        return instance_of(setup).describer_prompt()

    def judge_clue(self, reply: str, setup: TabooSetup) -> ClueRuling:
        if not is_clue(reply):
            return ClueRuling(reply, problem=NOT_A_CLUE)
        said = normalized_clue(reply)
        clue = reply.removeprefix(CLUE_TAG).strip()  # what the offline players remember
        instance = instance_of(setup)
        error = first_clue_error(reply, instance.target, instance.related)
        if error is None:
            return ClueRuling(said, clue=clue, forward=reply)
        violation = Violation(RULE_OF[error.kind], error.word, (error.start, error.end), error.token)
        return ClueRuling(said, violation=violation, clue=clue, details={"message": error.message})

    def judge_guess(self, reply: str, setup: TabooSetup) -> GuessRuling:
        if not is_guess(reply):
            return GuessRuling(reply, problem=NOT_A_GUESS)
        guess = normalized_guess(reply)
        return GuessRuling(guess, correct=guess == instance_of(setup).target, forward=reply)

    def to_guesser(self, forward: str, turn: int, setup: TabooSetup) -> str:
        if turn == 1:  # the guesser's prompt comes with the first clue
            return f"{instance_of(setup).guesser_prompt()}\n\n{forward}"
        return forward

    def scored(self, result: GameResult) -> GameResult:
        if result.outcome is Outcome.ERROR:
            return result  # a failed game is no episode: clembench has no scores for it
        scores = episode_scores(
            result.turns,
            aborted=result.outcome is Outcome.ABORTED,
            guessed=result.outcome is Outcome.SUCCESS,
        )
        main = scores[MAIN_SCORE]
        score = None if main is None else float(main)
        return dataclasses.replace(result, score=score, rules=NAME, scores=scores)

    def player_flow(self, role: str, model: AgentModel, system_template: str) -> AsyncFlow:
        return relay_flow(role, model)


CLEMBENCH = ClembenchRules()
