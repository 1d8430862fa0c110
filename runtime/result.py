"""How a run ended: a typed status and its reason, never a magic string in a message."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class RunStatus(StrEnum):
    """Every way a run can end."""

    DONE = "done"  # every agent flow finished by itself
    STOPPED = "stopped"  # an agent ended the run for everyone
    FAILED = "failed"  # an agent raised
    TIMEOUT = "timeout"  # the run deadline or a receive timeout passed
    DEADLOCK = "deadlock"  # every live agent waits on an empty mailbox, nothing in flight
    INTERRUPTED = "interrupted"  # Ctrl-C, or Runtime.interrupt()

    @property
    def ok(self) -> bool:
        """True for the endings a run is meant to have."""
        return self in (RunStatus.DONE, RunStatus.STOPPED)

    @property
    def log_status(self) -> str:
        """The `status` of the run log's `run_ended` event (see docs/log-format.md)."""
        return _LOG_STATUS[self]


_LOG_STATUS = {
    RunStatus.DONE: "ok",
    RunStatus.STOPPED: "ok",
    RunStatus.FAILED: "error",
    RunStatus.TIMEOUT: "timeout",
    RunStatus.DEADLOCK: "deadlock",
    RunStatus.INTERRUPTED: "interrupted",
}


@dataclass(frozen=True)
class RunResult:
    """The outcome of `Runtime.run()`.

    `agent` names the agent that stopped or broke the run; `error` keeps the original exception of a
    failed run; `waits` maps each waiting agent to the agents it waits on, for a deadlock.
    """

    status: RunStatus
    reason: str
    duration_s: float
    agent: str | None = None
    error: BaseException | None = None
    waits: dict[str, tuple[str, ...]] = field(default_factory=dict)
    messages: int = 0

    @property
    def ok(self) -> bool:
        return self.status.ok
