"""A worker's results on their way to the server, handed in together: the games that end close together
go in one round trip (one SUBMIT call for all of them), instead of one round trip each.

A result waits at most `pace_s` for others to join it, and not at all when the worker plays nothing else
(a game alone is not held back). While one call is under way, the results that end meanwhile gather for
the next.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial

from games.cli.distributed.scripts import DeliverySteps, HandIn
from games.cli.distributed.server import patiently
from runtime.clock import Clock

PACE_S = 0.02  # how long a result may wait for others that end soon after it
MOST_AT_ONCE = 64  # results in one call at most (one call's reply is one payload per game)


class HandIns:
    """Hand in results, several per round trip. `busy()` says whether the worker plays other games."""

    def __init__(
        self,
        steps: DeliverySteps,
        clock: Clock,
        busy: Callable[[], bool],
        patience_s: float,
        pace_s: float = PACE_S,
    ) -> None:
        self._steps = steps
        self._clock = clock
        self._busy = busy
        self._patience_s = patience_s
        self._pace_s = pace_s
        self._waiting: list[tuple[HandIn, asyncio.Future[bool]]] = []
        self._sender: asyncio.Task[None] | None = None

    async def submit(self, hand_in: HandIn) -> bool:
        """True once the server accepted the result; False when it refused it (another delivery holds
        the game, or its result is in already). A server out of reach past the patience raises."""
        answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((hand_in, answer))
        if self._sender is None or self._sender.done():
            self._sender = asyncio.create_task(self._send(), name="worker:hand-in")
        return await answer

    async def _send(self) -> None:
        while self._waiting:
            if self._busy() and len(self._waiting) < MOST_AT_ONCE:
                await self._clock.sleep(self._pace_s)  # let the games that end meanwhile come along
            going, self._waiting = self._waiting[:MOST_AT_ONCE], self._waiting[MOST_AT_ONCE:]
            going = [(hand_in, answer) for hand_in, answer in going if not answer.cancelled()]
            if not going:
                continue
            try:
                accepted = await patiently(
                    partial(self._steps.submit_all, [hand_in for hand_in, _ in going]), self._patience_s
                )
            except asyncio.CancelledError:
                for _, answer in going:
                    answer.cancel()
                raise
            except Exception as exc:  # each waiting delivery sees the error, as if it had sent alone
                for _, answer in going:
                    if not answer.done():
                        answer.set_exception(exc)
                continue
            for (_, answer), verdict in zip(going, accepted, strict=True):
                if not answer.done():
                    answer.set_result(verdict)

    async def aclose(self) -> None:
        """Stop sending: results still waiting are not handed in (their leases run out, or the worker
        hands their games back)."""
        if self._sender is not None:
            self._sender.cancel()
            await asyncio.gather(self._sender, return_exceptions=True)
        for _, answer in self._waiting:
            answer.cancel()
        self._waiting.clear()
