"""Mailboxes: where an agent's messages wait until it takes them.

`Mailbox` is the interface the runtime relies on; `InMemoryMailbox` implements it on `asyncio.Queue`.
A broker-backed mailbox (Redis Streams, say) implements the same four methods and slots in through
`Runtime(mailbox_factory=...)` without touching agents or games.
"""

from __future__ import annotations

import asyncio
from typing import Protocol, runtime_checkable

from runtime.clock import Clock, SystemClock
from runtime.errors import MailboxClosed, ReceiveTimeout
from runtime.messages import Message


@runtime_checkable
class Mailbox(Protocol):
    """One agent's incoming messages, in the order they were put."""

    owner: str

    async def put(self, message: Message) -> None:
        """Add a message; raises MailboxClosed once the mailbox is closed."""
        ...

    async def get(self, timeout: float | None = None) -> Message:
        """Take the oldest message, waiting for one if there is none.

        Raises MailboxClosed when the mailbox is (or becomes) closed, ReceiveTimeout when `timeout`
        seconds pass with no message.
        """
        ...

    def close(self) -> None:
        """Close the mailbox: every waiting and later `get` or `put` raises MailboxClosed."""
        ...

    def qsize(self) -> int:
        """How many messages wait in the mailbox."""
        ...


class MailboxFactory(Protocol):
    def __call__(self, owner: str, clock: Clock) -> Mailbox: ...


_CLOSED = object()  # wakes receivers when the mailbox closes


class InMemoryMailbox:
    """A mailbox on an unbounded `asyncio.Queue`, for agents in one process."""

    def __init__(self, owner: str, clock: Clock | None = None) -> None:
        self.owner = owner
        self._clock = clock or SystemClock()
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    async def put(self, message: Message) -> None:
        self.put_nowait(message)

    def put_nowait(self, message: Message) -> None:
        if self._closed:
            raise MailboxClosed(self.owner)
        self._queue.put_nowait(message)

    async def get(self, timeout: float | None = None) -> Message:
        if self._closed:
            await asyncio.sleep(0)  # a receiver that ignores MailboxClosed and retries still yields
            raise MailboxClosed(self.owner)
        if timeout is None:
            item = await self._queue.get()
        else:
            try:
                async with self._clock.timeout(timeout):
                    item = await self._queue.get()
            except TimeoutError:
                raise ReceiveTimeout(self.owner, timeout) from None
        if item is _CLOSED:
            self._queue.put_nowait(_CLOSED)  # pass the wake-up on to any other receiver
            raise MailboxClosed(self.owner)
        return item  # type: ignore[return-value]

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._queue.put_nowait(_CLOSED)

    def qsize(self) -> int:
        return 0 if self._closed else self._queue.qsize()
