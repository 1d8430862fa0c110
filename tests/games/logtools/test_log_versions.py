"""Logs of both schema versions through replay and rerun: v1 (every call's whole conversation) and v2 (each
message of a conversation once, then its number). The v1 logs in v1/ were written by the offline games
with seed 1 before v2; today's code plays the same games, so both layouts hold the same requests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agents.conversation_log import rebuild_messages
from tests.support.cli import events, read_log, run_main

V1 = Path(__file__).parent / "v1"
GAMES = ("taboo", "twenty-questions", "chameleon")


def requests(records: list[dict[str, Any]]) -> list[tuple[str, str, int, Any]]:
    return [(r["game_id"], r["agent"], r["call_index"], r["messages"]) for r in events(records, "llm_call")]


@pytest.fixture(scope="module")
def v2_logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Today's (v2) logs of the games the v1 logs recorded, played once for the module."""
    folder = tmp_path_factory.mktemp("v2")
    logs = {}
    for game in GAMES:
        logs[game] = folder / f"{game}.jsonl"
        done = run_main(game, "--seed", "1", "--quiet", "--log", str(logs[game]))
        assert done.returncode == 0, done.stderr
    return logs


def replayed_json(log: Path) -> list[dict[str, Any]]:
    done = run_main("replay", str(log), "--json")
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def rewrite(source: Path, target: Path, change) -> Path:
    records = read_log(source)
    for record in records:
        change(record)
    target.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return target


@pytest.mark.parametrize("game", GAMES)
def test_a_v1_log_reruns_exactly(game: str, tmp_path: Path) -> None:
    """A v1 log of each game is reproduced by today's rerun, which writes a v2 log of the same requests."""
    log = V1 / f"{game}.jsonl"
    new = tmp_path / "rerun.jsonl"
    done = run_main("rerun", str(log), "--log", str(new), "--quiet")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("reproduced: 1 game(s)")
    assert {record["v"] for record in read_log(new)} == {2}
    assert requests(list(rebuild_messages(read_log(new)))) == requests(read_log(log))


@pytest.mark.parametrize("game", GAMES)
def test_a_v2_log_replays_the_requests_a_v1_log_recorded_whole(game: str, v2_logs: dict[str, Path]) -> None:
    """replay --json gives each call of a v2 log its whole request: the same as the v1 log of that game."""
    log = v2_logs[game]
    assert {record["v"] for record in read_log(log)} == {2}
    assert requests(replayed_json(log)) == requests(read_log(V1 / f"{game}.jsonl"))


def test_a_v2_log_is_smaller_for_a_conversation_of_many_turns(v2_logs: dict[str, Path]) -> None:
    """Twenty Questions' later calls refer to their earlier messages by number instead of repeating them."""
    log = v2_logs["twenty-questions"]
    later = events(read_log(log), "llm_call")[-1]["messages"]
    assert sum(isinstance(item, int) for item in later) == len(later) - 2  # only the newest two are new
    assert log.stat().st_size < (V1 / "twenty-questions.jsonl").stat().st_size * 0.7


@pytest.mark.parametrize("version", [1, 2])
def test_the_html_page_shows_every_calls_whole_request(
    version: int, v2_logs: dict[str, Path], tmp_path: Path
) -> None:
    """The page shows each model call's request, from a v1 and from a v2 log: an agent's first whole,
    system prompt first, each later one as the messages it adds. (The logs' offline calls are made to
    look like a model's: the page leaves out calls that took no model time.)"""
    source = V1 / "twenty-questions.jsonl" if version == 1 else v2_logs["twenty-questions"]
    records = read_log(source)
    for record in records:
        if record["event"] == "llm_call":
            record["backend"], record["model"] = "openai", "m"
    log = tmp_path / "live.jsonl"
    log.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    page = tmp_path / "page.html"
    done = run_main("replay", str(log), "--html", str(page))
    assert done.returncode == 0, done.stderr
    html = page.read_text(encoding="utf-8")
    assert html.count("<details>") == len(events(records, "llm_call")) == 17
    assert html.count("<pre>[system]\n") == 2  # the questioner's first request and the answerer's
    assert html.count("<summary>request: 2 new messages</summary>") >= 10


def test_a_number_changed_in_a_v2_log_diverges_at_that_call_and_item(
    v2_logs: dict[str, Path], tmp_path: Path
) -> None:
    """A later call referring to another recorded message: rerun names that call and that item."""
    log = v2_logs["twenty-questions"]

    def change(record: dict[str, Any]) -> None:
        if record["event"] == "llm_call" and record["agent"] == "questioner" and record["call_index"] == 3:
            assert record["messages"][3] == 3
            record["messages"][3] = 1  # the first question's user turn instead of the second's

    tampered = rewrite(log, tmp_path / "tampered.jsonl", change)
    done = run_main("rerun", str(tampered), "--log", str(tmp_path / "new.jsonl"))
    assert done.returncode == 1
    assert done.stderr.strip().startswith(
        "rerun diverged at agent 'questioner' in game 'g1', call 3: messages[3].content differs"
    )


@pytest.mark.parametrize("command", ["replay", "rerun"])
def test_a_number_no_message_had_is_one_line_naming_the_line_and_item(
    command: str, v2_logs: dict[str, Path], tmp_path: Path
) -> None:
    """A v2 number beyond the conversation's recorded messages: one line with file, line and item, exit 2."""
    log = v2_logs["twenty-questions"]
    lines = log.read_text(encoding="utf-8").splitlines()
    number = next(n for n, text in enumerate(lines, 1) if '"call_index":2' in text and "questioner" in text)

    def change(record: dict[str, Any]) -> None:
        if record["event"] == "llm_call" and record["agent"] == "questioner" and record["call_index"] == 2:
            record["messages"][1] = 99

    tampered = rewrite(log, tmp_path / "tampered.jsonl", change)
    options = ["--log", str(tmp_path / "new.jsonl")] if command == "rerun" else []
    done = run_main(command, str(tampered), *options)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"error: {tampered}: line {number}: llm_call's messages[1] is 99, but the conversation of agent "
        "questioner in game g1 has recorded 4 message(s) before it"
    )
