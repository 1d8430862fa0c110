"""Fixtures shared by every test package. The doubles themselves live in tests/support/."""

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
