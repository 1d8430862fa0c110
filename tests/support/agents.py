"""Agent doubles for runtime tests: recording flows, small reusable nodes, and idleness handshakes.

`WatchedMailbox` (plug it in with `Runtime(mailbox_factory=WatchedMailbox)`, or use `make_runtime`)
tells a test when an agent is blocked in `receive()`; `Recorder.started`/`ended` tell it when an
agent's flow has begun or finished. With those, tests wait on events instead of sleeping.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from runtime import CONTINUE, END, AgentNode, AsyncFlow, Message, RunResult, Runtime
from runtime.clock import Clock
from runtime.mailbox import InMemoryMailbox
from runtime.pocketflow import BaseNode

Hook = Callable[[], Awaitable[object]]


class WatchedMailbox(InMemoryMailbox):
    """An in-memory mailbox whose `waiting` event is set while its owner is blocked in `get()`."""

    def __init__(self, owner: str, clock: Clock | None = None) -> None:
        super().__init__(owner, clock)
        self.waiting = asyncio.Event()

    async def get(self, timeout: float | None = None) -> Message:
        # Set just before the queue suspends the caller; a get that returns at once never shows it.
        self.waiting.set()
        try:
            return await super().get(timeout)
        finally:
            self.waiting.clear()


def make_runtime(**options: Any) -> Runtime:
    """A Runtime whose mailboxes are WatchedMailboxes, so that `until_waiting` works on it."""
    return Runtime(mailbox_factory=WatchedMailbox, **options)


async def until_waiting(runtime: Runtime, *names: str) -> None:
    """Return once every named agent is blocked in `receive()` (the runtime needs WatchedMailboxes)."""
    for name in names:
        mailbox = runtime.mailbox(name)
        assert isinstance(mailbox, WatchedMailbox), "build the runtime with make_runtime()"
        await mailbox.waiting.wait()


async def let_run(turns: int = 20) -> None:
    """Give every ready task a few loop iterations to reach its next waiting point."""
    for _ in range(turns):
        await asyncio.sleep(0)


async def settle(run: Coroutine[Any, Any, RunResult], *, turns: int = 2000) -> RunResult:
    """Await a run that must end by itself; fail instead of hanging if it has not ended once the
    loop has gone round `turns` times (a deadlocked run would never return)."""
    task = asyncio.ensure_future(run)
    for _ in range(turns):
        if task.done():
            return task.result()
        await asyncio.sleep(0)
    task.cancel()
    raise AssertionError(f"the run was still going after {turns} loop iterations: it hangs")


@dataclass
class Recorder:
    """What one agent's flow saw: the messages it received and how its flow ended.

    `outcome` is "returned", "cancelled" or the name of the exception that ended the flow.
    """

    name: str
    received: list[Message] = field(default_factory=list)
    shared: list[object] = field(default_factory=list)
    outcome: str | None = None
    started: asyncio.Event = field(default_factory=asyncio.Event)
    ended: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def texts(self) -> list[str]:
        return [message.text for message in self.received]


class RecordingFlow(AsyncFlow):
    """An AsyncFlow that notes in its Recorder when it starts and how it ends."""

    def __init__(self, start: BaseNode, recorder: Recorder) -> None:
        super().__init__(start=start)
        self.recorder = recorder

    async def run_async(self, shared: Any) -> Any:
        self.recorder.shared.append(shared)
        self.recorder.started.set()
        outcome = "returned"
        try:
            return await super().run_async(shared)
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        except BaseException as exc:
            outcome = type(exc).__name__
            raise
        finally:
            self.recorder.outcome = outcome
            self.recorder.ended.set()


def recording(recorder: Recorder, *steps: BaseNode) -> RecordingFlow:
    """A recording flow that runs `steps` one after another (each must return END or None to stop
    the chain early, anything else moves on)."""
    if not steps:
        steps = (Step(),)
    for current, following in zip(steps, steps[1:], strict=False):
        current - "next" >> following
    return RecordingFlow(steps[0], recorder)


# -- nodes -----------------------------------------------------------------------------------------


class Step(AgentNode):
    """A node that runs an optional hook, then moves on to the next step ("next")."""

    def __init__(self, hook: Hook | None = None) -> None:
        super().__init__()
        self.hook = hook

    async def exec_async(self, prep_res: Any) -> Any:
        if self.hook is not None:
            await self.hook()

    async def post_async(self, shared: Any, prep_res: Any, exec_res: Any) -> str:
        return "next"


class Send(Step):
    """Sends one message, then moves on."""

    def __init__(self, to: str, text: str = "", kind: str = "note") -> None:
        super().__init__()
        self.to = to
        self.text = text
        self.kind = kind

    async def exec_async(self, prep_res: Any) -> Any:
        await self.agent.send(self.to, self.kind, self.text)


class Receive(Step):
    """Receives one message into the recorder, then moves on."""

    def __init__(
        self, recorder: Recorder, *, timeout: float | None = None, expecting: str | tuple[str, ...] = ()
    ) -> None:
        super().__init__()
        self.recorder = recorder
        self.timeout = timeout
        self.expecting = expecting

    async def prep_async(self, shared: Any) -> Message:
        message = await self.agent.receive(self.timeout, expecting=self.expecting)
        self.recorder.received.append(message)
        return message


class Block(Step):
    """Awaits an event that is not a mailbox (an external signal) after announcing it is blocked."""

    def __init__(self, until: asyncio.Event, blocked: asyncio.Event | None = None) -> None:
        super().__init__()
        self.until = until
        self.blocked = blocked or asyncio.Event()

    async def exec_async(self, prep_res: Any) -> Any:
        self.blocked.set()
        await self.until.wait()


class Fail(Step):
    """Raises the given exception (after an optional hook)."""

    def __init__(self, error: BaseException, hook: Hook | None = None) -> None:
        super().__init__(hook)
        self.error = error

    async def exec_async(self, prep_res: Any) -> Any:
        await super().exec_async(prep_res)
        raise self.error


class Serve(AgentNode):
    """Opens a rally: sends "0" to the peer."""

    def __init__(self, peer: str) -> None:
        super().__init__()
        self.peer = peer

    async def post_async(self, shared: Any, prep_res: Any, exec_res: Any) -> str:
        await self.agent.send(self.peer, "ball", "0")
        return CONTINUE


class Volley(AgentNode):
    """Receives a number and returns it plus one to its sender, looping on CONTINUE.

    On receiving `last`, it runs `before_stop` (if any), stops the run for everyone and ends.
    """

    def __init__(self, recorder: Recorder, last: int | None = None, before_stop: Hook | None = None) -> None:
        super().__init__()
        self.recorder = recorder
        self.last = last
        self.before_stop = before_stop

    async def prep_async(self, shared: Any) -> Message:
        message = await self.agent.receive()
        self.recorder.received.append(message)
        return message

    async def exec_async(self, message: Message) -> int:
        return int(message.text)

    async def post_async(self, shared: Any, message: Message, number: int) -> str:
        if number == self.last:
            if self.before_stop is not None:
                await self.before_stop()
            self.agent.stop(f"the ball reached {number}")
            return END
        await self.agent.send(message.sender, "ball", str(number + 1))
        return CONTINUE


def player(recorder: Recorder, peer: str | None = None, **volley: Any) -> RecordingFlow:
    """A ping-pong player: serves first to `peer` when given, then volleys until the run ends."""
    rally = Volley(recorder, **volley)
    rally - CONTINUE >> rally
    if peer is None:
        return RecordingFlow(rally, recorder)
    serve = Serve(peer)
    serve - CONTINUE >> rally
    return RecordingFlow(serve, recorder)
