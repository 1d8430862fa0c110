"""Mailboxes: where an agent's messages wait until it takes them.

`Mailbox` is the interface the runtime relies on; `InMemoryMailbox` implements it for one process.
A broker-backed mailbox (Redis Streams, say) implements the same four methods and slots in through
`Runtime(mailbox_factory=...)` without touching agents or games.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
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


class InMemoryMailbox:
    """A mailbox for agents in one process: a deque of messages and the futures of waiting receivers.

    Lighter than an `asyncio.Queue` (which holds four deques and an Event even while empty): both parts
    are made on first use, so an idle agent's empty mailbox is one small object.
    """

    __slots__ = ("owner", "_clock", "_items", "_waiters", "_closed")

    def __init__(self, owner: str, clock: Clock | None = None) -> None:
        self.owner = owner
        self._clock = clock or SystemClock()
        self._items: deque[Message] | None = None
        self._waiters: list[asyncio.Future[None]] | None = None  # few: one per receiving strand
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    async def put(self, message: Message) -> None:
        self.put_nowait(message)

    def put_nowait(self, message: Message) -> None:
        if self._closed:
            raise MailboxClosed(self.owner)
        if self._items is None:
            self._items = deque()
        self._items.append(message)
        self._wake_one()

    async def get(self, timeout: float | None = None) -> Message:
        if self._closed:
            await asyncio.sleep(0)  # a receiver that ignores MailboxClosed and retries still yields
            raise MailboxClosed(self.owner)
        if not self._items:
            if timeout is None:
                await self._arrival()
            else:
                try:
                    async with self._clock.timeout(timeout):
                        await self._arrival()
                except TimeoutError:
                    raise ReceiveTimeout(self.owner, timeout) from None
            if self._closed:
                raise MailboxClosed(self.owner)
        return self._items.popleft()  # type: ignore[union-attr]  # not empty here

    def get_ready(self) -> Message | None:
        """The oldest message if one is queued (what `get()` returns without waiting), else None."""
        items = self._items  # None once closed
        return items.popleft() if items else None

    async def _arrival(self) -> None:
        """Wait until a message is there or the mailbox closes."""
        while not self._items and not self._closed:
            waiter = asyncio.get_running_loop().create_future()
            if self._waiters is None:
                self._waiters = []
            self._waiters.append(waiter)
            try:
                await waiter
            except BaseException:
                waiter.cancel()
                if self._waiters is not None:  # None once closed
                    with contextlib.suppress(ValueError):
                        self._waiters.remove(waiter)
                if self._items and not waiter.cancelled():
                    self._wake_one()  # woken, then cancelled: the message goes to the next receiver
                raise

    def _wake_one(self) -> None:
        waiters = self._waiters
        while waiters:
            waiter = waiters.pop(0)
            if not waiter.done():
                waiter.set_result(None)
                return

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._items = None
            waiters, self._waiters = self._waiters, None
            for waiter in waiters or ():
                if not waiter.done():
                    waiter.set_result(None)

    def qsize(self) -> int:
        return len(self._items) if self._items and not self._closed else 0
