"""Tests for groups: agents join named groups, and a broadcast to a group reaches its members."""

import pytest

from runtime import Message, RunStatus
from runtime.agent import current_agent
from runtime.errors import UnknownGroup
from runtime.events import capture_events
from tests.support.agents import Receive, Recorder, Step, make_runtime, recording, settle


def test_members_lists_a_group_in_the_order_agents_were_added():
    """members(group) names the group's agents in order; "all" is every agent."""
    runtime = make_runtime()
    runtime.add("host", recording(Recorder("host")))
    runtime.add("x", recording(Recorder("x")), groups=("players",))
    runtime.add("y", recording(Recorder("y")), groups=("players", "left"))

    assert runtime.members("players") == ("x", "y")
    assert runtime.members("left") == ("y",)
    assert runtime.members("all") == ("host", "x", "y")


def test_an_unknown_group_raises_unknown_group_naming_the_groups():
    """members() of a group nobody joined raises UnknownGroup listing the groups that exist."""
    runtime = make_runtime()
    runtime.add("x", recording(Recorder("x")), groups=("players",))

    with pytest.raises(UnknownGroup, match="'plyers'.*players"):
        runtime.members("plyers")


@pytest.mark.parametrize("group", ["", "all"])
def test_a_bad_group_name_is_refused(group):
    """An empty group name, or the reserved "all", raises ValueError when the agent is added."""
    runtime = make_runtime()

    with pytest.raises(ValueError, match="group name"):
        runtime.add("x", recording(Recorder("x")), groups=(group,))


async def test_broadcast_to_a_group_reaches_its_members_and_marks_every_copy():
    """broadcast(to=group) sends one copy to each other member, each carrying the group's name."""
    sink, events = capture_events()
    runtime = make_runtime(events=sink)
    recorders = {name: Recorder(name) for name in ("x", "y", "z")}
    sent: list[Message] = []

    async def announce():
        sent.extend(await current_agent().broadcast("news", "round 1", to="players"))

    runtime.add("host", recording(Recorder("host"), Step(announce)), groups=("players",))
    runtime.add("x", recording(recorders["x"], Receive(recorders["x"])), groups=("players",))
    runtime.add("y", recording(recorders["y"], Receive(recorders["y"])), groups=("players",))
    runtime.add("z", recording(recorders["z"]))

    result = await settle(runtime.run())

    assert result.status is RunStatus.DONE
    assert [message.recipient for message in sent] == ["x", "y"]  # not the sender, not z
    logged = [event for event in events if event["event"] == "message_sent"]
    assert [(event["recipient"], event["group"]) for event in logged] == [("x", "players"), ("y", "players")]
    assert recorders["x"].received[0].group == "players"
    assert recorders["z"].received == []


async def test_broadcast_to_everyone_is_marked_all_and_a_private_send_is_not():
    """A broadcast without `to` carries group "all"; a message to one agent carries no group."""
    runtime = make_runtime()
    got = Recorder("b")
    sent: list[Message] = []

    async def talk():
        sent.extend(await current_agent().broadcast("news", "hello"))
        sent.append(await current_agent().send("b", "note", "psst"))

    runtime.add("a", recording(Recorder("a"), Step(talk)))
    runtime.add("b", recording(got, Receive(got), Receive(got)))

    await settle(runtime.run())

    assert [(message.group, message.text) for message in got.received] == [("all", "hello"), (None, "psst")]
    assert "group" not in sent[1].to_json()
