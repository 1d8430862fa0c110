"""What every referee (or moderator) does the same way: re-prompt a malformed reply or give up, and
end the game with its result."""

from __future__ import annotations

from typing import Any, Protocol

from games.kit.outcome import GameResult, Outcome
from runtime import CONTINUE, END, AgentNode, Message

REPROMPT = "reprompt"  # referee -> player: the reply was malformed, try again (body: problem)


class Book(Protocol):
    """The referee's state as this module needs it."""

    game_id: str
    subject: str
    turn: int
    reprompts: int  # re-prompts used on the reply pending now
    max_reprompts: int
    result: GameResult | None


def can_reprompt(book: Book) -> bool:
    """True while the pending reply may be re-prompted once more."""
    return book.reprompts < book.max_reprompts


class RefereeNode(AgentNode):
    """A referee's node, with the two endings-related moves every game makes."""

    async def reprompt_or_abort(self, book: Book, message: Message, problem: str) -> str:
        """Log `reply_malformed`; ask the sender again, or end the game aborted when no re-prompt is left."""
        left = book.max_reprompts - book.reprompts
        self.agent.events.info(
            "reply_malformed",
            offender=message.sender,
            text=message.text,
            problem=problem,
            reprompts_left=left,
        )
        if not can_reprompt(book):
            return self.finish(book, Outcome.ABORTED, f"the {message.sender} kept replying malformed")
        book.reprompts += 1
        await self.agent.send(message.sender, REPROMPT, problem, body={"problem": problem})
        return CONTINUE

    def finish(self, book: Book, outcome: Outcome, reason: str, score: float | None = None) -> str:
        """Record the game's result and stop the run for everyone. `score` is a success's score;
        losses score 0, aborted and failed games nothing."""
        if outcome is not Outcome.SUCCESS:
            score = 0.0 if outcome.scored else None
        book.result = GameResult(book.game_id, outcome, book.turn, score, reason, book.subject)
        self.agent.stop(reason)
        return END


class JudgeNode(RefereeNode):
    """A referee's loop step: receive a reply from one of `hears`, judge it with the pure function
    `judge(book, message)` (exec), act on the decision in `post_async` (the subclass's)."""

    hears: tuple[str, ...] = ()

    def judge(self, book: Any, message: Message) -> Any:
        raise NotImplementedError

    async def prep_async(self, book: Any) -> tuple[Any, Message]:
        return book, await self.agent.receive(expecting=self.hears)

    async def exec_async(self, prep_res: tuple[Any, Message]) -> Any:
        book, message = prep_res
        return self.judge(book, message)
