"""Reaching the Redis server named by `--redis URL`: a bad URL or a server that does not answer is the
user's to fix, so either is one line (UsageError), with any password in the URL hidden."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_delay, wait_exponential

from agents import redact_url
from games.kit.exits import UsageError
from runtime.clock import Clock, SystemClock

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
CONNECT_PATIENCE_S = 5.0  # a server just starting gets this long to answer


def raise_if_cancelled() -> None:
    """Raise CancelledError when this task was asked to stop but a Redis call did not pass that on: the
    client can turn a cancellation that races its socket timeout into a timeout error, which a loop that
    waits out a server outage would take for one and go on (a controller did, after SIGTERM, for good)."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


T = TypeVar("T")


def client(url: str) -> Redis:
    """A client for `url`; UsageError when it is not a Redis URL."""
    try:
        return Redis.from_url(url)
    except ValueError as exc:
        raise UsageError(f"--redis {shown(url)}: {exc}") from None


async def reachable(redis: Redis, url: str, clock: Clock | None = None) -> None:
    """Return once the server answers a PING; UsageError after CONNECT_PATIENCE_S without an answer."""
    clock = clock or SystemClock()
    deadline = clock.monotonic() + CONNECT_PATIENCE_S
    while True:
        try:
            await redis.ping()
            return
        except REDIS_DOWN as exc:
            if clock.monotonic() > deadline:
                raise UsageError(f"--redis {shown(url)}: cannot reach the Redis server ({exc})") from None
            await clock.sleep(0.2)


def shown(url: str) -> str:
    """The server's address without a password."""
    return redact_url(url)


async def patiently(step: Callable[[], Awaitable[T]], patience_s: float) -> T:
    """`step()`, tried again while the server cannot be reached, for up to `patience_s` seconds; the
    last error is raised after that."""
    try:  # the usual case, without the retrying machinery (a worker takes this path per model reply)
        return await step()
    except REDIS_DOWN:
        pass
    retrying = AsyncRetrying(
        stop=stop_after_delay(patience_s),
        wait=wait_exponential(multiplier=0.05, max=1.0),
        retry=retry_if_exception_type(REDIS_DOWN),
        reraise=True,
    )

    async def attempt() -> T:  # a coroutine function, which tenacity awaits (redis-py's are plain ones)
        return await step()

    return await retrying(attempt)
