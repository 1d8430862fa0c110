"""Each Taboo agent's own memory, as typed objects: nodes hold settings, state lives here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from agents import ChatMessage
from games.kit.outcome import GameResult
from games.kit.referee import Reprompts
from games.taboo.deck import Card

if TYPE_CHECKING:
    from games.taboo.clembench.instances import Instance
    from games.taboo.rulesets.base import RuleSet  # whose modules import this one

HINTER = "hinter"
GUESSER = "guesser"
REFEREE = "referee"
ROLES = (HINTER, GUESSER)


@dataclass(frozen=True)
class TabooSetup:
    """One game's settings: the card, how many turns, how many re-prompts for a malformed reply, the
    rule set (one of games.taboo.rulesets.RULE_SET_NAMES) and the clembench instance played, if any."""

    card: Card
    game_id: str = "g1"
    turns: int = 5
    max_reprompts: int = 1
    seed: int = 0
    rules: str = "strict"
    instance: Instance | None = None

    def __post_init__(self) -> None:
        if self.turns < 1:
            raise ValueError(f"turns must be at least 1, got {self.turns}")
        if self.max_reprompts < 0:
            raise ValueError(f"max_reprompts must be 0 or more, got {self.max_reprompts}")


@dataclass
class PlayerState:
    """What a player has seen and said. The guesser's `card` stays None: it never sees the card."""

    role: str
    turns: int
    card: Card | None = None
    clues: list[str] = field(default_factory=list)  # approved clues (the guesser's view too)
    guesses: list[str] = field(default_factory=list)  # the guesser's guesses, all wrong so far
    conversation: list[ChatMessage] = field(default_factory=list)  # user/assistant turns, no system

    @property
    def turn(self) -> int:
        return len(self.guesses) + 1


@dataclass
class RefereeState:
    """The referee's book: the card, the rule set, the turn, re-prompts used per player, the result."""

    setup: TabooSetup
    rules: RuleSet
    turn: int = 1
    reprompts: Reprompts = field(init=False)
    clues: list[str] = field(default_factory=list)
    last_wrong_guess: str | None = None
    result: GameResult | None = None

    def __post_init__(self) -> None:
        self.reprompts = Reprompts(self.rules.reprompts(self.setup.max_reprompts))

    @property
    def game_id(self) -> str:
        return self.setup.game_id

    @property
    def subject(self) -> str:
        return self.setup.card.target
