"""A game's events on their way from a worker to the controller's run log: encoded once, on the worker,
and written by the controller byte for byte as it writes events it encodes itself; the summary, fed only
what the worker sends along decoded, comes to the same figures as fed every event."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from games.cli.distributed.forwarded import RecordedEvents, decode_result, encode_result
from games.cli.registry import catalog_for
from games.cli.summary import RunStats, summarize, summary_view
from games.kit.outcome import GameResult, Outcome
from runtime.clock import FakeClock
from runtime.log import RunLog

SECRET = "sk-test-0123456789"
LOGS = Path(__file__).parents[2] / "logtools" / "v1"
GOLDEN = Path(__file__).parents[2] / "taboo" / "golden" / "violation.jsonl"


def odd_events(recorded: RecordedEvents) -> None:
    """Events with what a line must survive: fields named like the line's own, a set, an integer past
    64 bits (only the json fallback writes it), text beyond ASCII, a secret."""
    events = recorded.events.bind(game_id="g1")
    events.info("game_cast", players={"hinter": "offline/default"}, swapped=False)
    events.info("tick", seq=99, run_id="elsewhere", v=7, tags={"a"}, note="café ✓")
    events.info("llm_call", response=f"key {SECRET}", usage={"prompt_tokens": 3}, backend="openai")
    events.info("huge", n=2**70)
    GameResult("g1", Outcome.SUCCESS, 2, 50.0, "guessed", "cat", winner="w").log(events)


def test_the_controller_writes_encoded_events_as_it_writes_decoded_ones(tmp_path: Path) -> None:
    recorded = RecordedEvents(FakeClock(), summary_view(catalog_for("taboo")))
    odd_events(recorded)
    result = GameResult("g1", Outcome.SUCCESS, 2, 50.0, "guessed", "cat", winner="w")
    handed = decode_result(encode_result(result, recorded))
    assert handed.result == result

    # The same events as the worker recorded them before (each with its time), relayed decoded.
    as_records = [{"ts": ts, **orjson.loads(b"{" + tail)} for ts, tail in handed.lines]
    as_records[3]["n"] = 2**70  # orjson reads an integer past 64 bits back as a float
    written: dict[str, bytes] = {}
    shown: dict[str, list[dict[str, Any]]] = {"old": [], "new": []}
    for name in ("old", "new"):
        with RunLog(
            tmp_path / f"{name}.jsonl", run_id="r", clock=FakeClock(), secrets=[SECRET],
            listeners=[shown[name].append],
        ) as run_log:  # fmt: skip
            run_log.start("taboo", {})
            if name == "old":
                run_log.relay(as_records)
            else:
                run_log.relay_encoded(handed.lines)
        written[name] = (tmp_path / f"{name}.jsonl").read_bytes()
    assert written["new"] == written["old"]
    assert SECRET.encode() not in written["new"]
    assert b'"seq":99' not in written["new"] and b'"v":7' not in written["new"]
    assert [record["event"] for record in shown["new"]] == [record["event"] for record in shown["old"]]

    # What goes along decoded: the events the summary reads, an llm_call cut to what it reads of one.
    assert [record["event"] for record in handed.summary] == ["game_cast", "llm_call", "game_ended"]
    assert handed.summary[1] == {"event": "llm_call", "usage": {"prompt_tokens": 3}, "backend": "openai"}


@pytest.mark.parametrize(
    "log", [GOLDEN, *sorted(LOGS.glob("*.jsonl"))], ids=lambda path: f"{path.parent.name}/{path.name}"
)
def test_the_summary_of_what_a_worker_sends_along_is_the_summary_of_every_event(log: Path) -> None:
    records = [orjson.loads(line) for line in log.read_bytes().splitlines()]
    catalog = catalog_for(records[0]["config"]["game"])
    view = summary_view(catalog)
    every = RunStats(catalog).feed(records)
    sent = RunStats(catalog).feed(shown for record in records if (shown := view(record)) is not None)
    assert summarize(sent) == summarize(every)
    assert sum(view(record) is None for record in records) > 0  # most events are not sent along


@pytest.mark.parametrize(
    "damage",
    [
        lambda message: message.replace(b"\n", b" ", 1),  # no header line
        lambda message: message[: message.rindex(b"\n", 0, -1) + 1],  # an event line missing
        lambda message: message.replace(b'\n"event":', b'\n"evnt":', 1),  # a line not an event's
        lambda message: message[:-2] + b"\n",  # a line cut short
        lambda message: b'{"result": {}}\n',
    ],
)
def test_a_damaged_message_is_refused_with_what_is_wrong(damage: Any) -> None:
    recorded = RecordedEvents(FakeClock())
    GameResult("g1", Outcome.SUCCESS, 2, 50.0, "guessed").log(recorded.events.bind(game_id="g1"))
    recorded.events.info("tick", game_id="g1")
    message = encode_result(GameResult("g1", Outcome.SUCCESS, 2, 50.0, "guessed"), recorded)
    assert len(decode_result(message).lines) == 2
    with pytest.raises(ValueError, match="not a game's result"):
        decode_result(damage(message))
