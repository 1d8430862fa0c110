"""until_stopped: SIGTERM and SIGHUP cancel the command, which winds down, then Terminated is raised."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from games.cli.signals import Terminated, until_stopped


async def wind_down_after(signum: int, cleaned: list[str]) -> int:
    """A command that signals its own process, waits to be cancelled and cleans up."""
    os.kill(os.getpid(), signum)
    try:
        await asyncio.Event().wait()
    finally:
        cleaned.append("log closed")
    return 0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_stop_signal_cancels_the_command_then_raises_terminated(signum: int) -> None:
    """The command's cleanup runs, then Terminated carries the signal and the exit code 128 + N."""
    cleaned: list[str] = []
    with pytest.raises(Terminated) as stopped:
        asyncio.run(until_stopped(wind_down_after(signum, cleaned)))
    assert cleaned == ["log closed"]
    assert stopped.value.exit_code == 128 + signum
    assert stopped.value.name == signal.Signals(signum).name


def test_the_handlers_are_removed_when_the_command_ends() -> None:
    """After the command, SIGTERM and SIGHUP end the process again by default."""
    assert asyncio.run(until_stopped(asyncio.sleep(0, result=7))) == 7
    assert signal.getsignal(signal.SIGTERM) == signal.getsignal(signal.SIGHUP) == signal.SIG_DFL


def test_a_cancellation_from_elsewhere_stays_a_cancellation() -> None:
    """A command cancelled by something other than a signal is not reported as Terminated."""

    async def cancelled_by_its_own_code() -> int:
        asyncio.current_task().cancel()
        await asyncio.sleep(0)
        return 0

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(until_stopped(cancelled_by_its_own_code()))


async def swallow_one_cancellation(signum: int, cleaned: list[str]) -> int:
    """A command whose library code swallows the cancellation the signal brings, then waits on."""
    os.kill(os.getpid(), signum)
    try:
        await asyncio.Event().wait()
    except asyncio.CancelledError:
        pass  # swallowed: without a second cancellation this command would wait forever
    try:
        await asyncio.Event().wait()
    finally:
        cleaned.append("log closed")
    return 0


def test_a_command_that_swallows_the_cancellation_is_cancelled_again() -> None:
    """The command still winding down after the patience is cancelled again; the run ends as a stop."""
    cleaned: list[str] = []
    with pytest.raises(Terminated) as stopped:
        asyncio.run(until_stopped(swallow_one_cancellation(signal.SIGTERM, cleaned), patience_s=0.01))
    assert cleaned == ["log closed"]
    assert stopped.value.exit_code == 143


def test_a_command_that_winds_down_in_time_is_cancelled_once() -> None:
    """The second cancellation is only for a command that did not end: one that did is not touched."""
    cancelled: list[int] = []

    async def winds_down() -> int:
        os.kill(os.getpid(), signal.SIGTERM)
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(1)
            raise
        return 0

    with pytest.raises(Terminated):
        asyncio.run(until_stopped(winds_down(), patience_s=0.01))
    assert cancelled == [1]
