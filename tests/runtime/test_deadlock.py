"""Deadlock in an open world: senders outside the agents (producers, bare sends in flight) and agents
running several receives at once (parallel batch items, branches). Each case in both directions: a real
deadlock is reported, a run that can still move is not ended.
"""

import asyncio

import pytest

from runtime import END, AgentNode, AsyncFlow, FakeClock, RunStatus, Runtime
from runtime.agent import current_agent
from runtime.errors import ReceiveTimeout
from runtime.pocketflow import AsyncParallelBatchNode
from tests.support.agents import (
    Block,
    Receive,
    Recorder,
    Send,
    Step,
    WatchedMailbox,
    let_run,
    make_runtime,
    recording,
    settle,
    until_waiting,
)


async def until_waiting_or_ended(runtime, running, *names):
    """Return once the named agents all wait in receive(), or as soon as the run has ended (a run that
    ends too early must fail the test, not hang it)."""
    waiting = asyncio.ensure_future(until_waiting(runtime, *names))
    await asyncio.wait([waiting, running], return_when=asyncio.FIRST_COMPLETED)
    waiting.cancel()
    await let_run()


# -- senders outside the agents ----------------------------------------------------------------------


async def test_an_open_producer_keeps_waiting_agents_from_deadlock_until_it_sends():
    """Every agent waiting is not a deadlock while a producer is open: a timer sends 10 s later through
    it, the agent takes the message and the run ends DONE."""
    clock = FakeClock()
    runtime = make_runtime(clock=clock)
    listener = Recorder("listener")
    runtime.add("listener", recording(listener, Receive(listener)))
    timer = runtime.producer("timer")

    async def tick_later():
        with timer:
            await clock.sleep(10)
            await timer.send("listener", "tick", "ten seconds")

    ticking = asyncio.create_task(tick_later())
    running = asyncio.create_task(runtime.run())
    await until_waiting(runtime, "listener")
    await let_run()
    assert not running.done()

    clock.advance(10)
    result = await settle(running)
    await ticking

    assert result.status is RunStatus.DONE
    assert listener.texts == ["ten seconds"]
    assert listener.received[0].sender == "timer"


async def test_closing_the_last_producer_ends_a_waiting_run_as_deadlock():
    """Once the only producer closes without sending, agents that all wait forever are deadlocked."""
    runtime = make_runtime()
    a, b = Recorder("a"), Recorder("b")
    runtime.add("a", recording(a, Receive(a, expecting="b")))
    runtime.add("b", recording(b, Receive(b, expecting="a")))
    producer = runtime.producer()
    running = asyncio.create_task(runtime.run())
    await until_waiting(runtime, "a", "b")
    await let_run()
    assert not running.done()

    producer.close()
    producer.close()  # a second close changes nothing
    result = await settle(running)

    assert result.status is RunStatus.DEADLOCK
    assert result.waits == {"a": ("b",), "b": ("a",)}


def test_a_producer_cannot_take_an_agents_name():
    """producer() refuses an agent's name (and an empty one): an outside sender cannot pose as an agent."""
    runtime = make_runtime()
    runtime.add("referee", recording(Recorder("referee")))

    with pytest.raises(ValueError, match="no agent's name"):
        runtime.producer("referee")
    with pytest.raises(ValueError, match="non-empty"):
        runtime.producer("")


class GatedMailbox(WatchedMailbox):
    """A mailbox whose put waits for `gate` (a slow broker): a send stays in flight until the gate opens."""

    def __init__(self, owner, clock, gate):
        super().__init__(owner, clock)
        self.gate = gate

    async def put(self, message):
        await self.gate.wait()
        await super().put(message)


async def test_an_outside_send_in_flight_is_activity_and_the_run_is_judged_once_it_lands():
    """A bare send from outside whose put has not returned keeps the run from deadlock; when it ends up
    dropped (its recipient finished meanwhile), the run is judged again and ends DEADLOCK, not hung."""
    gate = asyncio.Event()
    runtime = Runtime(mailbox_factory=lambda owner, clock: GatedMailbox(owner, clock, gate))
    asker, quitter = Recorder("asker"), Recorder("quitter")
    finish = asyncio.Event()
    runtime.add("asker", recording(asker, Receive(asker, expecting="quitter")))
    runtime.add("quitter", recording(quitter, Block(finish)))
    running = asyncio.create_task(runtime.run())
    await until_waiting(runtime, "asker")
    sending = asyncio.create_task(runtime.send("outside", "quitter", "note", "are you there?"))
    await let_run()
    finish.set()
    await quitter.ended.wait()
    await let_run()
    assert not running.done()  # the outside send is still in flight

    gate.set()
    result = await settle(running)
    await sending

    assert result.status is RunStatus.DEADLOCK
    assert result.waits == {"asker": ("quitter",)}
    assert runtime.dropped == 1


# -- several receives in flight in one agent ---------------------------------------------------------


class Asking:
    """For each named player, concurrently: optionally wait for `hold` (busy), ask, take the answer.
    (Mixed into a parallel batch AgentNode below, with the two bases in either order.)"""

    def __init__(self, players, hold=None, asks=True):
        super().__init__()
        self.players = players
        self.hold = hold or {}
        self.asks = asks

    async def prep_async(self, shared):
        return self.players

    async def exec_async(self, player):
        if player in self.hold:
            await self.hold[player].wait()
        if self.asks:
            await self.agent.send(player, "ask", "your move?")
        return (await self.agent.receive(expecting=player)).text

    async def post_async(self, shared, prep_res, exec_res):
        shared.extend(exec_res)
        return END


class AskAll(Asking, AgentNode, AsyncParallelBatchNode):
    """AgentNode first: its _exec runs the batch."""


class AskAllItemFirst(Asking, AsyncParallelBatchNode, AgentNode):
    """AsyncParallelBatchNode first: its _exec runs the batch and AgentNode's runs each item."""


BOTH_ORDERS = pytest.mark.parametrize("node", [AskAll, AskAllItemFirst], ids=["agent-first", "batch-first"])


@BOTH_ORDERS
async def test_a_deadlock_among_parallel_receives_is_reported_after_one_of_them_returns(node):
    """A collector waits on two players at once; p1 answers, p2 never does and waits on the collector:
    after the first receive returns the second is still counted, and the run ends DEADLOCK."""
    runtime = make_runtime()
    p1, p2 = Recorder("p1"), Recorder("p2")
    answers = []
    runtime.add("collector", AsyncFlow(start=node(("p1", "p2"), asks=False)), shared=answers)
    runtime.add(
        "p1",
        recording(
            p1,
            Step(lambda: until_waiting(runtime, "collector")),  # both receives are in flight by then
            Send("collector", "rock"),
            Receive(p1, expecting="collector"),
        ),
    )
    runtime.add("p2", recording(p2, Receive(p2, expecting="collector")))

    result = await settle(runtime.run())

    assert result.status is RunStatus.DEADLOCK, result.reason
    assert result.waits == {"collector": ("p2",), "p1": ("collector",), "p2": ("collector",)}


class Answer(Step):
    async def exec_async(self, prep_res):
        await self.agent.send("collector", "answer", f"{self.agent.name} plays")


class Relay(Step):
    async def exec_async(self, prep_res):
        await self.agent.send("p1", "relay", "p2 says hi")


@BOTH_ORDERS
async def test_one_item_waiting_while_another_is_busy_is_not_a_deadlock(node):
    """Item p1 waits for p1's answer while item p2 is busy before asking p2, and both players wait:
    that is no deadlock (the busy item will write); once it goes on, the run ends DONE."""
    go = asyncio.Event()
    runtime = make_runtime()
    p1, p2 = Recorder("p1"), Recorder("p2")
    answers = []
    runtime.add("collector", AsyncFlow(start=node(("p1", "p2"), hold={"p2": go})), shared=answers)
    runtime.add("p1", recording(p1, Receive(p1), Receive(p1), Answer()))  # answers after p2's relay
    runtime.add("p2", recording(p2, Receive(p2), Relay(), Answer()))
    running = asyncio.create_task(runtime.run())
    await until_waiting_or_ended(runtime, running, "collector", "p1", "p2")
    assert not running.done(), running.result()

    go.set()
    result = await settle(running)

    assert result.status is RunStatus.DONE, result.reason
    assert sorted(answers) == ["p1 plays", "p2 plays"]
    assert p1.texts == ["your move?", "p2 says hi"]


class TimedAskAll(AgentNode, AsyncParallelBatchNode):
    """Waits on every player at once, and gives up quietly after 5 s: each receive with a receive
    timeout, or (scoped) each receive without one, cancelled by a sibling branch that fails at 5 s."""

    def __init__(self, players, clock, scoped):
        super().__init__()
        self.players = players
        self.clock = clock
        self.scoped = scoped

    async def prep_async(self, shared):
        return self.players

    async def exec_async(self, player):
        if not self.scoped:
            try:
                return (await self.agent.receive(5, expecting=player)).text
            except ReceiveTimeout:
                return None
        agent = self.agent

        async def give_up():
            with agent.branch():
                await self.clock.sleep(5)
                raise TimeoutError

        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(give_up())
                return (await agent.receive(expecting=player)).text
        except* TimeoutError:
            pass
        return None

    async def post_async(self, shared, prep_res, exec_res):
        return "next"


@pytest.mark.parametrize("scoped", [False, True], ids=["receive-timeout", "cancelled"])
async def test_accounting_is_balanced_after_parallel_receives_time_out_or_are_cancelled(scoped):
    """After parallel receives that all time out (or are cancelled), the agent's next plain receive is a
    deadlock again: nothing is left counted as waiting or busy."""
    clock = FakeClock()
    runtime = make_runtime(clock=clock)
    collector, p1 = Recorder("collector"), Recorder("p1")
    batch = TimedAskAll(("p1", "p1"), clock, scoped)
    runtime.add("collector", recording(collector, batch, Receive(collector, expecting="p1")))
    runtime.add("p1", recording(p1, Receive(p1, expecting="collector")))
    running = asyncio.create_task(runtime.run())
    await until_waiting(runtime, "collector", "p1")
    await let_run()
    assert not running.done()

    clock.advance(5)
    result = await settle(running)

    assert result.status is RunStatus.DEADLOCK, result.reason
    assert result.waits == {"collector": ("p1",), "p1": ("collector",)}


async def test_receives_in_branches_an_agent_awaits_count_one_by_one():
    """An agent waiting in its own receive and in a branch task it awaits (AgentContext.branch) is blocked
    on both: with its peer waiting too, the run ends DEADLOCK naming both expected senders."""
    runtime = make_runtime()
    peer = Recorder("peer")

    class TwoEars(Step):
        async def exec_async(self, prep_res):
            agent = current_agent()

            async def side_ear():
                with agent.branch():
                    await agent.receive(expecting="ghost")

            async with asyncio.TaskGroup() as group:
                group.create_task(side_ear())
                await agent.receive(expecting="peer")

    runtime.add("agent", recording(Recorder("agent"), TwoEars()))
    runtime.add("ghost", recording(Recorder("ghost")))
    runtime.add("peer", recording(peer, Receive(peer, expecting="agent")))

    result = await settle(runtime.run())

    assert result.status is RunStatus.DEADLOCK, result.reason
    assert set(result.waits["agent"]) == {"peer", "ghost"}
