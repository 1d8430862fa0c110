"""Fixtures shared by every test package. The doubles themselves live in tests/support/."""

import atexit
import gc
import os
import sys
from collections.abc import Iterator

import pytest

from tests.support.chat_server import ChatServer

pytest_plugins = ["tests.support.redis"]  # the redis_url and redis_prefix fixtures


def pytest_configure(config: pytest.Config) -> None:
    """A pytest-xdist worker that has reported everything ends without the interpreter's teardown:
    freeing the heap of a worker that ran a thousand tests took 1 to 5 s, which the run's last worker
    made everyone wait for. Registered here, early, so the exit functions registered later (the fork
    server's, tests/support/forkserver.py) still run first."""
    if hasattr(config, "workerinput"):
        atexit.register(_end_worker)


def _end_worker() -> None:
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(0)


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    """A loopback chat-completions server for one test; `chat_server.base_url` is where it listens."""
    server = ChatServer().start()
    try:
        yield server
    finally:
        server.stop()
    if server.errors:
        raise server.errors[0]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[object]:
    """What the test process holds before a test (pytest, every collected test, the imported project)
    is kept out of the garbage collector's scans while the test runs: each game run collects once as it
    starts, which in a test process scanned all of it (0.15 s a run); a new `python main.py` has none of
    it. Unfrozen after the test, so it is collected as usual between tests."""
    gc.freeze()
    try:
        return (yield)
    finally:
        gc.unfreeze()
