"""SIGTERM and SIGHUP end a command as Ctrl-C does: the command is cancelled (its run prints its
summary and closes its log with `run_ended` status interrupted), then `Terminated` is raised, as
asyncio.run raises KeyboardInterrupt after a Ctrl-C. The exit code is 128 + the signal's number."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
# A command still winding down this long after a stop signal is cancelled again (and again, as often): a
# cancellation that a library swallowed (seen once in a Redis client's read) must not keep it running.
STOP_PATIENCE_S = 5.0


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


async def until_stopped(command: Awaitable[int], patience_s: float = STOP_PATIENCE_S) -> int:
    """Await `command` (from the main task); SIGTERM or SIGHUP cancel it, then raise Terminated. A command
    that has not ended `patience_s` after the signal is cancelled again, every `patience_s`."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    received: list[int] = []
    cancels = 0
    again: asyncio.TimerHandle | None = None

    def cancel() -> None:
        nonlocal cancels, again
        cancels += 1
        task.cancel()
        again = loop.call_later(patience_s, cancel)

    def stop(signum: int) -> None:
        if not received:  # the first signal stops the command; the others wait for it to wind down
            received.append(signum)
            cancel()

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
        if received:
            left = task.cancelling()
            for _ in range(cancels):
                left = task.uncancel()
            if left == 0:  # cancelled by the signal, and by nothing else
                raise Terminated(received[0]) from None
        raise
    finally:
        if again is not None:
            again.cancel()
        for signum in installed:
            loop.remove_signal_handler(signum)
