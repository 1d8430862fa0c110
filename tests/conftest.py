"""Fixtures shared by every test package. The doubles themselves live in tests/support/."""

import gc
from collections.abc import Iterator

import pytest

from tests.support.chat_server import ChatServer

pytest_plugins = ["tests.support.redis"]  # the redis_url and redis_prefix fixtures


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
