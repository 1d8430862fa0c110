"""Reusable agent nodes: a player that answers each message it receives by asking its model.

A game subclasses `ModelReplyNode` and says, for each incoming message, what the model is told (the
system prompt, the new user turn and the structured observation offline players read) and what kind
of message the reply is. Receiving, the conversation so far, the model call and the reply are here.
`ModelAskNode` is the same without the receiving, for an agent that listens to many messages and
answers only some (a flow of a listening node and an asking node).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from agents.chat import ChatMessage, ChatReply
from agents.gateway import AgentModel
from runtime import CONTINUE, AgentNode, AsyncFlow, Message


class Conversing(Protocol):
    """An agent's state that keeps its conversation with the model (user/assistant turns, no system)."""

    conversation: list[ChatMessage]


@dataclass(frozen=True)
class Prompt:
    """What the model is asked this turn: the system prompt, the new user turn, the observation."""

    system: str
    user: str
    context: Mapping[str, Any]


@dataclass(frozen=True)
class ModelTurn:
    """One turn as prep hands it to exec: the message answered and the full request."""

    message: Message
    prompt: Prompt
    history: tuple[ChatMessage, ...]


class ModelAskNode(AgentNode):
    """Ask the model the turn that `prep_async` prepared (with the conversation so far) and send the
    reply to `peer`. Subclasses write `prep_async` (returning a ModelTurn) and `reply_kind`."""

    def __init__(self, model: AgentModel, peer: str) -> None:
        super().__init__()
        self.model = model
        self.peer = peer

    def reply_kind(self, message: Message, state: Any) -> str:
        raise NotImplementedError

    async def exec_async(self, turn: ModelTurn) -> ChatReply:
        prompt = turn.prompt
        messages = [ChatMessage("system", prompt.system), *turn.history, ChatMessage("user", prompt.user)]
        return await self.model.ask(messages, context=prompt.context)

    async def post_async(self, state: Conversing, turn: ModelTurn, reply: ChatReply) -> str:
        state.conversation += [ChatMessage("user", turn.prompt.user), ChatMessage("assistant", reply.text)]
        kind = self.reply_kind(turn.message, state)
        await self.agent.send(self.peer, kind, reply.text, reply_to=turn.message.id)
        return CONTINUE


class ModelReplyNode(ModelAskNode):
    """Receive from `peer`, ask the model (with the conversation so far), send the reply to `peer`.

    Subclasses implement `prompt(message, state)` and `reply_kind(message, state)`. The node loops:
    wire it with `looping(node)`.
    """

    def prompt(self, message: Message, state: Any) -> Prompt:
        raise NotImplementedError

    async def prep_async(self, state: Conversing) -> ModelTurn:
        message = await self.agent.receive(expecting=self.peer)
        return ModelTurn(message, self.prompt(message, state), tuple(state.conversation))


def looping(node: AgentNode) -> AsyncFlow:
    """A flow that runs `node` again for as long as it returns CONTINUE."""
    node - CONTINUE >> node
    return AsyncFlow(start=node)
