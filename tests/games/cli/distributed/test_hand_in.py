"""A worker's results go to the server together: those that end while other games play wait (at most the
pace) for company and share one call; a result with no other game in play goes at once."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from games.cli.distributed.hand_in import PACE_S, HandIns
from games.cli.distributed.scripts import HandIn
from runtime.clock import FakeClock

DEADLINE_S = 10.0


class Steps:
    """SUBMIT as a worker's DeliverySteps makes it: each call recorded; games named "taken-over" are
    refused, as the fence refuses them."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.sent = asyncio.Event()

    async def submit_all(self, hand_ins: Sequence[HandIn]) -> list[bool]:
        self.calls.append([hand_in.game_id for hand_in in hand_ins])
        self.sent.set()
        return [hand_in.game_id != "taken-over" for hand_in in hand_ins]


def hand_in(game_id: str) -> HandIn:
    return HandIn("b1", game_id, "e:1", f"entry-{game_id}", b"{}")


async def test_results_that_end_close_together_share_one_call_and_each_gets_its_answer() -> None:
    clock, steps = FakeClock(), Steps()
    hand_ins = HandIns(steps, clock, busy=lambda: True, patience_s=5.0)  # type: ignore[arg-type]
    async with asyncio.timeout(DEADLINE_S):
        first = asyncio.create_task(hand_ins.submit(hand_in("g1")))
        await asyncio.sleep(0)
        others = [asyncio.create_task(hand_ins.submit(hand_in(game))) for game in ("g2", "taken-over")]
        await asyncio.sleep(0)
        assert steps.calls == []  # waiting for the games that end soon after
        clock.advance(PACE_S)
        assert await asyncio.gather(first, *others) == [True, True, False]
    assert steps.calls == [["g1", "g2", "taken-over"]]


async def test_a_result_with_no_other_game_in_play_goes_at_once() -> None:
    clock, steps = FakeClock(), Steps()
    hand_ins = HandIns(steps, clock, busy=lambda: False, patience_s=5.0)  # type: ignore[arg-type]
    async with asyncio.timeout(DEADLINE_S):
        assert await hand_ins.submit(hand_in("g1")) is True  # no time passes on the fake clock
    assert steps.calls == [["g1"]]


async def test_closing_drops_the_results_still_waiting() -> None:
    clock, steps = FakeClock(), Steps()
    hand_ins = HandIns(steps, clock, busy=lambda: True, patience_s=5.0)  # type: ignore[arg-type]
    async with asyncio.timeout(DEADLINE_S):
        waiting = asyncio.create_task(hand_ins.submit(hand_in("g1")))
        await asyncio.sleep(0)
        await hand_ins.aclose()
        await asyncio.gather(waiting, return_exceptions=True)
    assert waiting.cancelled()
    assert steps.calls == []
