"""The referee: holds the card, checks every clue before the guesser can see it, judges every guess,
and ends the game for everyone. Judging is a pure function (`judge`) of the game's rule set
(games.taboo.rulesets); the node applies the decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from games.kit.common_events import counted
from games.kit.outcome import Outcome
from games.kit.referee import GAVE_UP, REPROMPTED, JudgeNode, malformed
from games.taboo.explain import explained
from games.taboo.players import CARD, CLUE, WRONG, card_to_body
from games.taboo.rules import Violation
from games.taboo.state import GUESSER, HINTER, RefereeState
from runtime import CONTINUE, AgentNode, AsyncFlow, Message


class Verdict(StrEnum):
    APPROVED = "approved"  # the clue goes to the guesser
    VIOLATION = "violation"  # the clue broke a rule: the game is lost
    REPROMPT = REPROMPTED  # malformed reply, re-prompts left
    ABORTED = GAVE_UP  # malformed reply, none left
    CORRECT = "correct"
    WRONG = "wrong"  # another turn follows
    OUT_OF_TURNS = "out_of_turns"  # wrong, and it was the last turn


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    said: str  # the clue or guess as the rules read it, or the reply as sent when malformed
    problem: str = ""
    violation: Violation | None = None
    forward: str = ""  # what the other player is sent
    remembered: str = ""  # the clue as the players' memories keep it
    details: Mapping[str, Any] = field(default_factory=dict)  # more for rule_violation


def judge(state: RefereeState, message: Message) -> Decision:
    """The referee's verdict on one reply, from the rules alone."""
    rules, setup = state.rules, state.setup
    if message.sender == HINTER:
        clue = rules.judge_clue(message.text, setup)
        if clue.problem is not None:
            return _malformed(state, message, clue.problem)
        if clue.violation is not None:
            return Decision(Verdict.VIOLATION, clue.said, violation=clue.violation, details=clue.details)
        return Decision(Verdict.APPROVED, clue.said, forward=clue.forward, remembered=clue.clue)
    if message.sender == GUESSER:
        guess = rules.judge_guess(message.text, setup)
        if guess.problem is not None:
            return _malformed(state, message, guess.problem)
        if guess.correct:
            return Decision(Verdict.CORRECT, guess.said)
        if state.turn >= setup.turns:
            return Decision(Verdict.OUT_OF_TURNS, guess.said)
        return Decision(Verdict.WRONG, guess.said, forward=guess.forward)
    raise ValueError(f"the referee got a message from {message.sender!r}, who is not a player")


def _malformed(state: RefereeState, message: Message, problem: str) -> Decision:
    verdict, problem = malformed(state, message, problem)
    return Decision(Verdict(verdict), message.text, problem=problem)


class DealCard(AgentNode):
    """The referee's first step: start turn 1 and give the hinter the card."""

    async def post_async(self, state: RefereeState, prep_res: object, exec_res: object) -> str:
        self.agent.events.info("turn_started", turn=state.turn, turns=state.setup.turns)
        text = state.rules.opening(state.setup)
        await self.agent.send(HINTER, CARD, text, body=card_to_body(state.setup.card))
        return CONTINUE


class Judge(JudgeNode):
    """The referee's loop: receive a reply, judge it, act on the verdict."""

    hears = (HINTER, GUESSER)
    judge = staticmethod(judge)

    async def act(self, state: RefereeState, message: Message, decision: Decision) -> str:
        verdict = decision.verdict
        if verdict is Verdict.VIOLATION:
            return self._violation(state, decision)
        if verdict is Verdict.APPROVED:
            self.agent.events.info("clue_approved", turn=state.turn, clue=decision.said)
            state.clues.append(decision.remembered)
            text = state.rules.to_guesser(decision.forward, state.turn, state.setup)
            body = {"turn": state.turn, "wrong_guess": state.last_wrong_guess, "clue": decision.remembered}
            await self.agent.send(GUESSER, CLUE, text, body=body)
            return CONTINUE
        correct = verdict is Verdict.CORRECT
        self.agent.events.info("guess_judged", turn=state.turn, guess=decision.said, correct=correct)
        if correct:
            return self.finish(state, Outcome.SUCCESS, f"the guesser found {state.setup.card.target!r}")
        if verdict is Verdict.OUT_OF_TURNS:
            turns = counted(state.setup.turns, "turn")
            return self.finish(
                state, Outcome.LOSE_TURNS, f"{state.setup.card.target!r} was not guessed in {turns}"
            )
        state.turn += 1
        state.last_wrong_guess = decision.said
        self.agent.events.info("turn_started", turn=state.turn, turns=state.setup.turns)
        body = {"guess": decision.said, "turn": state.turn, "clue": state.clues[-1]}
        await self.agent.send(HINTER, WRONG, decision.forward, body=body)
        return CONTINUE

    def finish(self, state: RefereeState, outcome: Outcome, reason: str, score: float | None = None) -> str:
        """End the game, scored by the game's rule set."""
        action = super().finish(state, outcome, reason, score)
        assert state.result is not None
        state.result = state.rules.scored(state.result)
        return action

    def _violation(self, state: RefereeState, decision: Decision) -> str:
        violation = decision.violation
        assert violation is not None
        self.agent.events.info(
            "rule_violation",
            agent=HINTER,
            rule=violation.rule,
            word=violation.word,
            span=list(violation.span),
            text=violation.text,
            clue=decision.said,
            **decision.details,
        )
        reason = explained(violation.rule, violation.text, violation.word, state.setup.card)
        return self.finish(state, Outcome.LOSE_VIOLATION, reason)


def referee_flow() -> AsyncFlow:
    deal = DealCard()
    judge_node = Judge()
    deal - CONTINUE >> judge_node
    judge_node - CONTINUE >> judge_node
    return AsyncFlow(start=deal)
