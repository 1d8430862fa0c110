"""Who acts when, for agents that coordinate others: a round-robin turn order, and a roll call that
collects one answer from each of several agents in whatever order they arrive.

Both are plain bookkeeping (no I/O): an agent keeps one in its state and asks it whom to address next,
or whom it still waits on (handy as `receive(expecting=...)`, so a deadlock report names them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class TurnOrder:
    """Agents take turns round-robin, starting with `first`, for `rounds` rounds (None: no end)."""

    def __init__(self, agents: Sequence[str], *, first: str | None = None, rounds: int | None = 1) -> None:
        if not agents:
            raise ValueError("a turn order needs at least one agent")
        if len(set(agents)) != len(agents):
            raise ValueError(f"an agent appears twice in the turn order: {list(agents)}")
        if rounds is not None and rounds < 1:
            raise ValueError(f"rounds must be at least 1 (or None for no end), got {rounds}")
        if first is not None and first not in agents:
            raise ValueError(f"{first!r} is not one of the agents: {', '.join(agents)}")
        start = agents.index(first) if first is not None else 0
        self.order: tuple[str, ...] = (*agents[start:], *agents[:start])  # one round, from `first`
        self.rounds = rounds
        self.taken = 0  # turns finished so far

    @property
    def round(self) -> int:
        """The round the current turn belongs to, from 1."""
        return self.taken // len(self.order) + 1

    @property
    def done(self) -> bool:
        return self.rounds is not None and self.taken >= self.rounds * len(self.order)

    @property
    def current(self) -> str | None:
        """Whose turn it is, or None once every round is over."""
        return None if self.done else self.order[self.taken % len(self.order)]

    def advance(self) -> str | None:
        """End the current turn; return whose turn it is now (None when the last round is over)."""
        if self.done:
            raise RuntimeError("the turn order is over: every round has been played")
        self.taken += 1
        return self.current


class RollCall(Generic[T]):
    """One answer from each of `agents`, arriving in any order; answers are kept in the agents' order."""

    def __init__(self, agents: Iterable[str]) -> None:
        self.agents: tuple[str, ...] = tuple(agents)
        if len(set(self.agents)) != len(self.agents):
            raise ValueError(f"an agent appears twice in the roll call: {list(self.agents)}")
        self._answers: dict[str, T] = {}

    def expects(self, agent: str) -> bool:
        """True while `agent` is called and has not answered."""
        return agent in self.agents and agent not in self._answers

    def answer(self, agent: str, value: T) -> None:
        """Record `agent`'s answer; ValueError if it is not called or has answered already."""
        if agent not in self.agents:
            raise ValueError(f"{agent!r} is not in the roll call: {', '.join(self.agents)}")
        if agent in self._answers:
            raise ValueError(f"{agent!r} has answered already")
        self._answers[agent] = value

    @property
    def waiting(self) -> tuple[str, ...]:
        """The agents that have not answered yet, in order."""
        return tuple(agent for agent in self.agents if agent not in self._answers)

    @property
    def complete(self) -> bool:
        return not self.waiting

    @property
    def answers(self) -> dict[str, T]:
        """The answers so far, in the agents' order."""
        return {agent: self._answers[agent] for agent in self.agents if agent in self._answers}
