"""What a node can do on behalf of the agent whose flow runs it: receive, send, stop the run.

The runtime runs each agent's flow in its own task and sets the agent's context there, so any node
(an `AgentNode`, or a plain `AsyncNode` calling `current_agent()`) reaches its own mailbox without
holding a reference to it, and one node class can serve many agents.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Coroutine, Mapping
from contextlib import AbstractContextManager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Final

from runtime.errors import NotInAgent
from runtime.messages import JSONValue, Message
from runtime.pocketflow import PLAIN_EXEC_OWNERS, AsyncNode, AsyncParallelBatchNode

if TYPE_CHECKING:
    from runtime.clock import Clock
    from runtime.events import EventLog
    from runtime.runtime import Runtime

CONTINUE: Final = "continue"
"""The conventional action for an agent node that loops: `node - CONTINUE >> node`."""

EVERYONE: Final = "all"
"""The group every agent belongs to."""


class AgentContext:
    """One agent's handle on the runtime, valid inside that agent's flow. `events` is the run's events
    bound with this agent's name: a node logs what it decides there (`self.agent.events.info(...)`)."""

    __slots__ = ("name", "_runtime")

    def __init__(self, name: str, runtime: Runtime) -> None:
        self.name = name
        self._runtime = runtime

    @property
    def events(self) -> EventLog:
        return self._runtime._events_of(self.name)

    @property
    def clock(self) -> Clock:
        return self._runtime.clock

    @property
    def peers(self) -> tuple[str, ...]:
        """The other agents' names, in the order they were added."""
        return tuple(name for name in self._runtime.agents if name != self.name)

    def members(self, group: str) -> tuple[str, ...]:
        """The agents in `group` (this one too, if it joined), in the order they were added."""
        return self._runtime.members(group)

    def receive(
        self, timeout: float | None = None, *, expecting: str | tuple[str, ...] = ()
    ) -> Coroutine[Any, Any, Message]:
        """Wait for this agent's next message (await it).

        `timeout` overrides the runtime's receive timeout; `expecting` names who should write next, so
        that a deadlock report says who waits on whom. (Plain functions handing back the runtime's
        coroutine, here and in `send`: one coroutine less per message.)
        """
        if isinstance(expecting, str):
            expecting = (expecting,)
        return self._runtime.receive(self.name, timeout, expecting=expecting)

    def send(
        self,
        recipient: str,
        kind: str,
        text: str = "",
        *,
        body: Mapping[str, JSONValue] | None = None,
        reply_to: str | None = None,
    ) -> Coroutine[Any, Any, Message]:
        """Send a message from this agent to `recipient` (await it)."""
        return self._runtime.send(self.name, recipient, kind, text, body=body, reply_to=reply_to)

    async def broadcast(
        self,
        kind: str,
        text: str = "",
        *,
        to: str | tuple[str, ...] | None = None,
        body: Mapping[str, JSONValue] | None = None,
    ) -> list[Message]:
        """Send one message to each of `to`, in order: a group's name (its members but this agent; every
        copy carries the group's name), some agents' names, or by default every other agent (group "all")."""
        if isinstance(to, tuple):
            return [await self.send(name, kind, text, body=body) for name in to]
        group = EVERYONE if to is None else to
        recipients = [name for name in self.members(group) if name != self.name]
        return [
            await self._runtime.send(self.name, name, kind, text, body=body, group=group)
            for name in recipients
        ]

    def stop(self, reason: str) -> None:
        """End the run for every agent; this agent's flow should return END afterwards."""
        self._runtime.stop(reason, by=self.name)

    def branch(self) -> AbstractContextManager[None]:
        """Enter first thing in a task this agent starts and awaits (a TaskGroup's, a gather's): until
        the block ends the task is one more strand of the agent, and the task that awaits it is not
        counted as busy, so that a deadlock among the strands' receives is still found. Parallel batch
        AgentNodes do this for each item by themselves.
        """
        return self._runtime.branch(self.name)


_current: ContextVar[AgentContext] = ContextVar("current_agent")


def current_agent() -> AgentContext:
    """The context of the agent whose flow is running; NotInAgent outside a runtime."""
    try:
        return _current.get()
    except LookupError:
        raise NotInAgent() from None


def enter_agent(context: AgentContext) -> None:
    """Make `context` the current agent of this task (the runtime calls this)."""
    _current.set(context)


class AgentNode(AsyncNode):
    """An AsyncNode that runs inside an agent: `self.agent` receives, sends and stops on its behalf.

    Typical shape: `prep_async` awaits `self.agent.receive()`, `exec_async` thinks, `post_async`
    sends with `self.agent.send(...)` and returns CONTINUE (loop) or END. Mixed with
    AsyncParallelBatchNode (in either order), each item runs as a branch of the agent (see
    AgentContext.branch), so the runtime counts the items' receives one by one.
    """

    @property
    def agent(self) -> AgentContext:
        try:  # current_agent(), one call fewer: nodes reach it once or twice per message
            return _current.get()
        except LookupError:
            raise NotInAgent() from None

    async def _exec(self, prep_res: Any) -> Any:
        cls = type(self)
        order = _PARALLEL_ORDER.get(cls)
        if order is None:
            mro = cls.__mro__
            order = _PARALLEL_ORDER[cls] = (
                0
                if AsyncParallelBatchNode not in mro
                else mro.index(AgentNode) - mro.index(AsyncParallelBatchNode)
            )
        if not order or _current.get(None) is None:
            return await super()._exec(prep_res)
        if order > 0:
            # Called by AsyncParallelBatchNode._exec once per item, in the item's own task.
            with self.agent.branch():
                return await super()._exec(prep_res)
        # Called once for the whole batch, and AsyncParallelBatchNode._exec would run the items past
        # this class: run them here the same way (each on its own copy of the node), each as a branch.
        runs = [_run_item(copy.copy(self), item) for item in prep_res or []]
        return await asyncio.gather(*runs)


_PARALLEL_ORDER: dict[type, int] = {}  # per class: 0 not a parallel batch, else AgentNode's place after it

PLAIN_EXEC_OWNERS.add(AgentNode)  # outside a parallel batch, its _exec is AsyncNode's


async def _run_item(node: AgentNode, item: Any) -> Any:
    with node.agent.branch():
        return await super(AsyncParallelBatchNode, node)._exec(item)
