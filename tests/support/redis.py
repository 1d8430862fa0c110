"""The Redis server tests share: `redis_url` is where it answers (REDIS_URL, else the local default).

Without one, the tests that need it skip, saying why; under CI (the CI variable set) they fail instead.
Each test keeps to keys under its own prefix (`redis_prefix`) and deletes them after.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

DEFAULT_URL = "redis://127.0.0.1:6379"
PING_TIMEOUT_S = 2.0


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The URL of a Redis server that answers a PING."""
    url = os.environ.get("REDIS_URL") or DEFAULT_URL
    client = redis.Redis.from_url(url, socket_connect_timeout=PING_TIMEOUT_S, socket_timeout=PING_TIMEOUT_S)
    try:
        client.ping()
    except redis.RedisError as error:
        problem = f"{type(error).__name__}: {error}"
    else:
        return url
    finally:
        client.close()
    reason = f"no Redis answers at {shown(url)} ({problem}); set REDIS_URL or start one"
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix no other test uses; every key under it is deleted after the test."""
    prefix = f"test:{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def shown(url: str) -> str:
    """`url` without its password, fit for a message."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rpartition("@")[2]
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + netloc))
