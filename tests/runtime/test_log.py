"""Tests for runtime.log: the JSON Lines run log, its common fields, endings, crash safety and secrets."""

import asyncio
import errno
import json
import logging
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from runtime import FakeClock, RunLog, RunStatus
from runtime.errors import LogWriteError, RunLogError
from runtime.events import NULL_EVENTS, capture_events
from runtime.log import SCHEMA_VERSION
from tests.support.agents import (
    Fail,
    Receive,
    Recorder,
    Send,
    Step,
    make_runtime,
    player,
    recording,
    settle,
    until_waiting,
)

REPO = Path(__file__).resolve().parents[2]
COMMON_FIELDS = ("v", "ts", "seq", "run_id", "event")


def read_records(path):
    """Every line of a run log, parsed."""
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


def ping_pong(last, events=NULL_EVENTS):
    """A two-player rally that "ping" stops on receiving `last` (odd: ping receives the odd numbers)."""
    runtime = make_runtime(events=events)
    runtime.add(
        "ping",
        player(Recorder("ping"), peer="pong", last=last, before_stop=lambda: until_waiting(runtime, "pong")),
    )
    runtime.add("pong", player(Recorder("pong")))
    return runtime


@pytest.fixture
async def ping_pong_log(tmp_path):
    """The records of a logged six-message ping-pong, and the run's result."""
    path = tmp_path / "run.jsonl"
    run_log = RunLog(path, clock=FakeClock())
    runtime = ping_pong(last=5, events=run_log.events)
    with run_log:
        run_log.start("test", {"game": "ping-pong", "seed": 7})
        result = await settle(runtime.run())
        run_log.end(result.status.log_status, reason=result.reason)
    return result, read_records(path)


async def test_every_line_has_the_common_fields(ping_pong_log):
    """Every line is a JSON object with v, ts (UTC ISO-8601), seq, one run_id and the event name."""
    _, records = ping_pong_log

    assert all(set(COMMON_FIELDS) <= set(record) for record in records)
    assert {record["v"] for record in records} == {SCHEMA_VERSION}
    assert len({record["run_id"] for record in records}) == 1
    assert {datetime.fromisoformat(record["ts"]).utcoffset() for record in records} == {timedelta(0)}


async def test_seq_counts_lines_from_zero_without_gaps(ping_pong_log):
    """seq is 0, 1, 2 ... n-1 over the n lines of the file."""
    _, records = ping_pong_log

    assert [record["seq"] for record in records] == list(range(len(records)))


async def test_run_started_comes_first_and_run_ended_last(ping_pong_log):
    """The first line is run_started with the command and config; the last is run_ended with status."""
    result, records = ping_pong_log

    assert records[0]["event"] == "run_started"
    assert records[0]["command"] == "test"
    assert records[0]["config"] == {"game": "ping-pong", "seed": 7}
    assert records[-1]["event"] == "run_ended"
    assert records[-1]["status"] == "ok"
    assert records[-1]["reason"] == result.reason
    assert records[-1]["duration_ms"] >= 0
    assert [record["event"] for record in records].count("run_ended") == 1


async def test_one_message_sent_line_per_delivered_message(ping_pong_log):
    """Each delivered message is one message_sent line with sender, recipient, kind, text and agent."""
    result, records = ping_pong_log
    sent = [record for record in records if record["event"] == "message_sent"]

    assert result.status is RunStatus.STOPPED
    assert len(sent) == result.messages == 6
    assert [record["text"] for record in sent] == ["0", "1", "2", "3", "4", "5"]
    assert [(record["sender"], record["recipient"]) for record in sent[:2]] == [
        ("ping", "pong"),
        ("pong", "ping"),
    ]
    assert all(record["kind"] == "ball" for record in sent)
    assert all(record["agent"] == record["sender"] for record in sent)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (ValueError("bad deck"), "error"),
        (KeyboardInterrupt(), "interrupted"),
        (asyncio.CancelledError(), "interrupted"),
    ],
    ids=["exception", "keyboard-interrupt", "cancelled"],
)
def test_leaving_the_block_by_an_exception_writes_run_ended(tmp_path, error, status):
    """Leaving the with block by an exception writes run_ended: error, or interrupted for Ctrl-C and
    cancellation."""
    path = tmp_path / "run.jsonl"

    with pytest.raises(type(error)), RunLog(path) as run_log:
        run_log.start("test", {})
        raise error

    last = read_records(path)[-1]
    assert (last["event"], last["status"]) == ("run_ended", status)
    if status == "error":
        assert last["reason"] == "ValueError: bad deck"


def test_leaving_the_block_normally_without_end_writes_run_ended_ok(tmp_path):
    """A with block left normally without end() still closes the log with run_ended, status ok."""
    path = tmp_path / "run.jsonl"

    with RunLog(path) as run_log:
        run_log.start("test", {})

    assert [(record["event"], record.get("status")) for record in read_records(path)] == [
        ("run_started", None),
        ("run_ended", "ok"),
    ]


def test_events_after_end_are_dropped(tmp_path):
    """After end(), later events and a second end() write nothing: run_ended stays the last line."""
    path = tmp_path / "run.jsonl"

    with RunLog(path) as run_log:
        run_log.start("test", {})
        run_log.end("timeout", reason="the run deadline of 30s passed")
        run_log.events.info("message_sent", sender="a", recipient="b", kind="note", text="late")
        run_log.end("ok")

    records = read_records(path)
    assert [record["event"] for record in records] == ["run_started", "run_ended"]
    assert records[-1]["status"] == "timeout"


def test_unwritable_path_raises_run_log_error(tmp_path):
    """A log path that cannot be created raises RunLogError naming the path."""
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")

    with pytest.raises(RunLogError, match="cannot write the run log"), RunLog(blocker / "run.jsonl"):
        pass


CRASHING_WRITER = """
import sys
from runtime import RunLog

with RunLog(sys.argv[1]) as run_log:
    run_log.start("crash-test", {})
    n = 0
    while True:
        n += 1
        run_log.events.info("tick", n=n, text="é" * 40 + "x" * 200)
        if n % 50 == 0:
            print(n, flush=True)
"""


def test_a_killed_process_leaves_a_valid_prefix(tmp_path):
    """A process killed with SIGKILL mid-run leaves lines that all parse with seq gapless from 0; only
    a last line without its newline may be partial, and a reader drops it."""
    path = tmp_path / "run.jsonl"
    writer = subprocess.Popen(
        [sys.executable, "-c", CRASHING_WRITER, str(path)], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        for line in writer.stdout:
            if int(line) >= 300:
                break
    finally:
        writer.kill()  # SIGKILL: no cleanup, no run_ended
        writer.wait()
        writer.stdout.close()

    lines = path.read_bytes().split(b"\n")
    complete = lines[:-1]  # the part after the last newline is empty or partial
    records = [json.loads(line) for line in complete]
    assert len(records) > 300
    assert [record["seq"] for record in records] == list(range(len(records)))
    assert records[0]["event"] == "run_started"
    assert records[-1]["event"] == "tick"


SECRET = "sk-test-0123456789abcdef"


def test_secrets_never_appear_in_the_file(tmp_path):
    """A secret given to RunLog(secrets=...) is redacted wherever an event carries it."""
    path = tmp_path / "run.jsonl"

    with RunLog(path, secrets=[SECRET, ""]) as run_log:
        run_log.start("test", {"api_key": SECRET, "base_url": f"https://user:{SECRET}@example.test/v1"})
        run_log.events.info(
            "llm_retry", reason=f"401 for key {SECRET}", headers={"authorization": f"Bearer {SECRET}"}
        )
        run_log.events.info("weird", **{SECRET: "as a key"})

    text = path.read_text(encoding="utf-8")
    assert SECRET not in text
    assert text.count("[redacted]") == 5
    assert all(json.loads(line) for line in text.splitlines())


@pytest.mark.parametrize(
    "secret",
    ['pa"ss\\word', "kéy-ünïcode", "tab\there"],
    ids=["quote-and-backslash", "non-ascii", "control-character"],
)
def test_secrets_that_json_escapes_are_redacted_too(tmp_path, secret):
    """A secret whose characters JSON escapes is redacted in its escaped form, including on the slower
    encoding path taken for values orjson refuses (here a very large integer)."""
    path = tmp_path / "run.jsonl"

    with RunLog(path, secrets=[secret]) as run_log:
        run_log.events.info("leak", value=secret)
        run_log.events.info("leak", value=secret, huge=2**70)

    values = [record["value"] for record in read_records(path) if record["event"] == "leak"]
    assert values == ["[redacted]", "[redacted]"]
    assert secret.encode() not in path.read_bytes()


def test_event_fields_cannot_overwrite_the_common_fields(tmp_path):
    """An event field named v, ts, seq, run_id or event does not replace the line's own value."""
    path = tmp_path / "run.jsonl"

    with RunLog(path, run_id="run-1") as run_log:
        run_log.events.info("first", seq=99, v=0, ts="never", run_id="other")
        run_log.write("second", {"event": "third", "seq": -1})

    records = read_records(path)
    assert [record["seq"] for record in records] == [0, 1, 2]
    assert [record["event"] for record in records] == ["first", "second", "run_ended"]
    assert {record["run_id"] for record in records} == {"run-1"}
    assert {record["v"] for record in records} == {SCHEMA_VERSION}
    assert records[0]["ts"] != "never"


def test_every_line_starts_with_the_common_fields_then_event_then_its_own(tmp_path):
    """Whichever way an event is logged (the usual methods, %-arguments, structlog's `log` and
    `exception`, a bound logger, `write`), its line has the same fields in the same order."""
    path = tmp_path / "run.jsonl"

    with RunLog(path, run_id="run-1") as run_log:
        bound = run_log.events.bind(agent="a1")
        bound.info("plain", x=1, y=2)
        bound.warning("count %d of %s", 3, "four", x=1)
        bound.log(logging.INFO, "by_level", x=1)
        try:
            raise ValueError("boom")
        except ValueError:
            bound.exception("failed", x=1)
        run_log.events.info("unbound", ts="mine", x=1)
        run_log.write("written", {"x": 1})

    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    common = ["v", "ts", "seq", "run_id", "event"]
    assert [list(line)[:5] for line in lines] == [common] * len(lines)
    assert [list(line)[5:] for line in lines[:3]] == [["agent", "x", "y"], ["agent", "x"], ["agent", "x"]]
    assert lines[1]["event"] == "count 3 of four"
    assert lines[3]["event"] == "failed" and list(lines[3])[5:7] == ["agent", "x"]
    assert list(lines[4])[5:] == ["x"] and lines[4]["ts"] != "mine"
    assert list(lines[5])[5:] == ["x"]
    assert [line["seq"] for line in lines] == list(range(len(lines)))


def test_events_after_the_run_log_closed_are_dropped(tmp_path, capfd):
    """An event logged to a RunLog's events once its block has closed writes nothing: no file line, no
    stdout or stderr noise."""
    path = tmp_path / "run.jsonl"
    with RunLog(path) as run_log:
        pass

    run_log.events.info("message_sent", sender="a", recipient="b", kind="note", text="nobody listens")
    run_log.events.error("agent_failed", error="ValueError", reason="boom")

    assert capfd.readouterr() == ("", "")
    assert [record["event"] for record in read_records(path)] == ["run_ended"]


async def test_capture_events_sees_message_sent_from_the_runtime():
    """capture_events() sees the runtime's message_sent events, with the sending agent bound."""
    sink, events = capture_events()
    result = await settle(ping_pong(last=3, events=sink).run())

    sent = [event for event in events if event["event"] == "message_sent"]
    assert result.messages == 4
    assert [(event["agent"], event["recipient"], event["text"]) for event in sent] == [
        ("ping", "pong", "0"),
        ("pong", "ping", "1"),
        ("ping", "pong", "2"),
        ("pong", "ping", "3"),
    ]
    assert all(event["log_level"] == "info" for event in sent)


async def test_events_of_agents_and_runtime_reach_the_run_log_of_their_run(tmp_path):
    """Events emitted inside agent tasks (agent_failed, message_dropped) land in the enclosing RunLog
    with the agent's name."""
    path = tmp_path / "run.jsonl"
    run_log = RunLog(path)
    runtime = make_runtime(events=run_log.events)
    quitter = Recorder("quitter")
    runtime.add("quitter", recording(quitter))
    runtime.add(
        "asker",
        recording(Recorder("asker"), Step(quitter.ended.wait), Send("quitter", "hello?"), Fail(OSError("x"))),
    )

    with run_log:
        result = await settle(runtime.run())
        run_log.end(result.status.log_status, reason=result.reason)

    records = {record["event"]: record for record in read_records(path)}
    assert records["message_dropped"]["agent"] == "asker"
    assert records["message_dropped"]["recipient"] == "quitter"
    assert records["agent_failed"]["agent"] == "asker"
    assert records["agent_failed"]["error"] == "OSError"
    assert records["run_ended"]["status"] == "error"


# -- full disks and short writes ---------------------------------------------------------------------


class FakeRawFile:
    """An unbuffered binary file in memory: each write takes at most `chunk` bytes, and once `capacity`
    bytes are held it raises ENOSPC (after taking what still fits, as a disk filling up does)."""

    def __init__(self, *, chunk: int | None = None, capacity: int | None = None) -> None:
        self.data = bytearray()
        self.position = 0
        self.chunk = chunk
        self.capacity = capacity
        self.writes = 0
        self.closed = False

    def write(self, buffer) -> int:
        assert not self.closed, "write after close"
        self.writes += 1
        data = bytes(buffer)[: self.chunk]
        if self.capacity is not None:
            room = self.capacity - self.position
            if room <= 0:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            data = data[:room]
        self.data[self.position : self.position + len(data)] = data
        self.position += len(data)
        return len(data)

    def truncate(self, size: int) -> int:
        del self.data[size:]
        return size

    def seek(self, position: int) -> int:
        self.position = position
        return position

    def close(self) -> None:
        self.closed = True


def parsed_lines(data: bytes):
    """The records of a log's bytes, asserting that it ends with a complete line."""
    assert data == b"" or data.endswith(b"\n"), f"a half line is left: {data[-40:]!r}"
    return [json.loads(line) for line in data.splitlines()]


def test_short_writes_still_write_whole_lines(tmp_path):
    """A file that takes 7 bytes per write still receives every line whole, in order."""
    fake = FakeRawFile(chunk=7)

    with RunLog(tmp_path / "run.jsonl", open_file=lambda path: fake) as run_log:
        run_log.start("test", {"game": "taboo"})
        run_log.events.info("message_sent", sender="a", recipient="b", text="é" * 30)

    records = parsed_lines(bytes(fake.data))
    assert [record["event"] for record in records] == ["run_started", "message_sent", "run_ended"]
    assert [record["seq"] for record in records] == [0, 1, 2]
    assert records[1]["text"] == "é" * 30
    assert fake.writes > len(fake.data) // 7
    assert fake.closed


def test_relayed_events_are_written_in_one_write_stamped_by_this_log(tmp_path):
    """Events recorded elsewhere (a worker's game) go to the file in one write: each keeps the time it
    was recorded at, takes this log's seq and run_id, has its secrets redacted and reaches the
    listeners; a full disk leaves none of them."""
    fake = FakeRawFile()
    seen = []
    recorded = [
        {"ts": "2026-01-01T00:00:00+00:00", "event": "game_cast", "game_id": "g1", "seq": 7},
        {"ts": "2026-01-01T00:00:01+00:00", "event": "llm_call", "response": f"key {SECRET}"},
        {"event": "game_ended", "run_id": "elsewhere"},
    ]

    with RunLog(
        tmp_path / "run.jsonl",
        run_id="r",
        secrets=[SECRET],
        listeners=[seen.append],
        open_file=lambda path: fake,
    ) as run_log:
        run_log.start("test", {})
        writes = fake.writes
        run_log.relay(recorded)
        assert fake.writes == writes + 1
        run_log.relay([])
        assert fake.writes == writes + 1

    records = parsed_lines(bytes(fake.data))
    assert [record["event"] for record in records] == [
        "run_started",
        "game_cast",
        "llm_call",
        "game_ended",
        "run_ended",
    ]
    assert [record["seq"] for record in records] == [0, 1, 2, 3, 4]
    assert {record["run_id"] for record in records} == {"r"}
    assert [record["ts"] for record in records[1:3]] == [
        "2026-01-01T00:00:00+00:00",
        "2026-01-01T00:00:01+00:00",
    ]
    assert records[3]["ts"]  # stamped here when it came without one
    assert records[2]["response"] == "key [redacted]"
    assert seen == records
    assert list(records[1]) == ["v", "ts", "seq", "run_id", "event", "game_id"]

    full = FakeRawFile(capacity=200)
    with (
        pytest.raises(LogWriteError),
        RunLog(tmp_path / "full.jsonl", open_file=lambda path: full) as run_log,
    ):
        run_log.start("test", {})
        kept = bytes(full.data)
        run_log.relay([{"event": "tick", "n": n} for n in range(10)])
    assert bytes(full.data) == kept


def test_events_encoded_elsewhere_are_written_in_one_write_stamped_by_this_log(tmp_path):
    """Events another process encoded (each its time and its line from `event` on) go to the file in
    one write with this log's seq and run_id spliced in, secrets redacted in the file and in what the
    listeners are shown; the listeners get what they are given, or with None every event; a full disk
    leaves none of them."""
    fake = FakeRawFile()
    seen = []
    lines = [
        ("2026-01-01T00:00:00+00:00", b'"event":"game_cast","game_id":"g1"}'),
        ("2026-01-01T00:00:01+00:00", b'"event":"llm_call","response":"key ' + SECRET.encode() + b'"}'),
        ("2026-01-01T00:00:02+00:00", b'"event":"game_ended","game_id":"g1"}'),
    ]
    shown = [{"event": "llm_call", "response": f"key {SECRET}"}, {"event": "game_ended", "game_id": "g1"}]

    with RunLog(
        tmp_path / "run.jsonl",
        run_id="r",
        secrets=[SECRET],
        listeners=[seen.append],
        open_file=lambda path: fake,
    ) as run_log:
        run_log.start("test", {})
        writes = fake.writes
        run_log.relay_encoded(lines, shown)
        assert fake.writes == writes + 1
        assert seen[1:] == [{"event": "llm_call", "response": "key [redacted]"}, shown[1]]
        run_log.relay_encoded([], [])
        assert fake.writes == writes + 1
        run_log.relay_encoded(lines[2:])  # no `shown`: the listeners get every event as written

    records = parsed_lines(bytes(fake.data))
    assert [record["event"] for record in records] == [
        "run_started", "game_cast", "llm_call", "game_ended", "game_ended", "run_ended"
    ]  # fmt: skip
    assert [record["seq"] for record in records] == [0, 1, 2, 3, 4, 5]
    assert {record["run_id"] for record in records} == {"r"}
    assert [record["ts"] for record in records[1:4]] == [ts for ts, _ in lines]
    assert records[2]["response"] == "key [redacted]"
    assert list(records[1]) == ["v", "ts", "seq", "run_id", "event", "game_id"]
    assert seen[3] == records[4]

    full = FakeRawFile(capacity=200)
    with (
        pytest.raises(LogWriteError),
        RunLog(tmp_path / "full.jsonl", open_file=lambda path: full) as run_log,
    ):
        run_log.start("test", {})
        kept = bytes(full.data)
        run_log.relay_encoded([("t", b'"event":"tick","n":%d}' % n) for n in range(10)], [])
    assert bytes(full.data) == kept


def test_a_full_disk_keeps_the_whole_lines_and_raises_log_write_error(tmp_path):
    """When the disk fills mid-line, the file is cut back to its last complete line, LogWriteError names
    the path and the OS reason, and every later event raises it again without writing."""
    path = tmp_path / "run.jsonl"
    fake = FakeRawFile(chunk=5, capacity=300)

    with pytest.raises(LogWriteError) as caught, RunLog(path, open_file=lambda path: fake) as run_log:
        run_log.start("test", {})
        for n in range(100):
            run_log.events.info("tick", n=n)
    kept = bytes(fake.data)
    with pytest.raises(LogWriteError):
        run_log.write("late", {})

    assert str(caught.value) == f"cannot write the run log {path}: No space left on device"
    assert not isinstance(caught.value, RunLogError)
    records = parsed_lines(kept)
    assert 1 < len(records) < 100
    assert [record["seq"] for record in records] == list(range(len(records)))
    assert bytes(fake.data) == kept
    assert run_log.error is not None
    assert fake.closed


def test_leaving_the_block_normally_after_a_failed_write_raises_log_write_error(tmp_path):
    """A write error swallowed inside the block (by an agent's error handling, say) is raised again when
    the block is left normally, so the run cannot end as if its log were whole."""
    fake = FakeRawFile(capacity=0)

    with pytest.raises(LogWriteError, match="No space left on device") as caught:  # noqa: PT012
        with RunLog(tmp_path / "run.jsonl", open_file=lambda path: fake) as run_log:
            try:
                run_log.events.info("tick")
            except LogWriteError:
                pass

    assert caught.value.__context__ is None
    assert (bytes(fake.data), fake.closed) == (b"", True)


@pytest.mark.parametrize("leaving_by", [None, ValueError("bad deck")], ids=["normally", "an-exception"])
def test_a_failing_run_ended_write_closes_the_file_and_masks_nothing(tmp_path, leaving_by):
    """When writing run_ended itself fails, the file is closed and keeps its earlier lines; leaving the
    block normally raises LogWriteError, leaving it by an exception raises that exception alone."""
    fake = FakeRawFile()
    expected = LogWriteError if leaving_by is None else ValueError

    with (
        pytest.raises(expected) as caught,
        RunLog(tmp_path / "run.jsonl", open_file=lambda path: fake) as run_log,
    ):
        run_log.start("test", {})
        fake.capacity = len(fake.data) + 10  # room for a few bytes of run_ended only
        if leaving_by is not None:
            raise leaving_by

    assert [record["event"] for record in parsed_lines(bytes(fake.data))] == ["run_started"]
    assert fake.closed
    if leaving_by is not None:
        assert caught.value is leaving_by
        assert caught.value.__context__ is None


async def test_a_full_disk_during_a_run_fails_the_run_with_log_write_error(tmp_path):
    """An agent whose event cannot be written ends the run FAILED with the LogWriteError itself, not an
    exception group; leaving the log's block then raises LogWriteError once."""
    fake = FakeRawFile(capacity=0)
    run_log = RunLog(tmp_path / "run.jsonl", open_file=lambda path: fake)
    runtime = make_runtime(events=run_log.events)
    waiter = Recorder("waiter")
    runtime.add("waiter", recording(waiter, Receive(waiter)))
    runtime.add("talker", recording(Recorder("talker"), Send("waiter", "hello")))

    with pytest.raises(LogWriteError), run_log:
        result = await settle(runtime.run())

    assert (result.status, result.agent) == (RunStatus.FAILED, "talker")
    assert isinstance(result.error, LogWriteError)
    assert result.reason == f"cannot write the run log {tmp_path / 'run.jsonl'}: No space left on device"
    assert fake.data == b""


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
def test_writing_to_dev_full_raises_log_write_error():
    """A real device that is always full (/dev/full) makes the first line raise LogWriteError."""
    with pytest.raises(LogWriteError, match="^cannot write the run log /dev/full: No space left on device$"):
        with RunLog("/dev/full") as run_log:  # noqa: PT012
            run_log.start("test", {})
