"""Errors raised by the runtime, each named after its cause."""

from __future__ import annotations

from collections.abc import Iterable


class RuntimeErrorBase(Exception):
    """Base of every error the runtime raises on purpose."""


class MailboxClosed(RuntimeErrorBase):
    """The mailbox was closed (the run is ending); nothing more can be put into it or taken from it."""

    def __init__(self, owner: str) -> None:
        super().__init__(f"the mailbox of {owner!r} is closed")
        self.owner = owner


class ReceiveTimeout(RuntimeErrorBase):
    """An agent waited longer than its receive timeout for a message."""

    def __init__(self, owner: str, seconds: float) -> None:
        super().__init__(f"{owner!r} waited more than {seconds:g}s for a message")
        self.owner = owner
        self.seconds = seconds


class UnknownAgent(RuntimeErrorBase):
    """A message was addressed to a name that no agent has."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        names = ", ".join(sorted(known)) or "none"
        super().__init__(f"no agent named {name!r}; the agents are: {names}")
        self.name = name


class UnknownGroup(RuntimeErrorBase):
    """A broadcast was addressed to a group that no agent has joined."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        names = ", ".join(sorted(known)) or "none"
        super().__init__(f"no group named {name!r}; the groups are: {names}")
        self.name = name


class DuplicateAgent(RuntimeErrorBase):
    """Two agents were registered under one name."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        names = ", ".join(sorted(known))
        super().__init__(f"an agent named {name!r} is already registered; the agents are: {names}")
        self.name = name


class NotInAgent(RuntimeErrorBase):
    """Agent-only calls (receive, send, stop) were made outside an agent flow run by a Runtime."""

    def __init__(self) -> None:
        super().__init__("this call needs an agent: run the flow with Runtime.add() and Runtime.run()")


class RunLogError(RuntimeErrorBase):
    """The run log cannot be opened or written."""


class LogWriteError(RuntimeErrorBase):
    """The run log could not be written (a full disk, an I/O error): the run must end (exit 1).

    Not a RunLogError, which is a usage problem found before the run (exit 2). The lines written before
    stay whole; nothing more is written.
    """

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"cannot write the run log {path}: {reason}")
        self.path = path
        self.reason = reason
