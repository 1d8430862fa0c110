"""`--redis` and `worker` from the command line: wrong input is one line and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from games.cli.distributed import server
from tests.support.chat_server import unused_loopback_url
from tests.support.cli import run_main


def test_a_url_that_is_not_redis_is_one_line(tmp_path: Path) -> None:
    for command in (("worker",), ("taboo", "--games", "2", "--log", str(tmp_path / "x.jsonl"))):
        done = run_main(*command, "--redis", "localhost:6379")
        assert done.returncode == 2
        assert done.stderr.strip().splitlines() == [
            "error: --redis localhost:6379: Redis URL must specify one of the following schemes "
            "(redis://, rediss://, unix://)"
        ]
    assert not (tmp_path / "x.jsonl").exists()


def test_a_server_that_does_not_answer_is_one_line_and_hides_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server, "CONNECT_PATIENCE_S", 0.3)  # how long it waits is not what is tested here
    port = unused_loopback_url().split(":")[2].split("/")[0]
    url = f"redis://:hunter2secret@127.0.0.1:{port}/0"
    for command in (("worker",), ("chameleon", "--games", "2", "--log", str(tmp_path / "x.jsonl"))):
        done = run_main(*command, "--redis", url)
        assert done.returncode == 2
        [line] = done.stderr.strip().splitlines()
        assert line.startswith(f"error: --redis redis://127.0.0.1:{port}/0: cannot reach the Redis server")
        assert "hunter2secret" not in done.stdout + done.stderr
    assert not (tmp_path / "x.jsonl").exists()


def test_a_person_plays_here_not_on_a_worker() -> None:
    done = run_main("taboo", "--human", "guesser", "--redis", "redis://127.0.0.1:6379")
    assert done.returncode == 2
    assert done.stderr.strip() == "error: --human plays at this keyboard: leave out --redis"
