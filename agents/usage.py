"""Token accounting: every call's usage, summed per agent, per game and for the whole run."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from agents.chat import Usage


@dataclass(frozen=True)
class UsageTotals:
    """A sum of calls: `estimated_calls` of them had no usage from the server."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated_calls: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def estimated(self) -> bool:
        return self.estimated_calls > 0

    def add(self, usage: Usage) -> UsageTotals:
        return UsageTotals(
            calls=self.calls + 1,
            prompt_tokens=self.prompt_tokens + usage.prompt_tokens,
            completion_tokens=self.completion_tokens + usage.completion_tokens,
            estimated_calls=self.estimated_calls + (1 if usage.estimated else 0),
        )

    def __add__(self, other: UsageTotals) -> UsageTotals:
        return UsageTotals(
            calls=self.calls + other.calls,
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            estimated_calls=self.estimated_calls + other.estimated_calls,
        )

    def as_dict(self) -> dict[str, int | bool]:
        return {
            "calls": self.calls,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.total_tokens,
            "estimated_calls": self.estimated_calls,
        }


class UsageLedger:
    """Usage keyed by (game_id, agent). An agent's name is summed across games unless a game is given."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str | None, str], UsageTotals] = defaultdict(UsageTotals)

    def record(self, agent: str, game_id: str | None, usage: Usage) -> None:
        key = (game_id, agent)
        self._entries[key] = self._entries[key].add(usage)

    def agent(self, agent: str, game_id: str | None = None) -> UsageTotals:
        """One agent's usage: in one game, or across all games when `game_id` is None."""
        return _sum(
            totals
            for (game, name), totals in self._entries.items()
            if name == agent and (game_id is None or game == game_id)
        )

    def game(self, game_id: str | None) -> UsageTotals:
        return _sum(totals for (game, _), totals in self._entries.items() if game == game_id)

    @property
    def run(self) -> UsageTotals:
        return _sum(self._entries.values())

    def by_agent(self) -> dict[str, UsageTotals]:
        result: dict[str, UsageTotals] = defaultdict(UsageTotals)
        for (_, agent), totals in self._entries.items():
            result[agent] = result[agent] + totals
        return dict(result)

    def by_game(self) -> dict[str | None, UsageTotals]:
        result: dict[str | None, UsageTotals] = defaultdict(UsageTotals)
        for (game, _), totals in self._entries.items():
            result[game] = result[game] + totals
        return dict(result)


def _sum(items: Iterable[UsageTotals]) -> UsageTotals:
    total = UsageTotals()
    for totals in items:
        total = total + totals
    return total
