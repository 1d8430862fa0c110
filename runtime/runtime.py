"""The runtime: named agents, delivery by name, and one TaskGroup that always ends with a reason."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from runtime.agent import EVERYONE, AgentContext, enter_agent
from runtime.clock import Clock, SystemClock
from runtime.errors import (
    DuplicateAgent,
    LogWriteError,
    MailboxClosed,
    ReceiveTimeout,
    UnknownAgent,
    UnknownGroup,
)
from runtime.events import NULL_EVENTS, EventLog
from runtime.mailbox import InMemoryMailbox, Mailbox, MailboxFactory
from runtime.messages import JSONValue, Message
from runtime.pocketflow import AsyncFlow
from runtime.result import RunResult, RunStatus

_SHARED_RUN_STORE = object()  # an agent added without a store of its own gets run()'s `shared`


@dataclass(eq=False, slots=True)
class _Agent:
    """The runtime's book-keeping for one agent (slots and lazy parts: a million idle agents add up)."""

    name: str
    flow: AsyncFlow
    mailbox: Mailbox
    shared: Any
    run_events: EventLog  # the run's events; `events` binds them with this agent's name when first used
    groups: tuple[str, ...] = ()
    task: asyncio.Task[None] | None = None
    root: _Strand | None = None  # set when the agent's task takes its first step
    strands: list[_Strand] = field(default_factory=list)  # the live ones, root included
    stray: int = 0  # receives in flight from tasks that are none of its strands
    last_sender: str | None = None
    done: bool = False
    bound_events: EventLog | None = None

    @property
    def events(self) -> EventLog:
        """The run's events bound with this agent's name."""
        if self.bound_events is None:
            self.bound_events = self.run_events.bind(agent=self.name)
        return self.bound_events

    def waiting(self) -> bool:
        """Every strand is in a receive or waits on its branches: nothing of the agent runs."""
        return self.root is not None and not self.stray and all(s.waiting() for s in self.strands)

    def blocked(self) -> bool:
        """Waiting, every receive without a timeout, and no message queued: only a message can wake it."""
        return self.waiting() and not self.mailbox.qsize() and all(s.blocked() for s in self.strands)

    def waits_on(self) -> tuple[str, ...]:
        expected = [name for strand in self.strands for name in strand.expecting]
        return tuple(dict.fromkeys(expected)) or _last(self.last_sender)


@dataclass(eq=False, slots=True)
class _Strand:
    """One line of an agent's execution: its own task, or a branch (an item of a parallel batch node,
    or a task the agent awaits, entered with AgentContext.branch()). A task runs one receive at a time,
    so each receive in flight is accounted on its strand."""

    agent: _Agent
    task: asyncio.Task[Any] | None
    receiving: bool = False
    forever: bool = False  # that receive has no timeout
    expecting: tuple[str, ...] = ()
    branches: int = 0  # live branches started from this strand, which then waits on them

    def waiting(self) -> bool:
        return self.receiving or self.branches > 0

    def blocked(self) -> bool:
        return self.forever if self.receiving else self.branches > 0


# The strand the running task acts as; set by the runtime in each agent's task and in each branch.
_current_strand: ContextVar[_Strand | None] = ContextVar("current_strand", default=None)


@dataclass(frozen=True)
class _Ending:
    status: RunStatus
    reason: str
    agent: str | None = None
    error: BaseException | None = None
    waits: dict[str, tuple[str, ...]] = field(default_factory=dict)


class Runtime:
    """Runs named agents, each an AsyncFlow with its own mailbox, concurrently until the run ends.

    A run ends DONE when every flow has finished, STOPPED when an agent calls `stop()`, FAILED when an
    agent raises, TIMEOUT when `deadline_s` (or a receive timeout) passes, DEADLOCK as soon as every
    live agent waits on an empty mailbox with nothing in flight, INTERRUPTED on `interrupt()`.

    `events` receives the run's events (`message_sent`, `agent_failed`...; `RunLog.events` writes them to
    the run log); each agent's `AgentContext.events` is it bound with `agent`. By default they are dropped.
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        events: EventLog = NULL_EVENTS,
        mailbox_factory: MailboxFactory = InMemoryMailbox,
        deadline_s: float | None = None,
        receive_timeout_s: float | None = None,
        log_messages: bool = True,
        stop_grace_s: float = 5.0,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.events = events
        self._mailbox_factory = mailbox_factory
        self._deadline_s = deadline_s
        self._receive_timeout_s = receive_timeout_s
        self._log_messages = log_messages
        self._stop_grace_s = stop_grace_s
        self._ended = asyncio.Event()  # set by the first ending, or when the last agent finishes
        self._all_done = asyncio.Event()
        self._agents: dict[str, _Agent] = {}
        self._ending: _Ending | None = None
        self._started = False
        self._running = False
        self._run_task: asyncio.Task[Any] | None = None
        self._live = 0
        self._in_flight = 0  # sends whose put has not returned
        self._producers = 0  # open Producer handles: senders outside the agents
        self._judging = False  # a deadlock judgement is scheduled
        self._judge_after_send = False  # a judgement found a send in flight: judge again once it is done
        self._branches_begun = 0  # branches registered so far: the judgement waits until it settles
        self._judged_at: int | None = None
        self._message_count = 0
        self._dropped = 0
        self._unstarted = 0  # agents whose task has not taken its first step yet
        self._gc_paused = False

    # -- building --------------------------------------------------------------------------------

    def add(
        self, name: str, flow: AsyncFlow, *, shared: Any = _SHARED_RUN_STORE, groups: Iterable[str] = ()
    ) -> None:
        """Register an agent; `shared` gives it a store of its own instead of run()'s; `groups` names the
        groups it joins (a broadcast can address a group by name)."""
        if not name or not isinstance(name, str):
            raise ValueError(f"an agent name must be a non-empty string, not {name!r}")
        groups = tuple(groups)
        for group in groups:
            if not group or not isinstance(group, str) or group == EVERYONE:
                raise ValueError(
                    f"a group name must be a non-empty string other than {EVERYONE!r}: {group!r}"
                )
        if name in self._agents:
            raise DuplicateAgent(name, self._agents)
        if self._started:
            raise RuntimeError("agents cannot be added once the run has started")
        mailbox = self._mailbox_factory(name, self.clock)
        self._agents[name] = _Agent(
            name=name,
            flow=flow,
            mailbox=mailbox,
            shared=shared,
            run_events=self.events,
            groups=groups,
        )

    @contextlib.contextmanager
    def adding(self) -> Iterator[None]:
        """Add many agents in one block: automatic garbage collection waits until it ends.

        Each agent is a few objects that all live on, so collections while a million are added would
        scan every agent already made, again and again (growing the cost per agent with their number).
        A collector the caller had disabled stays disabled.

            with runtime.adding():
                for i in range(1_000_000):
                    runtime.add(f"a{i}", make_flow())
        """
        paused = gc.isenabled()
        if paused:
            gc.disable()
        try:
            yield
        finally:
            if paused:
                gc.enable()

    @property
    def agents(self) -> tuple[str, ...]:
        """The agents' names, in the order they were added."""
        return tuple(self._agents)

    def members(self, group: str) -> tuple[str, ...]:
        """The agents in `group`, in the order they were added; "all" is every agent."""
        if group == EVERYONE:
            return self.agents
        found = tuple(agent.name for agent in self._agents.values() if group in agent.groups)
        if not found:
            known = {name for agent in self._agents.values() for name in agent.groups}
            raise UnknownGroup(group, known)
        return found

    @property
    def dropped(self) -> int:
        """Messages sent to an agent whose flow had already finished."""
        return self._dropped

    def mailbox(self, name: str) -> Mailbox:
        return self._lookup(name).mailbox

    # -- delivery --------------------------------------------------------------------------------

    async def send(
        self,
        sender: str,
        recipient: str,
        kind: str,
        text: str = "",
        *,
        body: Mapping[str, JSONValue] | None = None,
        reply_to: str | None = None,
        group: str | None = None,
    ) -> Message:
        """Deliver a message to `recipient`'s mailbox and log it as `message_sent`; `group` marks one copy
        of a broadcast to that group."""
        try:
            target = self._agents[recipient]
        except KeyError:
            raise UnknownAgent(recipient, self._agents) from None
        self._message_count += 1
        message = Message(
            f"m{self._message_count}",
            sender,
            recipient,
            kind,
            text,
            body,
            self.clock.timestamp(),
            reply_to,
            group,
        )
        mailbox = target.mailbox
        if type(mailbox) is InMemoryMailbox:
            # Put without awaiting (what its put() does, without a coroutine per message): nothing else
            # runs meanwhile, so no judgement can see this send in flight and it needs no counting.
            try:
                mailbox.put_nowait(message)
            except MailboxClosed:
                if not self._dropped_by(sender, target, message):
                    raise
                return message
        else:
            self._in_flight += 1
            try:
                await mailbox.put(message)
            except MailboxClosed:
                if not self._dropped_by(sender, target, message):
                    raise
                return message
            finally:
                self._in_flight -= 1
                if not self._in_flight and self._judge_after_send:  # delivered (or dropped): judge again
                    self._judge_after_send = False
                    self._schedule_judge()
        if self._log_messages:
            agent = self._agents.get(sender)  # _events_of(sender), in line
            if agent is None:
                events = self.events
            else:
                events = agent.events if agent.bound_events is None else agent.bound_events
            message.log(events, "message_sent")
        return message

    def _dropped_by(self, sender: str, target: _Agent, message: Message) -> bool:
        """A put found `target`'s mailbox closed: if the recipient has finished (nobody will ever read the
        message), count and log it as dropped; False if the run is ending instead (MailboxClosed stands)."""
        if self._ending is not None or not target.done:
            return False
        self._dropped += 1
        self._events_of(sender).info("message_dropped", **message.to_json(), reason="recipient finished")
        return True

    def _events_of(self, sender: str) -> EventLog:
        """The events a message is logged to: its sender's when an agent sent it (bound with `agent`)."""
        agent = self._agents.get(sender)
        return self.events if agent is None else agent.events

    async def receive(
        self, name: str, timeout: float | None = None, *, expecting: tuple[str, ...] = ()
    ) -> Message:
        """Take `name`'s next message; see AgentContext.receive."""
        agent = self._lookup(name)
        mailbox = agent.mailbox
        if type(mailbox) is InMemoryMailbox:
            # A message queued: get() would return it without waiting, so nothing else runs meanwhile
            # and no judgement could see this receive: it needs no strand book-keeping.
            message = mailbox.get_ready()
            if message is not None:
                agent.last_sender = message.sender
                return message
        if timeout is None:
            timeout = self._receive_timeout_s
        strand = _current_strand.get()
        if strand is None or strand.agent is not agent or strand.task is not asyncio.current_task():
            strand = None  # a task the runtime does not know: the agent cannot be judged while it waits
            agent.stray += 1
        else:
            strand.receiving = True
            strand.forever = timeout is None
            strand.expecting = expecting
            if strand.forever and not mailbox.qsize():  # a queued message: it will not block
                self._schedule_judge()
        try:
            message = await mailbox.get(timeout)
        finally:
            if strand is None:
                agent.stray -= 1
            else:
                strand.receiving = strand.forever = False
                strand.expecting = ()
        agent.last_sender = message.sender
        return message

    @contextlib.contextmanager
    def branch(self, name: str) -> Iterator[None]:
        """Count the running task, until the block ends, as a branch of agent `name`'s current strand,
        which waits on it; see AgentContext.branch."""
        agent = self._lookup(name)
        parent = _current_strand.get()
        if parent is None or parent.agent is not agent:
            yield  # not inside the agent: its receives count as stray
            return
        strand = _Strand(agent, asyncio.current_task())
        self._branches_begun += 1
        parent.branches += 1
        agent.strands.append(strand)
        token = _current_strand.set(strand)
        try:
            yield
        finally:
            _current_strand.reset(token)
            agent.strands.remove(strand)
            parent.branches -= 1
            self._schedule_judge()

    def producer(self, name: str = "outside") -> Producer:
        """A handle for a sender outside the agents (another task, a timer): while it is open the run is
        never judged deadlocked, since a message may still come. Close it (or leave its `with` block)
        once it will send no more."""
        if not name or not isinstance(name, str) or name in self._agents:
            raise ValueError(f"a producer name must be a non-empty string and no agent's name: {name!r}")
        self._producers += 1
        return Producer(self, name)

    def _producer_closed(self) -> None:
        self._producers -= 1
        self._schedule_judge()

    # -- ending ----------------------------------------------------------------------------------

    def stop(self, reason: str, *, by: str | None = None) -> None:
        """End the run for everyone: waiting agents see their mailbox closed, busy ones are cancelled."""
        self._end(_Ending(RunStatus.STOPPED, reason, agent=by), cancel="busy")

    def interrupt(self, reason: str = "interrupted by the user") -> None:
        """End the run at once (Ctrl-C): every agent is cancelled."""
        self._end(_Ending(RunStatus.INTERRUPTED, reason), cancel="all")

    def _end(self, ending: _Ending, *, cancel: str) -> None:
        if self._ending is not None:
            return  # the first ending wins
        self._ending = ending
        self._ended.set()
        me = asyncio.current_task()
        for agent in self._agents.values():
            agent.mailbox.close()
            if agent.task is None or agent.task is me or agent.task.done():
                continue
            if cancel == "all" or (cancel == "busy" and not agent.waiting()):
                agent.task.cancel()

    def _schedule_judge(self) -> None:
        """Judge deadlock once the tasks made ready so far have taken a step: branches started
        together (a parallel batch, a task group) all register before the judgement."""
        if self._running and not self._judging and self._ending is None:
            self._judging = True
            self._judged_at = None
            asyncio.get_running_loop().call_soon(self._judge)

    def _judge(self) -> None:
        """DEADLOCK when no send is in flight, no producer is open and every live agent is blocked."""
        if (
            self._running
            and self._ending is None
            and self._branches_begun  # with no branch ever begun, none can be about to register
            and self._judged_at != self._branches_begun
        ):
            # Wait one more loop round, until a whole round passes with no new branch: tasks created
            # in one round take their first step (and register) in the next.
            self._judged_at = self._branches_begun
            asyncio.get_running_loop().call_soon(self._judge)
            return
        self._judging = False
        if self._in_flight:
            # A send only ever wakes agents, so none needs judging once it is done, unless this
            # judgement is cut short by it.
            self._judge_after_send = True
            return
        if self._ending is not None or self._producers or not self._running:
            return
        if self._run_task is not None and self._run_task.cancelling():
            return  # the run deadline or outer cancellation is tearing the agents down
        live = []
        for agent in self._agents.values():
            if not agent.done:
                if not agent.blocked():
                    return
                live.append(agent)
        if not live:
            return
        waits = {agent.name: agent.waits_on() for agent in live}
        self._end(_Ending(RunStatus.DEADLOCK, _describe_waits(waits), waits=waits), cancel="none")

    # -- running ---------------------------------------------------------------------------------

    async def run(self, shared: Any = None) -> RunResult:
        """Run every agent's flow concurrently; return how the run ended."""
        if self._started:
            raise RuntimeError("a Runtime runs once; build a new one for another run")
        self._started = True
        self._running = True
        self._run_task = asyncio.current_task()
        started = self.clock.monotonic()
        self._live = self._unstarted = len(self._agents)
        # Start-up allocates a few objects per agent that all live on: automatic collections meanwhile
        # would scan every object again and again (most of the start-up time of 100,000 agents), so they
        # wait until every agent has taken its first step. A collector the caller disabled stays so.
        if self._unstarted and gc.isenabled():
            gc.disable()
            self._gc_paused = True
        scope = self.clock.timeout(self._deadline_s)
        try:
            async with scope, asyncio.TaskGroup() as group:
                for agent in self._agents.values():
                    store = shared if agent.shared is _SHARED_RUN_STORE else agent.shared
                    agent.task = group.create_task(self._run_agent(agent, store), name=f"agent:{agent.name}")
                    # A task cancelled before its first step never runs _run_agent's `finally`: its end
                    # is counted here instead (whichever comes first counts, once).
                    agent.task.add_done_callback(partial(self._task_done, agent))
                if self._live == 0:
                    self._finished_all()
                group.create_task(self._enforce_ending(), name="runtime:grace")
        except TimeoutError:
            # Agents' own TimeoutErrors end in _run_agent: this one is the run deadline's.
            if self._ending is None:
                self._ending = _Ending(RunStatus.TIMEOUT, f"the run deadline of {self._deadline_s:g}s passed")
        finally:
            self._resume_gc()
            self._running = False
            for agent in self._agents.values():
                agent.mailbox.close()
        ending = self._ending or _Ending(RunStatus.DONE, "every agent finished")
        return RunResult(
            status=ending.status,
            reason=ending.reason,
            duration_s=self.clock.monotonic() - started,
            agent=ending.agent,
            error=ending.error,
            waits=ending.waits,
            messages=self._message_count,
        )

    def _resume_gc(self) -> None:
        if self._gc_paused:
            self._gc_paused = False
            gc.enable()

    async def _run_agent(self, agent: _Agent, shared: Any) -> None:
        self._unstarted -= 1
        if not self._unstarted:
            self._resume_gc()
        enter_agent(AgentContext(agent.name, self))
        agent.root = _Strand(agent, asyncio.current_task())
        agent.strands.append(agent.root)
        _current_strand.set(agent.root)
        cancelled = False
        try:
            if self._ending is None:  # the run may have been stopped or interrupted before it started
                await agent.flow.run_async(shared)
        except asyncio.CancelledError:
            cancelled = True
            raise
        except MailboxClosed as exc:
            if self._ending is None:  # closed by someone other than the runtime
                self._fail(agent, exc)
        except ReceiveTimeout as exc:
            self._end(_Ending(RunStatus.TIMEOUT, str(exc), agent=agent.name, error=exc), cancel="all")
        except LogWriteError as exc:  # the run log is broken: no agent_failed line can be written
            self._end(_Ending(RunStatus.FAILED, str(exc), agent=agent.name, error=exc), cancel="all")
        except Exception as exc:
            self._fail(agent, exc)
        finally:
            self._retire(agent, cancelled)

    def _task_done(self, agent: _Agent, task: asyncio.Task[None]) -> None:
        self._retire(agent, task.cancelled())

    def _retire(self, agent: _Agent, cancelled: bool) -> None:
        """Count `agent` as finished, once, whether its flow ended or its task never started."""
        if agent.done:
            return
        agent.done = True
        agent.mailbox.close()
        self._live -= 1
        if self._live == 0:
            self._finished_all()
        # A cancelled agent is being torn down (an ending, the run deadline, outer cancellation):
        # the agents still waiting are not deadlocked, they are about to be cancelled too.
        if not cancelled:
            self._schedule_judge()

    def _finished_all(self) -> None:
        self._all_done.set()
        self._ended.set()

    async def _enforce_ending(self) -> None:
        """Once the run has an ending, agents get `stop_grace_s` to leave by themselves (a waiting agent
        sees its mailbox closed); any still running then (one that swallows MailboxClosed and loops, say)
        is cancelled, so that every run ends."""
        await self._ended.wait()
        if self._all_done.is_set():
            return
        try:
            async with self.clock.timeout(self._stop_grace_s):
                await self._all_done.wait()
        except TimeoutError:
            for agent in self._agents.values():
                if agent.task is not None and not agent.task.done():
                    agent.task.cancel()

    def _fail(self, agent: _Agent, exc: Exception) -> None:
        reason = f"agent {agent.name!r} raised {type(exc).__name__}: {exc}"
        with contextlib.suppress(LogWriteError):  # the RunLog keeps the error and raises it again
            agent.events.error("agent_failed", error=type(exc).__name__, reason=str(exc))
        self._end(_Ending(RunStatus.FAILED, reason, agent=agent.name, error=exc), cancel="all")

    def _lookup(self, name: str) -> _Agent:
        try:
            return self._agents[name]
        except KeyError:
            raise UnknownAgent(name, self._agents) from None


class Producer:
    """A sender outside the runtime's agents, made by `Runtime.producer()`; usable as a context manager.

    While it is open the run is never judged deadlocked; closing it judges again.
    """

    def __init__(self, runtime: Runtime, name: str) -> None:
        self.name = name
        self._runtime = runtime
        self._open = True

    @property
    def open(self) -> bool:
        return self._open

    async def send(
        self,
        recipient: str,
        kind: str,
        text: str = "",
        *,
        body: Mapping[str, JSONValue] | None = None,
        reply_to: str | None = None,
    ) -> Message:
        """Send a message from this producer to `recipient`."""
        if not self._open:
            raise RuntimeError(f"the producer {self.name!r} is closed")
        return await self._runtime.send(self.name, recipient, kind, text, body=body, reply_to=reply_to)

    def close(self) -> None:
        """Say that no more messages will come from this producer (a second close does nothing)."""
        if self._open:
            self._open = False
            self._runtime._producer_closed()

    def __enter__(self) -> Producer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _last(sender: str | None) -> tuple[str, ...]:
    return (sender,) if sender else ()


def _describe_waits(waits: Mapping[str, tuple[str, ...]]) -> str:
    parts = [f"{name} waits on {' or '.join(on) if on else 'anyone'}" for name, on in waits.items()]
    return "deadlock: " + "; ".join(parts)
