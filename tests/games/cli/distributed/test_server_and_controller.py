"""The Redis server restarted mid-batch (it keeps nothing), and the controller stopped mid-batch: the
batch still ends with every game once, and a stopped batch is completed by --resume."""

from __future__ import annotations

import json
import signal
import threading
import time
from pathlib import Path
from typing import Any

import redis

from tests.games.cli.distributed.test_worker_failures import answer
from tests.support.chat_server import ChatServer, Reply
from tests.support.cli import events, read_log, start_main
from tests.support.redis_server import PrivateRedis
from tests.support.workers import Worker

GAMES = 6


class HoldFrom:
    """Answers the first `answered` chat requests; holds every later one until the server is released."""

    def __init__(self, answered: int) -> None:
        self.answered = answered
        self.held = threading.Event()

    def __call__(self, body: dict[str, Any], index: int) -> Reply:
        if index < self.answered:
            return answer(body)
        self.held.set()
        return answer(body).delayed(600)


def ended_ids(log: Path) -> list[str]:
    return [record["game_id"] for record in events(read_log(log), "game_ended")]


def _ended_so_far(log: Path) -> list[str]:
    """The games ended in a log another process is writing (nothing yet while a line is half written)."""
    try:
        return ended_ids(log) if log.exists() else []
    except json.JSONDecodeError:
        return []


def planned_ids(log: Path) -> list[str]:
    return [entry["game_id"] for entry in read_log(log)[0]["plan"]]


def test_a_restarted_server_loses_nothing(tmp_path: Path, queue: str) -> None:
    server_dir = tmp_path / "redis"
    server_dir.mkdir()
    private = PrivateRedis(server_dir).start()
    log = tmp_path / "log.jsonl"
    try:
        with ChatServer() as chat:
            hold = HoldFrom(4)  # about two games' worth, then everything waits for the restart
            chat.handler = hold
            worker = Worker(private.url, queue, "--lease", "1", "--concurrency", "3").ready()
            run = start_main(
                "taboo", "--games", str(GAMES), "--seed", "8", "--turns", "2", "--quiet", "--model", "m",
                "--base-url", chat.base_url, "--redis", private.url, "--queue", queue, "--log", str(log),
            )  # fmt: skip
            try:
                assert hold.held.wait(60), worker.output
                private.restart()  # empty: no stream, no group, no plan, no journal
                chat.release()
                out, err = run.communicate(timeout=180)
            finally:
                worker.stop()
                if run.poll() is None:
                    run.kill()
    finally:
        private.stop()
    assert run.returncode == 0, err
    assert "lost the batch" in out + err
    assert sorted(ended_ids(log)) == sorted(planned_ids(log))  # every game, each once
    records = read_log(log)
    assert [record["seq"] for record in records] == list(range(len(records)))


def test_a_stopped_controller_stops_the_batch_and_resume_completes_it(
    tmp_path: Path, redis_url: str, queue: str
) -> None:
    first_log, second_log = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    with ChatServer() as chat:
        hold = HoldFrom(4)
        chat.handler = hold
        worker = Worker(redis_url, queue, "--lease", "1", "--concurrency", "1").ready()
        try:
            run = start_main(
                "taboo", "--games", str(GAMES), "--seed", "9", "--turns", "2", "--model", "m",
                "--base-url", chat.base_url, "--redis", redis_url, "--queue", queue, "--log", str(first_log),
            )  # fmt: skip
            assert hold.held.wait(60), worker.output
            # The game played before the hold is in the log once the controller has read its result
            # (it reads every 20 ms; a loaded machine may take longer): stop it after that.
            deadline = time.monotonic() + 60
            while not _ended_so_far(first_log) and time.monotonic() < deadline:
                time.sleep(0.05)  # another process writes it: poll with a deadline
            run.send_signal(signal.SIGTERM)
            out, err = run.communicate(timeout=60)
            assert run.returncode == 143, err
            assert "Traceback" not in err
            finished = ended_ids(first_log)
            assert 0 < len(finished) < GAMES
            assert f"stopped: {len(finished)} of {GAMES} game(s) ended" in out or "interrupted" in out
            assert read_log(first_log)[-1]["status"] == "interrupted"
            # The workers take no more of its games: the queue empties without anything played.
            asked = chat.calls
            client = redis.Redis.from_url(redis_url)
            stream = f"queueagents:{queue}:games"
            deadline = time.monotonic() + 30
            while client.xlen(stream) and time.monotonic() < deadline:
                time.sleep(0.05)  # another process empties it: poll with a deadline
            assert client.xlen(stream) == 0
            assert chat.calls == asked
            chat.handler = lambda body, index: answer(body)
            chat.release()
            resumed = start_main(
                "taboo", "--resume", str(first_log), "--quiet", "--base-url", chat.base_url,
                "--redis", redis_url, "--queue", queue, "--log", str(second_log),
            )  # fmt: skip
            out, err = resumed.communicate(timeout=120)
            assert resumed.returncode == 0, err
        finally:
            worker.stop()
    both = ended_ids(first_log) + ended_ids(second_log)
    assert sorted(both) == sorted(planned_ids(first_log))  # every game once over the two logs
