"""What a Taboo rule set decides, behind one interface the referee and the game call: how a reply is
read and judged, what each player is sent, how many re-prompts a malformed reply gets, how a game is
scored, and how the players put their model's requests together.

Two rule sets exist (games.taboo.rulesets.rule_set): `strict`, this project's referee, and
`clembench`, clembench's Taboo exactly. docs/taboo-rules.md describes both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from agents import AgentModel
from games.kit.outcome import GameResult
from games.taboo.rules import Violation
from games.taboo.state import TabooSetup
from runtime import AsyncFlow


@dataclass(frozen=True)
class ClueRuling:
    """A rule set's verdict on the hinter's reply.

    Malformed when `problem` is set (what the hinter is told); broken when `violation` is set;
    otherwise approved. `said` is the clue as the log records it, `clue` the clue as the players'
    memories keep it, `forward` what the guesser is sent (the game's opening comes before it, where
    the rule set has one). `details` are more fields for `rule_violation`."""

    said: str
    problem: str | None = None
    violation: Violation | None = None
    clue: str = ""
    forward: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GuessRuling:
    """A rule set's verdict on the guesser's reply: malformed when `problem` is set; else the guess
    as logged (`said`), whether it is right, and what the hinter is sent after a wrong one."""

    said: str
    problem: str | None = None
    correct: bool = False
    forward: str = ""


class RuleSet(Protocol):
    """One rule set of Taboo."""

    name: str

    def reprompts(self, configured: int) -> int:
        """Re-prompts a malformed reply gets (`configured`: --reprompts)."""
        ...

    def opening(self, setup: TabooSetup) -> str:
        """The text of the hinter's first message (its body is the card)."""
        ...

    def judge_clue(self, reply: str, setup: TabooSetup) -> ClueRuling: ...

    def judge_guess(self, reply: str, setup: TabooSetup) -> GuessRuling: ...

    def to_guesser(self, forward: str, turn: int, setup: TabooSetup) -> str:
        """What the guesser is sent on `turn` for an approved clue (`forward`: the ruling's)."""
        ...

    def scored(self, result: GameResult) -> GameResult:
        """The game's result with this rule set's score (and its own episode scores, if it has any)."""
        ...

    def player_flow(self, role: str, model: AgentModel, system_template: str) -> AsyncFlow:
        """A player's agent: how it turns the referee's messages into its model's requests."""
        ...
