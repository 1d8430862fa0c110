"""Every test here talks to a real Redis server: the machine's, each test on a queue of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.redis_server import delete_queue, machine_redis_url, unique_queue


@pytest.fixture
def redis_url() -> str:
    return machine_redis_url()


@pytest.fixture
def queue(redis_url: str) -> Iterator[str]:
    name = unique_queue()
    yield name
    delete_queue(redis_url, name)
