"""Every way a run ends: DONE, STOPPED, FAILED, TIMEOUT, DEADLOCK, INTERRUPTED, outer cancellation.

No test sleeps: agents announce where they block (Recorder events, WatchedMailbox.waiting) and timeouts
run on a FakeClock that the test advances.
"""

import asyncio

import pytest

from runtime import END, AgentNode, AsyncFlow, FakeClock, RunStatus, Runtime
from runtime.agent import current_agent
from runtime.errors import MailboxClosed, ReceiveTimeout
from runtime.events import capture_events
from tests.support.agents import (
    Block,
    Fail,
    Receive,
    Recorder,
    Send,
    Step,
    WatchedMailbox,
    let_run,
    make_runtime,
    player,
    recording,
    settle,
    until_waiting,
)


def agent_tasks():
    return [task for task in asyncio.all_tasks() if task.get_name().startswith("agent:")]


# -- DONE and STOPPED --------------------------------------------------------------------------------


async def test_ping_pong_stopped_by_an_agent_ends_stopped_naming_it():
    """A ping-pong that one player stops ends STOPPED, names the stopper and counts every message."""
    runtime = make_runtime()
    ping, pong = Recorder("ping"), Recorder("pong")
    runtime.add("ping", player(ping, peer="pong", last=9, before_stop=lambda: until_waiting(runtime, "pong")))
    runtime.add("pong", player(pong))

    result = await settle(runtime.run())

    assert result.status is RunStatus.STOPPED
    assert result.ok
    assert result.agent == "ping"
    assert result.reason == "the ball reached 9"
    assert result.messages == 10  # "0" to "9"
    assert ping.texts == ["1", "3", "5", "7", "9"]
    assert pong.texts == ["0", "2", "4", "6", "8"]


async def test_stop_ends_waiting_agents_through_their_mailbox_without_cancelling_them():
    """After stop(), the stopper's flow returns and a peer waiting in receive() gets MailboxClosed."""
    runtime = make_runtime()
    ping, pong = Recorder("ping"), Recorder("pong")
    runtime.add("ping", player(ping, peer="pong", last=3, before_stop=lambda: until_waiting(runtime, "pong")))
    runtime.add("pong", player(pong))

    await settle(runtime.run())

    assert ping.outcome == "returned"
    assert pong.outcome == "MailboxClosed"
    assert agent_tasks() == []


async def test_stop_cancels_a_busy_agent():
    """stop() cancels an agent that is busy (not in receive), so the run ends without it."""
    runtime = make_runtime()
    busy, stopper = Recorder("busy"), Recorder("stopper")
    blocked = asyncio.Event()
    runtime.add("busy", recording(busy, Block(asyncio.Event(), blocked)))
    runtime.add("stopper", recording(stopper, Step(blocked.wait), Step(stop_run)))

    result = await settle(runtime.run())

    assert (result.status, result.agent) == (RunStatus.STOPPED, "stopper")
    assert busy.outcome == "cancelled"


async def stop_run():
    current_agent().stop("enough")


async def test_run_is_done_when_every_flow_finishes_by_itself():
    """When every agent's flow returns, the run ends DONE."""
    runtime = make_runtime()
    a, b = Recorder("a"), Recorder("b")
    runtime.add("a", recording(a, Send("b", "hello")))
    runtime.add("b", recording(b, Receive(b)))

    result = await settle(runtime.run())

    assert (result.status, result.agent, result.error) == (RunStatus.DONE, None, None)
    assert result.ok
    assert result.messages == 1
    assert (a.outcome, b.outcome, b.texts) == ("returned", "returned", ["hello"])


async def test_run_without_agents_is_done():
    """A runtime with no agents ends DONE at once."""
    result = await settle(make_runtime().run())

    assert result.status is RunStatus.DONE


# -- FAILED ------------------------------------------------------------------------------------------


async def test_failing_agent_fails_the_run_keeping_its_exception_and_ending_the_others():
    """An agent that raises ends the run FAILED with its name and its very exception; a busy agent
    and a waiting agent are both ended."""
    runtime = make_runtime()
    busy, waiter, broken = Recorder("busy"), Recorder("waiter"), Recorder("broken")
    busy_blocked = asyncio.Event()
    error = ValueError("bad move")

    async def when_others_block():
        await busy_blocked.wait()
        await until_waiting(runtime, "waiter")

    runtime.add("busy", recording(busy, Block(asyncio.Event(), busy_blocked)))
    runtime.add("waiter", recording(waiter, Receive(waiter, expecting="broken")))
    runtime.add("broken", recording(broken, Fail(error, hook=when_others_block)))

    result = await settle(runtime.run())

    assert result.status is RunStatus.FAILED
    assert not result.ok
    assert result.agent == "broken"
    assert result.error is error
    assert "ValueError: bad move" in result.reason
    assert (busy.outcome, waiter.outcome, broken.outcome) == ("cancelled", "cancelled", "ValueError")
    assert agent_tasks() == []


async def test_failing_agent_is_logged_as_agent_failed():
    """An agent that raises emits agent_failed with the agent's name and the error."""
    sink, events = capture_events()
    runtime = make_runtime(events=sink)
    runtime.add("broken", recording(Recorder("broken"), Fail(KeyError("card"))))

    await settle(runtime.run())

    failed = [event for event in events if event["event"] == "agent_failed"]
    assert len(failed) == 1
    assert failed[0]["error"] == "KeyError"
    assert failed[0]["agent"] == "broken"


# -- TIMEOUT -----------------------------------------------------------------------------------------


async def test_run_deadline_ends_the_run_timeout_at_the_deadline_and_not_before():
    """With deadline_s=30 and agents blocked outside their mailboxes, the run ends TIMEOUT when the
    clock reaches 30 seconds, not at 29.9."""
    clock = FakeClock()
    runtime = make_runtime(clock=clock, deadline_s=30)
    a, b = Recorder("a"), Recorder("b")
    a_blocked, b_blocked = asyncio.Event(), asyncio.Event()
    runtime.add("a", recording(a, Block(asyncio.Event(), a_blocked)))
    runtime.add("b", recording(b, Block(asyncio.Event(), b_blocked)))
    running = asyncio.create_task(runtime.run())
    await a_blocked.wait()
    await b_blocked.wait()

    clock.advance(29.9)
    await let_run()
    assert not running.done()
    clock.advance(0.1)
    result = await running

    assert result.status is RunStatus.TIMEOUT
    assert result.status.log_status == "timeout"
    assert "30s" in result.reason
    assert result.duration_s == pytest.approx(30)
    assert (a.outcome, b.outcome) == ("cancelled", "cancelled")


@pytest.mark.parametrize(
    ("runtime_timeout", "receive_timeout"),
    [(5, None), (None, 5), (60, 5)],
    ids=["runtime-wide", "per-receive", "per-receive-overrides"],
)
async def test_receive_timeout_ends_the_run_timeout_naming_the_agent(runtime_timeout, receive_timeout):
    """A receive that waits 5 seconds of clock time for nothing ends the run TIMEOUT, naming the
    agent and keeping the ReceiveTimeout; at 4.9 seconds the run still goes on."""
    clock = FakeClock()
    runtime = make_runtime(clock=clock, receive_timeout_s=runtime_timeout)
    listener, busy = Recorder("listener"), Recorder("busy")
    runtime.add("listener", recording(listener, Receive(listener, timeout=receive_timeout)))
    runtime.add("busy", recording(busy, Block(asyncio.Event())))
    running = asyncio.create_task(runtime.run())
    await until_waiting(runtime, "listener")

    clock.advance(4.9)
    await let_run()
    assert not running.done()
    clock.advance(0.1)
    result = await running

    assert (result.status, result.agent) == (RunStatus.TIMEOUT, "listener")
    assert isinstance(result.error, ReceiveTimeout)
    assert result.error.seconds == 5
    assert busy.outcome == "cancelled"


# -- DEADLOCK ----------------------------------------------------------------------------------------


async def test_two_agents_waiting_on_each_other_deadlock_without_any_clock_advance():
    """Two agents that each wait for the other from the start end DEADLOCK at once, and `waits`
    says who waits on whom as given by expecting=."""
    runtime = make_runtime(clock=FakeClock())
    a, b = Recorder("a"), Recorder("b")
    runtime.add("a", recording(a, Receive(a, expecting="b")))
    runtime.add("b", recording(b, Receive(b, expecting="a")))

    result = await settle(runtime.run())

    assert result.status is RunStatus.DEADLOCK
    assert result.status.log_status == "deadlock"
    assert result.waits == {"a": ("b",), "b": ("a",)}
    assert "a waits on b" in result.reason
    assert result.duration_s == 0


async def test_deadlock_waits_name_the_last_sender_when_nothing_is_expected():
    """Without expecting=, an agent waits on whoever wrote to it last (and on anyone before that)."""
    runtime = make_runtime()
    a, b, c = Recorder("a"), Recorder("b"), Recorder("c")
    runtime.add("a", recording(a, Send("b"), Receive(a), Receive(a)))
    runtime.add("b", recording(b, Receive(b), Send("a"), Receive(b)))
    runtime.add("c", recording(c, Receive(c)))

    result = await settle(runtime.run())

    assert result.status is RunStatus.DEADLOCK
    assert result.waits == {"a": ("b",), "b": ("a",), "c": ()}
    assert "c waits on anyone" in result.reason


async def test_three_agent_cycle_deadlocks():
    """a waits on b, b on c, c on a: the run ends DEADLOCK with the whole cycle in `waits`."""
    runtime = make_runtime()
    recorders = {name: Recorder(name) for name in "abc"}
    for name, on in (("a", "b"), ("b", "c"), ("c", "a")):
        runtime.add(name, recording(recorders[name], Receive(recorders[name], expecting=on)))

    result = await settle(runtime.run())

    assert result.status is RunStatus.DEADLOCK
    assert result.waits == {"a": ("b",), "b": ("c",), "c": ("a",)}
    assert {recorder.outcome for recorder in recorders.values()} == {"MailboxClosed"}


async def test_message_to_a_finished_agent_is_dropped_and_the_run_still_deadlocks():
    """A message to an agent whose flow has finished is dropped (counted, logged as message_dropped),
    and the sender then waiting for a reply ends the run DEADLOCK instead of hanging."""
    sink, events = capture_events()
    runtime = make_runtime(events=sink)
    asker, quitter = Recorder("asker"), Recorder("quitter")
    runtime.add(
        "asker",
        recording(
            asker,
            Step(quitter.ended.wait),
            Send("quitter", "still there?"),
            Receive(asker, expecting="quitter"),
        ),
    )
    runtime.add("quitter", recording(quitter))

    result = await settle(runtime.run())

    assert result.status is RunStatus.DEADLOCK
    assert result.waits == {"asker": ("quitter",)}
    assert runtime.dropped == 1
    dropped = [event for event in events if event["event"] == "message_dropped"]
    assert [(event["sender"], event["recipient"], event["text"]) for event in dropped] == [
        ("asker", "quitter", "still there?")
    ]
    assert [event for event in events if event["event"] == "message_sent"] == []


async def test_no_deadlock_while_a_message_waits_in_a_mailbox():
    """Every agent in receive() is not a deadlock while one of them has a message queued: the
    receiver takes it, answers, and the run ends DONE."""
    runtime = make_runtime()
    asker, answerer = Recorder("asker"), Recorder("answerer")
    queued_when_asker_waited = []

    class Ask(Step):
        async def exec_async(self, prep_res):
            await self.agent.send("answerer", "question", "ready?")
            # No yield since the send: the answerer is still parked in receive() with the message queued.
            queued_when_asker_waited.append(runtime.mailbox("answerer").qsize())
            asker.received.append(await self.agent.receive(expecting="answerer"))

    runtime.add("asker", recording(asker, Step(lambda: until_waiting(runtime, "answerer")), Ask()))
    runtime.add("answerer", recording(answerer, Receive(answerer), Send("asker", "yes")))

    result = await settle(runtime.run())

    assert queued_when_asker_waited == [1]
    assert result.status is RunStatus.DONE
    assert asker.texts == ["yes"]


async def test_no_deadlock_while_a_waiter_has_a_receive_timeout():
    """An agent waiting with a receive timeout is not deadlocked: when its timeout passes it acts,
    and the run ends DONE."""
    clock = FakeClock()
    runtime = make_runtime(clock=clock)
    patient, nudger = Recorder("patient"), Recorder("nudger")

    class NudgeOnTimeout(Step):
        async def exec_async(self, prep_res):
            try:
                await self.agent.receive(timeout=10)
            except ReceiveTimeout:
                await self.agent.send("patient", "nudge", "wake up")

    runtime.add("patient", recording(patient, Receive(patient, expecting="nudger")))
    runtime.add("nudger", recording(nudger, NudgeOnTimeout()))
    running = asyncio.create_task(runtime.run())
    await until_waiting(runtime, "patient", "nudger")
    await let_run()
    assert not running.done()

    clock.advance(10)
    result = await running

    assert result.status is RunStatus.DONE
    assert patient.texts == ["wake up"]


async def test_no_deadlock_while_an_agent_is_busy():
    """An agent waiting on its mailbox while another is busy on an external event is not a deadlock:
    once the event is set, the busy agent writes and the run ends DONE."""
    runtime = make_runtime()
    waiter, worker = Recorder("waiter"), Recorder("worker")
    go, worker_blocked = asyncio.Event(), asyncio.Event()
    runtime.add("waiter", recording(waiter, Receive(waiter, expecting="worker")))
    runtime.add("worker", recording(worker, Block(go, worker_blocked), Send("waiter", "done working")))
    running = asyncio.create_task(runtime.run())
    await until_waiting(runtime, "waiter")
    await worker_blocked.wait()
    await let_run()
    assert not running.done()

    go.set()
    result = await settle(running)

    assert result.status is RunStatus.DONE
    assert waiter.texts == ["done working"]


# -- INTERRUPTED and outer cancellation --------------------------------------------------------------


def three_stuck_agents(runtime):
    """One agent waiting forever, one waiting with a long receive timeout, one busy on an event."""
    recorders = [Recorder("waiter"), Recorder("patient"), Recorder("busy")]
    busy_blocked = asyncio.Event()
    runtime.add("waiter", recording(recorders[0], Receive(recorders[0])))
    runtime.add("patient", recording(recorders[1], Receive(recorders[1], timeout=3600)))
    runtime.add("busy", recording(recorders[2], Block(asyncio.Event(), busy_blocked)))

    async def all_stuck():
        await until_waiting(runtime, "waiter", "patient")
        await busy_blocked.wait()

    return recorders, all_stuck


async def test_interrupt_from_outside_ends_the_run_interrupted():
    """interrupt() called from outside while agents wait ends the run INTERRUPTED and every agent."""
    runtime = make_runtime(clock=FakeClock())
    recorders, all_stuck = three_stuck_agents(runtime)
    running = asyncio.create_task(runtime.run())
    await all_stuck()

    runtime.interrupt()
    result = await running

    assert result.status is RunStatus.INTERRUPTED
    assert result.status.log_status == "interrupted"
    assert [recorder.outcome for recorder in recorders] == ["cancelled"] * 3
    assert agent_tasks() == []


async def test_outer_cancellation_propagates_and_leaves_no_agent_running():
    """Cancelling the task that runs run() raises CancelledError there and ends every agent task."""
    runtime = make_runtime(clock=FakeClock())
    recorders, all_stuck = three_stuck_agents(runtime)
    running = asyncio.create_task(runtime.run())
    await all_stuck()

    running.cancel()

    with pytest.raises(asyncio.CancelledError):
        await running
    assert running.cancelled()
    assert [recorder.outcome for recorder in recorders] == ["cancelled"] * 3
    assert agent_tasks() == []


async def test_outer_cancellation_propagates_with_a_run_deadline():
    """With a run deadline set, outer cancellation still propagates as CancelledError, not TIMEOUT."""
    runtime = make_runtime(clock=FakeClock(), deadline_s=30)
    recorders, all_stuck = three_stuck_agents(runtime)
    running = asyncio.create_task(runtime.run())
    await all_stuck()

    running.cancel()

    with pytest.raises(asyncio.CancelledError):
        await running
    assert agent_tasks() == []


class SlowUnwindMailbox(WatchedMailbox):
    """A mailbox whose cancelled get() takes a few loop turns to unwind, as a broker client would."""

    async def get(self, timeout=None):
        try:
            return await super().get(timeout)
        except asyncio.CancelledError:
            await let_run(3)
            raise


async def test_run_deadline_is_not_mistaken_for_a_deadlock_while_agents_are_torn_down():
    """When the deadline cancels a busy agent and a waiting one, the run ends TIMEOUT even if the busy
    agent finishes first and leaves only a waiter behind."""
    clock = FakeClock()
    runtime = Runtime(clock=clock, deadline_s=30, mailbox_factory=SlowUnwindMailbox)
    busy, waiter = Recorder("busy"), Recorder("waiter")
    busy_blocked = asyncio.Event()
    runtime.add("busy", recording(busy, Block(asyncio.Event(), busy_blocked)))
    runtime.add("waiter", recording(waiter, Receive(waiter)))
    running = asyncio.create_task(runtime.run())
    await busy_blocked.wait()
    await until_waiting(runtime, "waiter")

    clock.advance(30)
    result = await running

    assert result.status is RunStatus.TIMEOUT, result.reason


class Stubborn(AgentNode):
    """Ignores the closed mailbox and keeps asking for messages: the run must end all the same."""

    def __init__(self, closed_seen: asyncio.Event) -> None:
        super().__init__()
        self.closed_seen = closed_seen

    async def prep_async(self, shared):
        while True:
            try:
                await self.agent.receive()
            except MailboxClosed:
                self.closed_seen.set()


class StopAtOnce(AgentNode):
    async def post_async(self, shared, prep_res, exec_res):
        self.agent.stop("done here")
        return END


async def test_an_agent_that_ignores_the_stop_is_cancelled_after_the_grace_period():
    """An agent swallowing MailboxClosed is cancelled once stop_grace_s passes; the run ends STOPPED."""
    clock = FakeClock()
    runtime = Runtime(clock=clock, stop_grace_s=5)
    closed_seen = asyncio.Event()
    runtime.add("stubborn", AsyncFlow(start=Stubborn(closed_seen)))
    runtime.add("stopper", AsyncFlow(start=StopAtOnce()))
    run = asyncio.create_task(runtime.run())
    await closed_seen.wait()
    clock.advance(4.9)
    await let_run()
    assert not run.done()
    clock.advance(0.1)
    result = await run
    assert result.status is RunStatus.STOPPED
    assert result.agent == "stopper"


async def test_an_agent_failing_before_its_peers_start_ends_the_run_without_the_grace():
    """An agent that raises in its first step, before its peers' first steps run, ends the run FAILED at
    once: peers cancelled before they started count as finished, and no stop grace is waited out."""
    clock = FakeClock()
    runtime = make_runtime(clock=clock, stop_grace_s=5)
    error = ValueError("broken at once")
    peers = [Recorder("peer1"), Recorder("peer2")]
    runtime.add("broken", recording(Recorder("broken"), Fail(error)))
    for peer in peers:
        runtime.add(peer.name, recording(peer, Receive(peer)))

    result = await settle(runtime.run())

    assert (result.status, result.agent, result.error) == (RunStatus.FAILED, "broken", error)
    assert [peer.started.is_set() for peer in peers] == [False, False]  # cancelled before their first step
    assert clock.monotonic() == 0 and result.duration_s == 0
    assert agent_tasks() == []
