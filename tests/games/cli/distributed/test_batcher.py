"""The Batcher on its own (no server): requests that come while a call is under way go together in the
next, in arrival order; a lone request goes at once; errors reach the whole group; callers that leave
are left out, and a call none of whose callers is left is given up."""

from __future__ import annotations

import asyncio

import pytest

from games.cli.distributed.batcher import Batcher, Waiting

DEADLINE_S = 5.0


class Server:
    """A send that records each group it is given and answers each request with its double. While `go`
    is cleared, each call waits for it after it started (`called`)."""

    def __init__(self, settle_first_only: bool = False) -> None:
        self.groups: list[list[int]] = []
        self.go, self.called = asyncio.Event(), asyncio.Event()
        self.go.set()
        self.given_up = 0
        self.failing: set[int] = set()  # a group holding one of these raises
        self._first_only = settle_first_only

    async def __call__(self, group: list[Waiting[int, int]]) -> None:
        self.groups.append([waiting.request for waiting in group])
        self.called.set()
        try:
            await self.go.wait()
        except asyncio.CancelledError:
            self.given_up += 1
            raise
        if self.failing & set(self.groups[-1]):
            raise ConnectionError("the server went away")
        for waiting in group[:1] if self._first_only else group:
            waiting.settle(waiting.request * 2)


async def in_line(batcher: Batcher[int, int], *requests: int) -> list[asyncio.Task[int]]:
    """A caller for each of `requests`, returned once each has taken its place in line."""
    lined_up = [asyncio.Event() for _ in requests]

    async def call(request: int, lined: asyncio.Event) -> int:
        answer = batcher(request)
        lined.set()  # the request is in line before this task next lets another run
        return await answer

    callers = [asyncio.create_task(call(r, lined)) for r, lined in zip(requests, lined_up, strict=True)]
    for lined in lined_up:
        await lined.wait()
    return callers


async def test_a_lone_request_goes_at_once_in_a_call_of_its_own():
    server = Server()
    batcher = Batcher(server)
    async with asyncio.timeout(DEADLINE_S):
        assert await batcher(1) == 2
        assert await batcher(2) == 4
    assert server.groups == [[1], [2]]


async def test_requests_that_come_during_a_call_go_together_in_the_next_in_arrival_order():
    server = Server()
    batcher = Batcher(server)
    server.go.clear()
    async with asyncio.timeout(DEADLINE_S):
        first = asyncio.create_task(batcher(1))
        await server.called.wait()
        later = await in_line(batcher, 2, 3, 4)
        server.go.set()
        assert await asyncio.gather(first, *later) == [2, 4, 6, 8]
    assert server.groups == [[1], [2, 3, 4]]


async def test_a_call_takes_at_most_its_share_and_the_rest_go_next():
    server = Server()
    batcher = Batcher(server, most=2)
    async with asyncio.timeout(DEADLINE_S):
        assert await asyncio.gather(*(batcher(n) for n in range(1, 6))) == [2, 4, 6, 8, 10]
    assert server.groups == [[1, 2], [3, 4], [5]]


async def test_requests_a_call_leaves_unsettled_go_first_in_the_next():
    server = Server(settle_first_only=True)
    batcher = Batcher(server)
    server.go.clear()
    async with asyncio.timeout(DEADLINE_S):
        callers = [asyncio.create_task(batcher(n)) for n in (1, 2, 3)]
        await server.called.wait()
        [late] = await in_line(batcher, 4)
        server.go.set()
        assert await asyncio.gather(*callers, late) == [2, 4, 6, 8]
    assert server.groups == [[1, 2, 3], [2, 3, 4], [3, 4], [4]]


async def test_an_error_reaches_every_caller_of_its_group_and_no_other():
    server = Server()
    server.failing = {2}
    batcher = Batcher(server)
    server.go.clear()
    async with asyncio.timeout(DEADLINE_S):
        first = asyncio.create_task(batcher(1))
        await server.called.wait()
        group = await in_line(batcher, 2, 3)
        server.go.set()
        assert await first == 2
        for caller in group:
            with pytest.raises(ConnectionError):
                await caller
        assert await batcher(4) == 8
    assert server.groups == [[1], [2, 3], [4]]


async def test_callers_gone_before_their_call_are_left_out():
    server = Server()
    batcher = Batcher(server)
    server.go.clear()
    async with asyncio.timeout(DEADLINE_S):
        first = asyncio.create_task(batcher(1))
        await server.called.wait()
        leaving, staying = await in_line(batcher, 2, 3)
        leaving.cancel()
        server.go.set()
        assert (await first, await staying) == (2, 6)
    assert leaving.cancelled()
    assert server.groups == [[1], [3]]


async def test_a_call_whose_callers_all_left_is_given_up_and_the_next_request_goes():
    server = Server()
    batcher = Batcher(server)
    server.go.clear()
    async with asyncio.timeout(DEADLINE_S):
        caller = asyncio.create_task(batcher(1))
        await server.called.wait()
        caller.cancel()
        await batcher.idle()
        assert server.given_up == 1
        server.go.set()
        assert await batcher(2) == 4
    assert server.groups == [[1], [2]]


async def test_a_closed_batcher_cancels_its_callers():
    server = Server()
    batcher = Batcher(server)
    server.go.clear()
    async with asyncio.timeout(DEADLINE_S):
        first = asyncio.create_task(batcher(1))
        await server.called.wait()
        [second] = await in_line(batcher, 2)
        await batcher.aclose()
        for caller in (first, second):
            with pytest.raises(asyncio.CancelledError):
                await caller
    assert server.given_up == 1


async def test_a_call_cancelled_from_outside_is_made_again_for_its_callers():
    """Nothing of the Batcher's cancels its call while a caller waits on it; should something else (a
    loop cancelling every task), the callers still get their answers instead of waiting for good."""
    server = Server()
    batcher = Batcher(server, name="batcher-under-test")
    server.go.clear()
    async with asyncio.timeout(DEADLINE_S):
        caller = asyncio.create_task(batcher(1))
        await server.called.wait()
        [sender] = [task for task in asyncio.all_tasks() if task.get_name() == "batcher-under-test"]
        sender.cancel()
        await asyncio.wait([sender])
        server.go.set()
        assert await caller == 2
    assert server.given_up == 1
    assert server.groups == [[1], [1]]
