"""Workers that die, stall, or die on one game every time: every game still ends once, and a game
taken over goes on from its record (recorded model replies are served, not asked again)."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Any

from tests.games.cli.distributed.test_batches_on_workers import by_game
from tests.support.chat_server import ChatServer, Reply
from tests.support.cli import events, read_log, run_main, start_main
from tests.support.workers import Worker

LEASE = ("--lease", "1")
TURNS = ("--turns", "3")


def answer(body: dict[str, Any]) -> Reply:
    """The hinter clues, the guesser guesses: the same words whoever asks, whenever."""
    hinter = "Hinter" in body["messages"][0]["content"]
    return Reply.text("CLUE: zorp quib" if hinter else "GUESS: something")


class HoldCall:
    """Answers every request, but holds the chat request number `hold_at` (counted from 0 over the whole
    server) until the server is released or stopped; `held` is set when it arrives."""

    def __init__(self, hold_at: int | None) -> None:
        self.hold_at = hold_at
        self.held = threading.Event()

    def __call__(self, body: dict[str, Any], index: int) -> Reply:
        if index == self.hold_at:
            self.held.set()
            return answer(body).delayed(600)
        return answer(body)


def uninterrupted(tmp_path: Path, server: ChatServer, *flags: str) -> tuple[list[dict[str, Any]], list[Any]]:
    """The same game played in one process with nothing going wrong: its log and the requests sent."""
    server.handler = HoldCall(None)
    before = len(server.bodies)
    done = run_main(*flags, "--log", str(tmp_path / "alone.jsonl"))
    assert done.returncode == 0, done.stderr
    return read_log(tmp_path / "alone.jsonl"), server.bodies[before:]


def controller(url: str, queue: str, log: Path, *flags: str):
    return start_main(*flags, "--redis", url, "--queue", queue, "--log", str(log))


def test_a_game_killed_with_its_worker_goes_on_from_its_record(
    tmp_path: Path, redis_url: str, queue: str
) -> None:
    flags = ("taboo", "--games", "1", "--seed", "4", *TURNS, "--quiet", "--model", "m")
    with ChatServer() as server:
        flags = (*flags, "--base-url", server.base_url)
        expected_log, expected_bodies = uninterrupted(tmp_path, server, *flags)
        hold = HoldCall(len(server.bodies) + 3)  # the 4th request of the game
        server.handler = hold
        first = Worker(redis_url, queue, *LEASE).ready()
        run = controller(redis_url, queue, tmp_path / "shared.jsonl", *flags)
        second = None
        try:
            assert hold.held.wait(60), first.output
            first.signal(signal.SIGKILL)
            second = Worker(redis_url, queue, *LEASE).ready()
            out, err = run.communicate(timeout=120)
        finally:
            for worker in (first, second):
                if worker is not None:
                    worker.stop()
            if run.poll() is None:
                run.kill()
        assert run.returncode == 0, err
        asked = [body["messages"] for body in server.bodies[len(expected_bodies) :]]
    # The three replies recorded before the kill were served from the record: the held request is the
    # only one asked twice.
    expected = [body["messages"] for body in expected_bodies]
    assert asked == expected[:4] + expected[3:]
    shared = read_log(tmp_path / "shared.jsonl")
    assert len(events(shared, "game_ended")) == 1
    assert by_game(shared) == by_game(expected_log)


def test_a_stalled_worker_coming_back_is_refused(tmp_path: Path, redis_url: str, queue: str) -> None:
    flags = ("taboo", "--games", "1", "--seed", "6", *TURNS, "--quiet", "--model", "m")
    with ChatServer() as server:
        flags = (*flags, "--base-url", server.base_url)
        expected_log, _ = uninterrupted(tmp_path, server, *flags)
        hold = HoldCall(len(server.bodies) + 2)
        server.handler = hold
        stalled = Worker(redis_url, queue, *LEASE).ready()
        run = controller(redis_url, queue, tmp_path / "shared.jsonl", *flags)
        other = None
        try:
            assert hold.held.wait(60), stalled.output
            stalled.signal(signal.SIGSTOP)
            other = Worker(redis_url, queue, *LEASE).ready()
            out, err = run.communicate(timeout=120)
            assert run.returncode == 0, err
            stalled.signal(signal.SIGCONT)
            server.release()  # the stalled worker's request is answered now, too late
            assert stalled.wait_for("taken over by another worker", timeout=30), stalled.output
        finally:
            for worker in (stalled, other):
                if worker is not None:
                    worker.stop()
            if run.poll() is None:
                run.kill()
    shared = read_log(tmp_path / "shared.jsonl")
    assert len(events(shared, "game_ended")) == 1
    assert by_game(shared) == by_game(expected_log)


def test_a_game_that_kills_every_worker_ends_in_error(tmp_path: Path, redis_url: str, queue: str) -> None:
    """Every worker that takes the game dies on it; after --max-deliveries takers the next one records
    it as an error naming them, and the batch ends (exit 1: a game ended in error)."""
    flags = ("taboo", "--games", "1", "--seed", "2", *TURNS, "--quiet", "--model", "m")
    taken = threading.Semaphore(0)

    def die_on_it(body: dict[str, Any], index: int) -> Reply:
        taken.release()
        return answer(body).delayed(600)

    with ChatServer() as server:
        server.handler = die_on_it
        options = (*LEASE, "--max-deliveries", "2")
        run = controller(redis_url, queue, tmp_path / "log.jsonl", *flags, "--base-url", server.base_url)
        dead: list[Worker] = []
        try:
            for _ in range(2):
                worker = Worker(redis_url, queue, *options).ready()
                dead.append(worker)
                assert taken.acquire(timeout=60), worker.output
                worker.signal(signal.SIGKILL)
            last = Worker(redis_url, queue, *options).ready()
            dead.append(last)
            out, err = run.communicate(timeout=120)
        finally:
            for worker in dead:
                worker.stop()
            if run.poll() is None:
                run.kill()
    assert run.returncode == 1, err
    ended = events(read_log(tmp_path / "log.jsonl"), "game_ended")
    assert len(ended) == 1 and ended[0]["outcome"] == "error"
    assert "no worker finished this game in 2 deliveries" in ended[0]["reason"]
