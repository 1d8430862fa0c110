"""Tests for runtime.runtime and runtime.agent: building a run, delivery, agent context, shared stores.

How runs end is tested in test_endings.py.
"""

import asyncio

import pytest

from runtime import END, AsyncFlow, AsyncNode, FakeClock, RunStatus
from runtime.agent import current_agent
from runtime.errors import DuplicateAgent, NotInAgent, UnknownAgent
from runtime.events import capture_events
from tests.support.agents import Block, Receive, Recorder, Send, Step, make_runtime, recording, settle


async def test_sending_to_an_unknown_agent_raises_unknown_agent_naming_the_agents():
    """send() to a name no agent has raises UnknownAgent listing the agents that exist."""
    runtime = make_runtime()
    runtime.add("hinter", recording(Recorder("hinter")))
    runtime.add("guesser", recording(Recorder("guesser")))

    with pytest.raises(UnknownAgent, match="'referee'.*guesser, hinter") as caught:
        await runtime.send("hinter", "referee", "clue", "a fruit")
    assert caught.value.name == "referee"


async def test_an_agent_sending_to_an_unknown_agent_fails_the_run():
    """Inside a run, a send to an unknown name fails the run with UnknownAgent."""
    runtime = make_runtime()
    runtime.add("hinter", recording(Recorder("hinter"), Send("nobody")))

    result = await settle(runtime.run())

    assert (result.status, result.agent) == (RunStatus.FAILED, "hinter")
    assert isinstance(result.error, UnknownAgent)


def test_registering_a_name_twice_raises_duplicate_agent():
    """add() with a name already taken raises DuplicateAgent."""
    runtime = make_runtime()
    runtime.add("hinter", recording(Recorder("hinter")))

    with pytest.raises(DuplicateAgent, match="'hinter'"):
        runtime.add("hinter", recording(Recorder("hinter")))


@pytest.mark.parametrize("name", ["", None, 3])
def test_an_agent_name_must_be_a_non_empty_string(name):
    """add() refuses an empty or non-string name with ValueError."""
    with pytest.raises(ValueError, match="non-empty string"):
        make_runtime().add(name, recording(Recorder("x")))


async def test_running_twice_raises_runtime_error():
    """A Runtime runs once; a second run() raises RuntimeError."""
    runtime = make_runtime()
    await settle(runtime.run())

    with pytest.raises(RuntimeError, match="runs once"):
        await runtime.run()


async def test_adding_an_agent_after_the_run_started_raises_runtime_error():
    """add() after run() has started raises RuntimeError."""
    runtime = make_runtime()
    await settle(runtime.run())

    with pytest.raises(RuntimeError, match="once the run has started"):
        runtime.add("late", recording(Recorder("late")))


def test_current_agent_outside_a_runtime_raises_not_in_agent():
    """current_agent() outside an agent flow run by a Runtime raises NotInAgent."""
    with pytest.raises(NotInAgent):
        current_agent()


async def test_current_agent_inside_a_flow_is_that_agent():
    """Inside an agent's flow, current_agent() names that agent and lists its peers in order."""
    runtime = make_runtime()
    seen = {}

    async def note():
        seen[current_agent().name] = current_agent().peers

    for name in ("a", "b", "c"):
        runtime.add(name, recording(Recorder(name), Step(note)))

    await settle(runtime.run())

    assert seen == {"a": ("b", "c"), "b": ("a", "c"), "c": ("a", "b")}


async def test_broadcast_sends_to_every_peer_in_order():
    """broadcast() sends one message to each other agent, in the order the agents were added."""
    sink, events = capture_events()
    runtime = make_runtime(events=sink)
    recorders = {name: Recorder(name) for name in ("b", "c", "d")}
    sent = []

    async def announce():
        sent.extend(await current_agent().broadcast("news", "game starts"))

    runtime.add("b", recording(recorders["b"], Receive(recorders["b"])))
    runtime.add("a", recording(Recorder("a"), Step(announce)))
    runtime.add("c", recording(recorders["c"], Receive(recorders["c"])))
    runtime.add("d", recording(recorders["d"], Receive(recorders["d"])))

    result = await settle(runtime.run())

    assert result.status is RunStatus.DONE
    assert [message.recipient for message in sent] == ["b", "c", "d"]
    logged = [event["recipient"] for event in events if event["event"] == "message_sent"]
    assert logged == ["b", "c", "d"]
    assert all(recorder.texts == ["game starts"] for recorder in recorders.values())
    assert {message.sender for message in sent} == {"a"}


async def test_broadcast_to_names_only_those_agents():
    """broadcast(to=...) sends only to the named agents, in the given order."""
    runtime = make_runtime()
    sent = []

    async def announce():
        sent.extend(await current_agent().broadcast("news", "psst", to=("c", "b")))

    runtime.add("a", recording(Recorder("a"), Step(announce)))
    for name in ("b", "c", "d"):
        runtime.add(name, recording(Recorder(name)))

    await settle(runtime.run())

    assert [message.recipient for message in sent] == ["c", "b"]


async def test_per_agent_shared_store_reaches_only_that_agent():
    """A store given with add(shared=...) reaches that agent alone; the others get run()'s store."""
    runtime = make_runtime()
    own, common = {"card": "apple"}, {"turns": 5}
    referee, hinter, guesser = Recorder("referee"), Recorder("hinter"), Recorder("guesser")
    runtime.add("referee", recording(referee), shared=own)
    runtime.add("hinter", recording(hinter))
    runtime.add("guesser", recording(guesser))

    await settle(runtime.run(shared=common))

    assert referee.shared == [own]
    assert referee.shared[0] is own
    assert hinter.shared[0] is common
    assert guesser.shared[0] is common


async def test_messages_get_ids_and_creation_times_from_the_runtime():
    """send() numbers messages m1, m2, ... and stamps them with the runtime clock's time."""
    clock = FakeClock()
    runtime = make_runtime(clock=clock)
    runtime.add("a", recording(Recorder("a")))

    first = await runtime.send("x", "a", "note", "one")
    second = await runtime.send("x", "a", "note", "two", body={"n": 2}, reply_to=first.id)

    assert (first.id, second.id) == ("m1", "m2")
    assert first.created == clock.timestamp() == "2026-01-01T00:00:00.000000+00:00"
    assert (second.body, second.reply_to) == ({"n": 2}, "m1")
    assert runtime.mailbox("a").qsize() == 2


async def test_interrupt_before_run_ends_the_run_without_starting_flows():
    """interrupt() called before run() makes run() end INTERRUPTED at once, even with a busy agent."""
    runtime = make_runtime()
    busy = Recorder("busy")
    runtime.add("busy", recording(busy, Block(asyncio.Event())))

    runtime.interrupt()
    result = await settle(runtime.run())

    assert result.status is RunStatus.INTERRUPTED
    assert busy.outcome is None


# -- plain PocketFlow code -------------------------------------------------------------------------

GAME_OVER = object()  # the queues' end-of-game marker


class Hinter(AsyncNode):
    """Plain PocketFlow: waits on its queue for a wrong guess (or the end), then gives the next clue."""

    async def prep_async(self, shared):
        return await shared["hinter_queue"].get()

    async def exec_async(self, guess):
        return guess is GAME_OVER

    async def post_async(self, shared, guess, over):
        if over:
            return END
        clue = shared["clues"][len(shared["hints"])]
        shared["hints"].append(clue)
        await shared["guesser_queue"].put(clue)
        return "continue"


class Guesser(AsyncNode):
    """Plain PocketFlow: waits on its queue for a clue and guesses; tells the hinter when it is right."""

    async def prep_async(self, shared):
        return await shared["guesser_queue"].get()

    async def exec_async(self, clue):
        return {"yellow": "lemon", "curved": "banana"}[clue]

    async def post_async(self, shared, clue, guess):
        shared["guesses"].append(guess)
        if guess == shared["target"]:
            await shared["hinter_queue"].put(GAME_OVER)
            return END
        await shared["hinter_queue"].put(guess)
        return "continue"


async def test_plain_pocketflow_code_with_its_own_queues_runs_under_the_runtime():
    """AsyncNodes that talk through asyncio.Queues in the shared dict (the cookbook's Hinter/Guesser
    shape, no AgentNode) run under the Runtime to a DONE ending."""
    hinter, guesser = Hinter(), Guesser()
    hinter - "continue" >> hinter
    guesser - "continue" >> guesser
    shared = {
        "target": "banana",
        "clues": ["yellow", "curved"],
        "hinter_queue": asyncio.Queue(),
        "guesser_queue": asyncio.Queue(),
        "hints": [],
        "guesses": [],
    }
    shared["hinter_queue"].put_nowait("(start)")
    runtime = make_runtime()
    runtime.add("hinter", AsyncFlow(start=hinter))
    runtime.add("guesser", AsyncFlow(start=guesser))

    result = await settle(runtime.run(shared=shared))

    assert result.status is RunStatus.DONE
    assert shared["hints"] == ["yellow", "curved"]
    assert shared["guesses"] == ["lemon", "banana"]
