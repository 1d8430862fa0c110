"""Log size: bytes per turn of a 20-question Twenty Questions game, v1's layout against v2's.

    python bench/bench_log_size.py [--questions 20]

One game is played end to end (`main.py twenty-questions` with the real client) against the loopback
chat-completions server, whose questioner asks a new question every turn and guesses wrong on the last
one, and whose answerer says no: every turn is two model calls, each logged as an `llm_call`. The log is
written in today's layout (v2: each message of a conversation once); v1's layout is the same log with
every call's full message list written out, as v1 logged it (rebuilt from the log, so both layouts hold
exactly the same run). A turn's bytes are those of the lines from its `turn_started` to the next.
Figures are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agents.conversation_log import Conversations  # noqa: E402
from runtime.logread import read_events  # noqa: E402
from tests.support.chat_server import ChatServer, Reply  # noqa: E402
from tests.support.cli import run_main  # noqa: E402

BLOCK = 5  # turns per row of the table


def player(questions: int):
    """The loopback server's handler: a fresh question each turn, a wrong guess on the last one."""

    def handler(body: dict[str, Any], index: int) -> Reply:
        messages = body["messages"]
        if "secret thing" in messages[0]["content"]:  # the answerer's system prompt
            return Reply.text("ANSWER: no")
        asked = sum(1 for message in messages if message["role"] == "assistant")
        if asked + 1 >= questions:
            return Reply.text("GUESS: a teapot")
        return Reply.text(f"QUESTION: Is it bigger than {asked + 1} bread boxes?")

    return handler


def play(log: Path, questions: int) -> None:
    with ChatServer() as server:
        server.handler = player(questions)
        done = run_main(
            "twenty-questions", "--thing", "cat", "--questions", str(questions), "--seed", "1",
            "--base-url", server.base_url, "--model", "bench", "--quiet", "--log", str(log),
        )  # fmt: skip
    if done.returncode not in (0, 1):
        raise SystemExit(f"the game did not run: {done.stderr.strip()}")


def line_bytes(record: Mapping[str, Any]) -> int:
    return len(orjson.dumps(record)) + 1  # as RunLog writes a line: orjson, then a newline


def sizes(log: Path) -> tuple[dict[int, int], dict[int, int], int, int, int]:
    """Bytes per turn in each layout (turn 0: before the first turn), both totals, the model calls."""
    v2: dict[int, int] = {}
    v1: dict[int, int] = {}
    conversations = Conversations()
    turn = calls = 0
    for record in read_events(log):
        if record["event"] == "turn_started":
            turn = int(record["turn"])
        full = conversations.rebuilt(record)
        if record["event"] == "llm_call":
            calls += 1
            if not any(isinstance(item, int) for item in record["messages"]) and calls > 2:
                raise SystemExit("the log is not in v2's layout: no message was referred to by number")
        v2[turn] = v2.get(turn, 0) + line_bytes(record)
        v1[turn] = v1.get(turn, 0) + line_bytes({**full, "v": 1})
    return v1, v2, sum(v1.values()), sum(v2.values()), calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "twenty.jsonl"
        play(log, args.questions)
        on_disk = log.stat().st_size
        v1, v2, total_v1, total_v2, calls = sizes(log)
    turns = max(v2)
    assert total_v2 == on_disk, f"measured {total_v2} bytes, the file holds {on_disk}"
    print(f"Twenty Questions, {turns} turns, {calls} llm_call events; bytes per turn, mean over each row")
    print(f"{'turns':>8} {'v1':>9} {'v2':>9} {'v2/v1':>7}   log so far: {'v1':>9} {'v2':>9}")
    for first in range(1, turns + 1, BLOCK):
        block = range(first, min(first + BLOCK, turns + 1))
        old = sum(v1.get(turn, 0) for turn in block) / len(block)
        new = sum(v2.get(turn, 0) for turn in block) / len(block)
        so_far = [sum(size for turn, size in layout.items() if turn <= block[-1]) for layout in (v1, v2)]
        print(
            f"{f'{block[0]}-{block[-1]}':>8} {old:9.0f} {new:9.0f} {new / old:7.2f}"
            f"               {so_far[0]:9d} {so_far[1]:9d}"
        )
    print(f"{'total':>8} {total_v1:9d} {total_v2:9d} {total_v2 / total_v1:7.2f}  (whole log, bytes)")


if __name__ == "__main__":
    main()
