"""Model settings from the command line reach the games workers play: the workers rebuild the Plan from
the published config, whose `model_settings` they take as a resumed run does."""

from __future__ import annotations

from pathlib import Path

from tests.games.cli.distributed.test_worker_failures import answer
from tests.support.chat_server import ChatServer
from tests.support.cli import events, read_log, run_main
from tests.support.workers import workers

EXPECTED = {"hinter": {"temperature": 0.1}, "guesser": {"temperature": 0.6, "max_tokens": 25}}


def role_of(body: dict) -> str:
    return "hinter" if "Hinter" in body["messages"][0]["content"] else "guesser"


def test_workers_send_the_temperature_and_max_tokens_given_to_the_batch(
    tmp_path: Path, redis_url: str, queue: str
) -> None:
    """A batch with --temperature, --hinter-temperature and --guesser-max-tokens played by two workers:
    every request the model server gets carries its role's settings, and the log records them."""
    log = tmp_path / "log.jsonl"
    with ChatServer() as server, workers(redis_url, queue, 2, "--concurrency", "2"):
        server.handler = lambda body, index: answer(body)
        done = run_main(
            "taboo", "--games", "4", "--seed", "3", "--turns", "2", "--quiet", "--model", "m",
            "--base-url", server.base_url, "--temperature", "0.6", "--hinter-temperature", "0.1",
            "--guesser-max-tokens", "25", "--redis", redis_url, "--queue", queue, "--log", str(log),
        )  # fmt: skip
        bodies = [request.body for request in server.requests if request.path.endswith("/chat/completions")]
    assert done.returncode == 0, done.stderr
    assert {role_of(body) for body in bodies} == {"hinter", "guesser"}
    for body in bodies:
        assert {key: body[key] for key in ("temperature", "max_tokens") if key in body} == EXPECTED[
            role_of(body)
        ]
    records = read_log(log)
    assert records[0]["config"]["model_settings"] == EXPECTED
    calls = events(records, "llm_call")
    assert len(calls) == len(bodies) >= 8
    assert all(call["settings"] == EXPECTED[call["agent"]] for call in calls)
