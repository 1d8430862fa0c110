"""Tests for runtime.events: a run's events reach its own log whatever structlog's global configuration."""

import asyncio
import json
from pathlib import Path

import pytest
import structlog

from runtime import RunLog
from runtime.events import NULL_EVENTS, capture_events
from tests.support.agents import Recorder, make_runtime, player, settle, until_waiting


def rally(names: tuple[str, str], last: int, events):
    """Two agents bouncing a counter until the first receives `last` (odd) and stops the run."""
    first, second = names
    runtime = make_runtime(events=events)
    runtime.add(
        first,
        player(Recorder(first), peer=second, last=last, before_stop=lambda: until_waiting(runtime, second)),
    )
    runtime.add(second, player(Recorder(second)))
    return runtime


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def structlog_dropping_everything():
    """structlog configured globally the way an application might: every event dropped, at any level."""

    def drop(_logger, _method, _event_dict):
        raise structlog.DropEvent

    structlog.configure(
        processors=[drop],
        wrapper_class=structlog.make_filtering_bound_logger(50),
        cache_logger_on_first_use=False,
    )
    yield
    structlog.reset_defaults()


async def test_a_global_structlog_configuration_changes_nothing_in_the_run_log(
    tmp_path, structlog_dropping_everything
):
    """An application's own structlog.configure() (dropping every event) loses nothing from the run log."""
    path = tmp_path / "run.jsonl"

    with RunLog(path) as run_log:
        run_log.start("test", {})
        result = await settle(rally(("ping", "pong"), 5, run_log.events).run())
        run_log.end(result.status.log_status, reason=result.reason)

    lines = records(path)
    assert [line["event"] for line in lines] == ["run_started", *["message_sent"] * 6, "run_ended"]
    assert [line["text"] for line in lines if line["event"] == "message_sent"] == list("012345")
    assert [line["seq"] for line in lines] == list(range(8))


async def test_two_runs_at_once_each_log_only_their_own_events(tmp_path):
    """Two runs in one process at the same time, each with its RunLog, write only their own events."""
    paths = {"a": tmp_path / "a.jsonl", "b": tmp_path / "b.jsonl"}

    async def run(tag: str, last: int) -> None:
        with RunLog(paths[tag], run_id=f"run-{tag}") as run_log:
            result = await rally((f"{tag}1", f"{tag}2"), last, run_log.events).run()
            run_log.end(result.status.log_status, reason=result.reason)

    async with asyncio.TaskGroup() as group:
        group.create_task(settle(run("a", 7)))
        group.create_task(settle(run("b", 3)))

    for tag, sent in (("a", 8), ("b", 4)):
        lines = records(paths[tag])
        messages = [line for line in lines if line["event"] == "message_sent"]
        assert len(messages) == sent
        assert {line["agent"] for line in messages} == {f"{tag}1", f"{tag}2"}
        assert {line["run_id"] for line in lines} == {f"run-{tag}"}
        assert [line["seq"] for line in lines] == list(range(len(lines)))


def test_null_events_drop_everything(capfd):
    """NULL_EVENTS takes events at every level, bound or not, and writes nothing anywhere."""
    NULL_EVENTS.info("message_sent", text="hello")
    NULL_EVENTS.bind(agent="a").error("agent_failed", reason="boom")

    assert capfd.readouterr() == ("", "")


def test_capture_events_keeps_bound_fields_and_the_level():
    """capture_events() keeps each event with the fields bound before it, its name and its level."""
    events, captured = capture_events()

    events.bind(game_id="g1").bind(agent="referee").warning("llm_retry", attempt=1)

    assert captured == [
        {"game_id": "g1", "agent": "referee", "attempt": 1, "event": "llm_retry", "log_level": "warning"}
    ]
