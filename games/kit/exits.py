"""Exit codes scripts can trust (CONTRACT.md), and the one error type that means "your input is wrong"."""

from __future__ import annotations

OK = 0  # the run completed, whatever the game's outcome
FAILED = 1  # model unreachable after retries, an agent crashed, a rerun diverged
USAGE = 2  # a bad flag, persona, deck or log file
INTERRUPTED = 130  # Ctrl-C; the log was closed properly


class UsageError(Exception):
    """A mistake in what the user gave us: printed as one line, exit code 2, no traceback."""
