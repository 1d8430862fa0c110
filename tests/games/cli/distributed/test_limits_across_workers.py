"""The limits on model calls hold across workers: one cap on calls in flight, and a rejected key stops
every worker at once."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from tests.games.cli.distributed.test_worker_failures import answer
from tests.support.chat_server import ChatServer, Reply
from tests.support.cli import read_log, run_main
from tests.support.workers import workers


def test_the_call_cap_holds_across_workers(tmp_path: Path, redis_url: str, queue: str) -> None:
    """Two workers of four games each, --max-concurrent-calls 3: the server never sees more than 3
    requests at once, and does see 3."""
    with ChatServer() as server, workers(redis_url, queue, 2, "--concurrency", "4"):
        # A request is held until three are in flight (at most 2 s: each worker's first call goes alone),
        # so a loaded machine cannot hide the cap's reach; past that, replies take 50 ms.
        reached = threading.Event()

        def handler(body: dict, index: int) -> Reply:
            if not reached.is_set() and server.wait_for_in_flight(3, timeout=2.0):
                reached.set()
            return answer(body).delayed(0.05)

        server.handler = handler
        done = run_main(
            "taboo", "--games", "12", "--seed", "2", "--turns", "2", "--quiet", "--model", "m",
            "--base-url", server.base_url, "--max-concurrent-calls", "3",
            "--redis", redis_url, "--queue", queue, "--log", str(tmp_path / "log.jsonl"),
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert server.max_in_flight == 3


def test_a_rejected_key_stops_every_worker(tmp_path: Path, redis_url: str, queue: str) -> None:
    """The first 401 stops the batch on both workers: one request from each at most (each worker's first
    call to a server goes alone), exit 1, the cause in the summary and the log, the games not played
    left for --resume."""
    with ChatServer() as server, workers(redis_url, queue, 2, "--concurrency", "4"):
        server.handler = lambda body, index: Reply.status_error(401, "invalid api key")
        log, summary_path = tmp_path / "log.jsonl", tmp_path / "s.json"
        done = run_main(
            "taboo", "--games", "40", "--seed", "2", "--model", "m", "--base-url", server.base_url,
            "--redis", redis_url, "--queue", queue, "--log", str(log), "--summary-json", str(summary_path),
        )  # fmt: skip
        asked = server.calls
    assert done.returncode == 1, done.stderr
    assert 1 <= asked <= 2
    summary = json.loads(summary_path.read_text())
    [(cause, count)] = summary["errors_by_cause"].items()
    assert "401" in cause and count == summary["outcomes"]["error"]
    assert len(summary["not_played"]) == 40 - count > 0
    records = read_log(log)
    assert records[-1]["status"] == "error" and "401" in records[-1]["reason"]
    lines = done.stdout.strip().splitlines()
    assert lines[-2].startswith(f"stopped: {count} of 40 game(s) ended") and lines[-1].endswith(
        f"--resume {log}"
    )
