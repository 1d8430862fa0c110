"""Redis for the tests of workers: a queue of each test's own on the shared server (tests/support/redis.py),
and a private `redis-server` a test may restart. Without redis-server, such a test fails in CI (the CI
variable is set) and skips elsewhere, saying why."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import redis

START_TIMEOUT_S = 10.0


def missing(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(why)
    pytest.skip(why)


def unique_queue() -> str:
    """A queue name no other test uses, so tests share one server without seeing each other's games."""
    return f"test-{uuid.uuid4().hex[:10]}"


def delete_queue(url: str, queue: str) -> None:
    """Delete every key of `queue` (its stream and its batches)."""
    with redis.Redis.from_url(url) as client:
        keys = list(client.scan_iter(match=f"queueagents:{queue}:*", count=1000))
        if keys:
            client.delete(*keys)


class PrivateRedis:
    """A redis-server of the test's own on a free port, keeping nothing on disk; `restart()` stops it
    and starts a new, empty one on the same port."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            missing("redis-server is not installed (Debian: apt-get install redis-server)")
        self._binary = str(binary)
        self._folder = folder
        self.port = _free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> PrivateRedis:
        self._process = subprocess.Popen(
            [
                self._binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self._folder),
                "--logfile",
                str(self._folder / "redis.log"),
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with redis.Redis(port=self.port, socket_connect_timeout=0.5) as client:
                    client.ping()
                return self
            except (redis.RedisError, OSError):
                if time.monotonic() > deadline or self._process.poll() is not None:
                    self.stop()
                    missing(f"redis-server did not start on port {self.port}")
                time.sleep(0.02)  # polling another process's start: no event to wait on

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait(timeout=10)
        self._process = None

    def restart(self) -> None:
        self.stop()
        self.start()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
