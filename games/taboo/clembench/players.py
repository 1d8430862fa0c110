"""The players as clembench's game master treats them: each model's conversation is the game master's
messages as user turns and the model's own replies as assistant turns, with no system prompt. The
referee's message is passed on word for word; what the player remembers for an offline model comes
from the message's body (the card, the clue, the wrong guess)."""

from __future__ import annotations

from agents import AgentModel, ChatMessage, ChatReply, ModelReplyNode, ModelTurn, Prompt, looping
from games.taboo.players import CARD, CLUE, GUESS, WRONG, card_from_body, observation
from games.taboo.state import HINTER, REFEREE, PlayerState
from runtime import AsyncFlow, Message


class RelayNode(ModelReplyNode):
    """A player whose model hears the referee's messages as they are."""

    def __init__(self, role: str, model: AgentModel) -> None:
        super().__init__(model, REFEREE)
        self.role = role

    def prompt(self, message: Message, state: PlayerState) -> Prompt:
        body = message.body or {}
        if message.kind == CARD:
            state.card = card_from_body(body)
        elif message.kind == WRONG:
            state.guesses.append(str(body.get("guess", "")))
            state.clues.append(str(body.get("clue", "")))
        elif message.kind == CLUE:
            if body.get("wrong_guess") is not None:
                state.guesses.append(str(body["wrong_guess"]))
            state.clues.append(str(body.get("clue", "")))
        else:
            raise ValueError(f"the {self.role} got an unexpected message of kind {message.kind!r}")
        return Prompt("", message.text, observation(self.role, state, message))

    def reply_kind(self, message: Message, state: PlayerState) -> str:
        return CLUE if self.role == HINTER else GUESS

    async def exec_async(self, turn: ModelTurn) -> ChatReply:
        messages = [*turn.history, ChatMessage("user", turn.prompt.user)]  # no system message
        return await self.model.ask(messages, context=turn.prompt.context)


def relay_flow(role: str, model: AgentModel) -> AsyncFlow:
    return looping(RelayNode(role, model))
