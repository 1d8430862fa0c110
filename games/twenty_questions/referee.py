"""The referee: holds the secret, relays each question to the answerer and each answer back, checks
every answer before the questioner can see it, judges every guess, and ends the game for everyone.
Judging is a pure function (`judge`); the node applies the decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from games.kit.common_events import counted
from games.kit.matching import matches
from games.kit.outcome import Outcome
from games.kit.referee import GAVE_UP, REPROMPTED, JudgeNode, malformed
from games.twenty_questions.players import ANSWER, QUESTION, START, WRONG
from games.twenty_questions.replies import Tag, parse_move
from games.twenty_questions.rules import Rule, Violation, check_answer
from games.twenty_questions.state import ANSWERER, QUESTIONER, Exchange, RefereeState
from runtime import CONTINUE, AgentNode, AsyncFlow, Message


class Verdict(StrEnum):
    ASK = "ask"  # a question: it goes to the answerer
    ANSWERED = "answered"  # a valid answer: it goes to the questioner
    VIOLATION = "violation"  # the answer broke a rule: the game is lost
    REPROMPT = REPROMPTED  # malformed reply, re-prompts left
    ABORTED = GAVE_UP  # malformed reply, none left
    CORRECT = "correct"
    WRONG = "wrong"  # another question follows
    OUT_OF_QUESTIONS = "out_of_questions"  # wrong, and it was the last question


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    said: str  # the question, answer or guess as parsed, or the reply as sent when malformed
    problem: str = ""
    violation: Violation | None = None


MALFORMED_MOVE = "Your reply had no question or guess in the form QUESTION: <question> or GUESS: <thing>."
LAST_QUESTION = "That was your last question: you must guess now, in the form GUESS: <thing>."


def judge(state: RefereeState, message: Message) -> Decision:
    """The referee's verdict on one reply, from the rules alone."""
    if message.sender == QUESTIONER:
        move = parse_move(message.text)
        if move is None:
            return _malformed(state, message, MALFORMED_MOVE)
        if move.tag is Tag.QUESTION:
            if state.last_turn:
                return _malformed(state, message, LAST_QUESTION)
            return Decision(Verdict.ASK, move.text)
        if matches(move.text, state.setup.thing.names):
            return Decision(Verdict.CORRECT, move.text)
        return Decision(Verdict.OUT_OF_QUESTIONS if state.last_turn else Verdict.WRONG, move.text)
    if message.sender == ANSWERER:
        check = check_answer(message.text, state.setup.thing)
        if check.violation is not None:
            return Decision(Verdict.VIOLATION, message.text, violation=check.violation)
        if check.problem is not None:
            return _malformed(state, message, check.problem)
        assert check.answer is not None
        return Decision(Verdict.ANSWERED, check.answer)
    raise ValueError(f"the referee got a message from {message.sender!r}, who is not a player")


def _malformed(state: RefereeState, message: Message, problem: str) -> Decision:
    verdict, problem = malformed(state, message, problem)
    return Decision(Verdict(verdict), message.text, problem=problem)


def score_for(turn: int, questions: int) -> float:
    """100 for a guess with the first question, 100/N less for every question before it."""
    return round(100 * (1 - (turn - 1) / questions), 2)


class Open(AgentNode):
    """The referee's first step: start turn 1 and invite the questioner."""

    async def post_async(self, state: RefereeState, prep_res: object, exec_res: object) -> str:
        questions = state.setup.questions
        self.agent.events.info("turn_started", turn=state.turn, turns=questions)
        body = {"turn": state.turn, "questions": questions}
        await self.agent.send(QUESTIONER, START, f"{questions} questions", body=body)
        return CONTINUE


class Judge(JudgeNode):
    """The referee's loop: receive a reply, judge it, act on the verdict."""

    hears = (QUESTIONER, ANSWERER)
    judge = staticmethod(judge)

    async def act(self, state: RefereeState, message: Message, decision: Decision) -> str:
        verdict = decision.verdict
        if verdict is Verdict.VIOLATION:
            return self._violation(state, decision)
        if verdict is Verdict.ASK:
            state.question = decision.said
            body = {"turn": state.turn, "thing": state.setup.thing.name}
            await self.agent.send(ANSWERER, QUESTION, decision.said, body=body)
            return CONTINUE
        if verdict is Verdict.ANSWERED:
            state.exchanges.append(Exchange(state.question, decision.said))
            body = {"question": state.question, "answer": decision.said, "turn": state.turn + 1}
            await self.agent.send(QUESTIONER, ANSWER, decision.said, body=body)
            self._next_turn(state)
            return CONTINUE
        correct = verdict is Verdict.CORRECT
        right = "right" if correct else "wrong"
        self.agent.events.info(
            "verdict_given", about=QUESTIONER, ok=correct, text=f"{decision.said} is {right}"
        )
        if correct:
            score = score_for(state.turn, state.setup.questions)
            return self.finish(
                state, Outcome.SUCCESS, f"the questioner found {state.setup.thing.name!r}", score
            )
        questions = counted(state.setup.questions, "question")
        if verdict is Verdict.OUT_OF_QUESTIONS:
            reason = f"{state.setup.thing.name!r} was not guessed in {questions}"
            return self.finish(state, Outcome.LOSE_TURNS, reason)
        state.guesses.append(decision.said)
        body = {"guess": decision.said, "turn": state.turn + 1}
        await self.agent.send(QUESTIONER, WRONG, decision.said, body=body)
        self._next_turn(state)
        return CONTINUE

    def _next_turn(self, state: RefereeState) -> None:
        state.turn += 1
        self.agent.events.info("turn_started", turn=state.turn, turns=state.setup.questions)

    def _violation(self, state: RefereeState, decision: Decision) -> str:
        violation = decision.violation
        assert violation is not None
        self.agent.events.info(
            "rule_violation",
            agent=ANSWERER,
            rule=str(violation.rule),
            word=state.setup.thing.name if violation.rule is Rule.NAMES_SECRET else "yes/no/unknown",
            span=list(violation.span),
            text=violation.text,
            reply=decision.said,
        )
        if violation.rule is Rule.NAMES_SECRET:
            reason = f"the answer named the secret: {violation.text!r}"
        else:
            reason = f"the answer {violation.text!r} was not yes, no or unknown"
        return self.finish(state, Outcome.LOSE_VIOLATION, reason)


def referee_flow() -> AsyncFlow:
    start = Open()
    judge_node = Judge()
    start - CONTINUE >> judge_node
    judge_node - CONTINUE >> judge_node
    return AsyncFlow(start=start)
