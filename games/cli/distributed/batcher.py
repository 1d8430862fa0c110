"""Requests that go to the server together ("group commit"): while one call is under way, the requests
that come meanwhile wait in arrival order and go together in the next call. Nothing waits on purpose: a
request that finds no call under way goes at once, alone.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from itertools import chain
from typing import Generic, TypeVar

R = TypeVar("R")
A = TypeVar("A")

MOST_AT_ONCE = 64  # requests in one call at most


class Waiting(Generic[R, A]):
    """A request in line, and the answer its caller waits for."""

    def __init__(self, request: R) -> None:
        self.request = request
        self.answer: asyncio.Future[A] = asyncio.get_running_loop().create_future()

    @property
    def settled(self) -> bool:
        """Answered, failed, or its caller gone (cancelled)."""
        return self.answer.done()

    def settle(self, answer: A) -> bool:
        """Give the caller its answer. False when the caller is gone: what the call did for it is then
        the sender's to undo."""
        if self.answer.done():
            return False
        self.answer.set_result(answer)
        return True

    def fail(self, error: BaseException) -> None:
        if not self.answer.done():
            self.answer.set_exception(error)


Send = Callable[[list[Waiting[R, A]]], Awaitable[None]]


class Batcher(Generic[R, A]):
    """Requests sent several per call. `send(group)` makes one call for the group (in arrival order)
    and settles the requests it is done with; those it leaves unsettled stay first in line and go in
    the next call, with the requests that came meanwhile. An error from `send` reaches every caller of
    the group not yet settled.

    Once every caller of the call under way and in line has gone, the call is cancelled: `send` must
    leave nothing behind when cancelled.
    """

    def __init__(self, send: Send[R, A], *, most: int = MOST_AT_ONCE, name: str = "batcher") -> None:
        self._send = send
        self._most = most
        self._name = name
        self._line: deque[Waiting[R, A]] = deque()
        self._group: list[Waiting[R, A]] = []
        self._sender: asyncio.Task[None] | None = None

    async def __call__(self, request: R) -> A:
        waiting: Waiting[R, A] = Waiting(request)
        waiting.answer.add_done_callback(self._gone)
        self._line.append(waiting)
        if self._sender is None:
            self._start()
        return await waiting.answer

    async def idle(self) -> None:
        """Wait until no call is under way and none is waiting to be made."""
        while self._sender is not None:
            await asyncio.wait([self._sender])

    async def aclose(self) -> None:
        """Stop sending: the call under way is cancelled, and so are the requests still in line."""
        sender, self._sender = self._sender, None
        for waiting in chain(self._group, self._line):
            waiting.answer.cancel()
        self._line.clear()
        if sender is not None:
            sender.cancel()
            await asyncio.gather(sender, return_exceptions=True)

    def _start(self) -> None:
        self._sender = asyncio.create_task(self._run(), name=self._name)
        # A callback, not a finally: a task cancelled before its first step runs none of its code.
        self._sender.add_done_callback(self._ended)

    async def _run(self) -> None:
        while True:
            group = [waiting for waiting in self._group if not waiting.settled]
            while self._line and len(group) < self._most:
                waiting = self._line.popleft()
                if not waiting.settled:
                    group.append(waiting)
            self._group = group
            if not group:
                return
            try:
                await self._send(group)
            except Exception as exc:  # each caller sees the error, as if it had sent alone
                for waiting in group:
                    waiting.fail(exc)

    def _ended(self, sender: asyncio.Task[None]) -> None:
        if sender is not self._sender:  # closed
            return
        self._sender = None
        # Requests that came as the call was given up, or (the sender cancelled from outside, as at a
        # loop's shutdown) callers still waiting on it: sent again, rather than left waiting for good.
        if any(not waiting.settled for waiting in chain(self._group, self._line)):
            self._start()

    def _gone(self, answer: asyncio.Future[A]) -> None:
        if not answer.cancelled() or self._sender is None:
            return
        if all(waiting.settled for waiting in chain(self._group, self._line)):
            self._sender.cancel()
