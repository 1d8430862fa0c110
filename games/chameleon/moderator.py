"""The moderator: deals the word, asks for the clues in turn and checks each one before everyone hears
it, collects the private votes, lets a caught chameleon guess, and ends the game for everyone.
Judging is a pure function (`judge`); the nodes apply the decision. Re-prompting and ending the game are
the shared referee's (games.kit.referee), with one re-prompt budget per player: votes come in together.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from games.chameleon.players import ASK_CLUE, ASK_GUESS, ASK_VOTE, CLUE, DEAL, VOTES
from games.chameleon.prompts import FORMATS
from games.chameleon.replies import parse_clue, parse_guess, parse_vote, seat_named
from games.chameleon.rules import Violation, check_clue
from games.chameleon.state import MODERATOR, PASS, PLAYERS, ModeratorState, Phase
from games.chameleon.votes import count_votes, reveal
from games.kit.matching import matches
from games.kit.outcome import Outcome
from games.kit.referee import GAVE_UP, REPROMPTED, JudgeNode, malformed
from runtime import CONTINUE, AgentNode, AsyncFlow, Message

WIN_SCORE = 100.0


class Verdict(StrEnum):
    CLUE = "clue"  # a fair clue: everyone hears it
    VIOLATION = "violation"  # the clue broke a rule: everyone hears "(pass)"
    VOTE = "vote"  # a valid vote, counted
    RIGHT = "right"  # the caught chameleon named the secret word
    WRONG = "wrong"
    REPROMPT = REPROMPTED  # a malformed reply, re-prompts left
    ABORTED = GAVE_UP  # a malformed reply, none left


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    said: str  # the clue, the seat voted for or the guess, as parsed; the reply itself when malformed
    problem: str = ""
    violation: Violation | None = None


def judge(state: ModeratorState, message: Message) -> Decision:
    """The moderator's verdict on one reply, from the rules alone."""
    sender = message.sender
    if sender not in state.expecting():
        raise ValueError(
            f"the moderator got a {message.kind!r} from {sender!r} while {state.phase} waits on others"
        )
    if state.phase is Phase.CLUES:
        clue = parse_clue(message.text)
        if clue is None:
            return _malformed(state, message, f"Your reply had no clue in the form {FORMATS[Phase.CLUES]}.")
        violation = check_clue(clue, state.setup.secret)
        return Decision(Verdict.VIOLATION if violation else Verdict.CLUE, clue, violation=violation)
    if state.phase is Phase.VOTES:
        answer = parse_vote(message.text)
        if answer is None:
            return _malformed(state, message, f"Your reply had no vote in the form {FORMATS[Phase.VOTES]}.")
        others = [seat for seat in state.setup.players if seat != sender]
        seat = seat_named(answer, state.setup.players)
        if seat is None:
            return _malformed(
                state, message, f"{answer!r} is not a player: vote for one of {', '.join(others)}."
            )
        if seat == sender:
            return _malformed(
                state, message, f"You cannot vote for yourself: vote for one of {', '.join(others)}."
            )
        return Decision(Verdict.VOTE, seat)
    guess = parse_guess(message.text)
    if guess is None:
        return _malformed(state, message, f"Your reply had no guess in the form {FORMATS[Phase.GUESS]}.")
    right = matches(guess, [state.setup.secret])
    return Decision(Verdict.RIGHT if right else Verdict.WRONG, guess)


def _malformed(state: ModeratorState, message: Message, problem: str) -> Decision:
    verdict, problem = malformed(state, message, problem)
    return Decision(Verdict(verdict), message.text, problem=problem)


class Deal(AgentNode):
    """The moderator's first step: a private deal to each player, then the first clue is asked for."""

    async def post_async(self, state: ModeratorState, prep_res: object, exec_res: object) -> str:
        setup = state.setup
        for seat in setup.players:
            body = {
                "category": setup.category.name,
                "players": list(setup.players),
                "first": setup.first,
                "chameleon": seat == setup.chameleon,
            }
            if seat == setup.chameleon:
                text = f"You are the chameleon. Category: {setup.category.name} (you are not told the word)."
            else:
                body["secret"] = setup.secret
                text = f"Category: {setup.category.name}. The secret word is {setup.secret}."
            await self.agent.send(seat, DEAL, text, body=body)
        _round_started(self, Phase.CLUES)
        await _ask_clue(self, state)
        return CONTINUE


class Moderate(JudgeNode):
    """The moderator's loop: receive a reply from a player it waits on, judge it, act on the verdict."""

    judge = staticmethod(judge)

    def hearing(self, state: ModeratorState) -> tuple[str, ...]:
        return state.expecting()

    def malformed_fields(self, offender: str) -> dict[str, list[str]]:
        return {"seen_by": [offender, MODERATOR]}  # told to the offender alone

    def gave_up_reason(self, offender: str) -> str:
        return f"{offender} kept replying in the wrong format"

    async def act(self, state: ModeratorState, message: Message, decision: Decision) -> str:
        sender = message.sender
        if decision.verdict in (Verdict.CLUE, Verdict.VIOLATION):
            return await self._clue(state, sender, decision)
        if decision.verdict is Verdict.VOTE:
            return await self._vote(state, sender, decision.said)
        return self._guess(state, decision)

    async def _clue(self, state: ModeratorState, sender: str, decision: Decision) -> str:
        violation = decision.violation
        clue = decision.said
        if violation is None:
            text = f"clue {clue!r} accepted"
            self.agent.events.info(
                "verdict_given", about=sender, ok=True, text=text, seen_by=_everyone(state)
            )
        else:
            self.agent.events.info(
                "rule_violation",
                agent=sender,
                rule=violation.rule,
                word=violation.word,
                span=list(violation.span),
                text=violation.text,
                clue=clue,
                seen_by=[sender, MODERATOR],
            )
            self.agent.events.info(
                "verdict_given",
                about=sender,
                ok=False,
                text=f"clue broke the {violation.rule} rule: everyone hears {PASS}",
                seen_by=_everyone(state),
            )
            clue = PASS
        state.clues.append((sender, clue))
        body = {"player": sender, "clue": clue, "passed": violation is not None}
        await self.agent.broadcast(CLUE, f"{sender}: {clue}", to=PLAYERS, body=body)
        if state.turns.advance() is not None:
            await _ask_clue(self, state)
            return CONTINUE
        state.phase = Phase.VOTES
        _round_started(self, Phase.VOTES)
        text = f"Every clue is in: vote, in private, for the chameleon. Reply {FORMATS[Phase.VOTES]}"
        await self.agent.broadcast(ASK_VOTE, text, to=PLAYERS)
        return CONTINUE

    async def _vote(self, state: ModeratorState, voter: str, seat: str) -> str:
        state.votes.answer(voter, seat)
        if not state.votes.complete:
            return CONTINUE
        setup = state.setup
        tally = count_votes(state.votes.answers, setup.players)
        self.agent.events.info(
            "votes_counted",
            votes=tally.votes,
            counts=tally.counts,
            caught=tally.caught,
            chameleon=setup.chameleon,
            seen_by=_everyone(state),  # announced to everyone
        )
        announcement = reveal(tally, setup.chameleon)
        body = {
            "votes": tally.votes,
            "counts": tally.counts,
            "caught": tally.caught,
            "chameleon": setup.chameleon,
        }
        await self.agent.broadcast(VOTES, announcement, to=PLAYERS, body=body)
        if tally.caught != setup.chameleon:
            reason = (
                "a tie in the votes caught nobody"
                if tally.caught is None
                else f"the votes caught {tally.caught} instead"
            )
            return self.finish(state, Outcome.LOSE_TURNS, reason, winner=f"the chameleon {setup.chameleon}")
        state.phase = Phase.GUESS
        _round_started(self, Phase.GUESS)
        text = f"You are caught: guess the secret word. Reply {FORMATS[Phase.GUESS]}"
        await self.agent.send(setup.chameleon, ASK_GUESS, text)
        return CONTINUE

    def _guess(self, state: ModeratorState, decision: Decision) -> str:
        setup = state.setup
        right = decision.verdict is Verdict.RIGHT
        word = f"the word was {setup.secret!r}"
        text = f"guess {decision.said!r} is right" if right else f"guess {decision.said!r} is wrong: {word}"
        self.agent.events.info(
            "verdict_given", about=setup.chameleon, ok=right, text=text, seen_by=_everyone(state)
        )
        if right:
            reason = f"it was caught but guessed the secret word, {decision.said!r}"
            return self.finish(state, Outcome.LOSE_TURNS, reason, winner=f"the chameleon {setup.chameleon}")
        reason = (
            f"they caught the chameleon {setup.chameleon}, whose guess {decision.said!r} was wrong ({word})"
        )
        # scored for those who knew the word
        return self.finish(state, Outcome.SUCCESS, reason, WIN_SCORE, winner="the players")


def _everyone(state: ModeratorState) -> list[str]:
    """seen_by for what the moderator judges in the open: every player, and itself."""
    return [*state.setup.players, MODERATOR]


def _round_started(node: AgentNode, phase: Phase) -> None:
    node.agent.events.info("turn_started", round=str(phase), turn=phase.number, turns=len(Phase))


async def _ask_clue(node: AgentNode, state: ModeratorState) -> None:
    seat = state.turns.current
    assert seat is not None
    await node.agent.send(seat, ASK_CLUE, f"Your turn: one clue word. Reply {FORMATS[Phase.CLUES]}")


def moderator_flow() -> AsyncFlow:
    deal = Deal()
    moderate = Moderate()
    deal - CONTINUE >> moderate
    moderate - CONTINUE >> moderate
    return AsyncFlow(start=deal)
