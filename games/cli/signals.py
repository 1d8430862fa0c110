"""SIGTERM and SIGHUP end a command as Ctrl-C does: the command is cancelled (its run prints its
summary and closes its log with `run_ended` status interrupted), then `Terminated` is raised, as
asyncio.run raises KeyboardInterrupt after a Ctrl-C. The exit code is 128 + the signal's number."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Terminated(BaseException):
    """The command was stopped by a signal (SIGTERM or SIGHUP) and has wound down."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


async def until_stopped(command: Awaitable[int]) -> int:
    """Await `command` (from the main task); SIGTERM or SIGHUP cancel it, then raise Terminated."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    received: list[int] = []

    def stop(signum: int) -> None:
        if not received:  # the first signal stops the command; the others wait for it to wind down
            received.append(signum)
            task.cancel()

    installed = []
    for signum in STOP_SIGNALS:
        try:
            loop.add_signal_handler(signum, stop, signum)
        except (ValueError, RuntimeError, NotImplementedError):
            continue  # not the main thread, or a platform without signal handlers
        installed.append(signum)
    try:
        return await command
    except asyncio.CancelledError:
        if received and task.uncancel() == 0:  # cancelled by the signal, and by nothing else
            raise Terminated(received[0]) from None
        raise
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)
