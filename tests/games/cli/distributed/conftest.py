"""Every test here talks to a real Redis server: the machine's, each test on a queue of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.redis import redis_prefix, redis_url
from tests.support.redis_server import delete_queue, unique_queue

__all__ = ["queue", "redis_prefix", "redis_url"]


@pytest.fixture
def queue(redis_url: str) -> Iterator[str]:
    """A queue no other test uses; its keys are deleted after the test."""
    name = unique_queue()
    yield name
    delete_queue(redis_url, name)
