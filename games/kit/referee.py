"""The skeleton every referee (or moderator) shares: receive a reply from a player it hears, judge it
with a pure function, re-prompt a malformed reply or give up and end the game aborted, and end the game
with its result. Re-prompts are counted per player, against one budget each."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from games.kit.outcome import GameResult, Outcome
from runtime import CONTINUE, END, AgentNode, Message

REPROMPT = "reprompt"  # referee -> player: the reply was malformed, try again (body: problem)
EMPTY_REPLY = "Your reply was empty."

# A judge's verdicts on a malformed reply (a game's StrEnum members with these values compare equal).
REPROMPTED = "reprompt"  # the sender has a re-prompt left
GAVE_UP = "aborted"  # it has none: the game ends aborted
MALFORMED = (REPROMPTED, GAVE_UP)


@dataclass
class Reprompts:
    """Re-prompts used per player on the reply pending from it, each player with the same `budget`;
    a player's count starts again from 0 once it replies well."""

    budget: int
    used: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.budget < 0:
            raise ValueError(f"the re-prompt budget must be 0 or more, got {self.budget}")

    def left(self, player: str) -> int:
        return self.budget - self.used.get(player, 0)

    def spend(self, player: str) -> None:
        if self.left(player) <= 0:
            raise ValueError(f"{player!r} has no re-prompt left")
        self.used[player] = self.used.get(player, 0) + 1

    def clear(self, player: str) -> None:
        """`player` replied well: its next malformed reply has the whole budget again."""
        self.used.pop(player, None)


class Book(Protocol):
    """The referee's state as this module needs it."""

    @property
    def game_id(self) -> str: ...

    @property
    def subject(self) -> str: ...

    @property
    def turn(self) -> int: ...

    reprompts: Reprompts
    result: GameResult | None


class Judgement(Protocol):
    """A judge's decision as the skeleton reads it: `verdict` is REPROMPTED or GAVE_UP for a malformed
    reply, whose `problem` the player is told; any other verdict is the game's to act on."""

    @property
    def verdict(self) -> str: ...

    @property
    def problem(self) -> str: ...


def malformed(book: Book, message: Message, problem: str) -> tuple[str, str]:
    """The verdict on a malformed reply (REPROMPTED while its sender has a re-prompt left, else
    GAVE_UP) and the problem to tell the sender (an empty reply is told it was empty)."""
    verdict = REPROMPTED if book.reprompts.left(message.sender) > 0 else GAVE_UP
    return verdict, problem if message.text.strip() else EMPTY_REPLY


class RefereeNode(AgentNode):
    """A referee's node, with the two endings-related moves every game makes."""

    def malformed_fields(self, offender: str) -> dict[str, Any]:
        """Fields a game adds to `reply_malformed` (Chameleon: who may see it)."""
        return {}

    def gave_up_reason(self, offender: str) -> str:
        """The reason of a game aborted because `offender` kept replying malformed."""
        return f"the {offender} kept replying in the wrong format"

    async def reprompt_or_abort(self, book: Book, message: Message, problem: str) -> str:
        """Log `reply_malformed`; ask the sender again, or end the game aborted when it has no re-prompt
        left."""
        offender = message.sender
        left = book.reprompts.left(offender)
        self.agent.events.info(
            "reply_malformed",
            offender=offender,
            text=message.text,
            problem=problem,
            reprompts_left=left,
            **self.malformed_fields(offender),
        )
        if left <= 0:
            return self.finish(book, Outcome.ABORTED, self.gave_up_reason(offender))
        book.reprompts.spend(offender)
        await self.agent.send(offender, REPROMPT, problem, body={"problem": problem})
        return CONTINUE

    def finish(
        self, book: Book, outcome: Outcome, reason: str, score: float | None = None, *, winner: str = ""
    ) -> str:
        """Record the game's result and stop the run for everyone. `score` is a success's score;
        losses score 0, aborted and failed games nothing. `winner` names the side that won, in a game
        with sides (`reason` then says what happened from there: "it escaped")."""
        if outcome is not Outcome.SUCCESS:
            score = 0.0 if outcome.scored else None
        book.result = GameResult(book.game_id, outcome, book.turn, score, reason, book.subject, winner=winner)
        self.agent.stop(reason)
        return END


class JudgeNode(RefereeNode):
    """A referee's loop step: receive a reply from one of the players it hears now (`hearing`), judge
    it with the pure function `judge(book, message)` (exec), then re-prompt or give up on a malformed
    reply, or clear the sender's re-prompts and `act` on the decision (the game's)."""

    hears: tuple[str, ...] = ()

    def hearing(self, book: Any) -> tuple[str, ...]:
        """Whom the referee waits on now: `hears`, unless the game's turn decides."""
        return self.hears

    def judge(self, book: Any, message: Message) -> Any:
        raise NotImplementedError

    async def act(self, book: Any, message: Message, decision: Any) -> str:
        """Act on the decision on a well-formed reply; return the next action."""
        raise NotImplementedError

    async def prep_async(self, book: Any) -> tuple[Any, Message]:
        return book, await self.agent.receive(expecting=self.hearing(book))

    async def exec_async(self, prep_res: tuple[Any, Message]) -> Any:
        book, message = prep_res
        return self.judge(book, message)

    async def post_async(self, book: Any, prep_res: tuple[Any, Message], decision: Judgement) -> str:
        _, message = prep_res
        if decision.verdict in MALFORMED:
            return await self.reprompt_or_abort(book, message, decision.problem)
        book.reprompts.clear(message.sender)
        return await self.act(book, message, decision)
