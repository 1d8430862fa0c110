"""Each Chameleon agent's own memory, as typed objects, and the setup of one game."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import StrEnum

from agents import ChatMessage
from games.chameleon.categories import Category
from games.kit.outcome import GameResult
from games.kit.referee import Reprompts
from runtime import Message
from runtime.turns import RollCall, TurnOrder

GAME_NAME = "chameleon"
MODERATOR = "moderator"
PLAYER = "player"  # the one role every seat plays
CHAMELEON = "chameleon"  # the side of the seat the seed deals the chameleon (a cast may give it its own)
INFORMED = "informed"  # the side of the players who know the word
PLAYERS = "players"  # the runtime group of the seats: the moderator's broadcasts go to it
MIN_PLAYERS, MAX_PLAYERS = 3, 8
PASS = "(pass)"  # what everyone hears instead of a clue that broke a rule


class Phase(StrEnum):
    """The game's rounds, in order; `turns` in the result counts the rounds reached."""

    CLUES = "clues"
    VOTES = "votes"
    GUESS = "guess"

    @property
    def number(self) -> int:
        return list(Phase).index(self) + 1


def seat_names(count: int) -> tuple[str, ...]:
    """The seats of a game of `count` players: p1..pN."""
    if not MIN_PLAYERS <= count <= MAX_PLAYERS:
        raise ValueError(f"Chameleon takes {MIN_PLAYERS} to {MAX_PLAYERS} players, got {count}")
    return tuple(f"p{index}" for index in range(1, count + 1))


@dataclass(frozen=True)
class ChameleonSetup:
    """One game: the category, the secret word, the seats, who the chameleon is, who clues first."""

    category: Category
    secret: str
    players: tuple[str, ...]
    chameleon: str
    first: str
    game_id: str = "g1"
    max_reprompts: int = 1
    seed: int = 0

    def __post_init__(self) -> None:
        seat_names(len(self.players))  # checks the count
        if self.secret not in self.category.clues:
            raise ValueError(f"{self.secret!r} is not a word of the category {self.category.name!r}")
        for name, seat in (("chameleon", self.chameleon), ("first", self.first)):
            if seat not in self.players:
                raise ValueError(f"the {name} {seat!r} is not one of the players {self.players}")
        if self.max_reprompts < 0:
            raise ValueError(f"max_reprompts must be 0 or more, got {self.max_reprompts}")

    @classmethod
    def deal(
        cls,
        category: Category,
        secret: str,
        players: tuple[str, ...],
        seed: int,
        *,
        game_id: str = "g1",
        max_reprompts: int = 1,
    ) -> ChameleonSetup:
        """A game whose chameleon and first clue-giver the seed decides."""
        chameleon, first = draw_seats(players, seed)
        return cls(category, secret, players, chameleon, first, game_id, max_reprompts, seed)


def draw_seats(players: tuple[str, ...], seed: int) -> tuple[str, str]:
    """The chameleon and the first clue-giver of the game of `seed` (known before it is played, so that
    the cast can seat the chameleon side's player there)."""
    rng = random.Random(f"chameleon:{seed}")
    chameleon = rng.choice(players)
    first = rng.choice(players)
    return chameleon, first


@dataclass
class PlayerState:
    """What a player has been told and has said. The chameleon's `secret` stays None: it is never told."""

    name: str
    players: tuple[str, ...] = ()
    category: str = ""
    secret: str | None = None
    chameleon: bool = False
    dealt: str = ""  # the moderator's deal, as told: the first question repeats it
    phase: Phase = Phase.CLUES
    clues: list[tuple[str, str]] = field(default_factory=list)  # (player, clue) as everyone heard them
    reveal: str = ""  # the moderator's announcement of the votes
    asked: Message | None = None  # the moderator's question waiting for this player's answer
    conversation: list[ChatMessage] = field(default_factory=list)  # user/assistant turns, no system


@dataclass
class ModeratorState:
    """The moderator's book: the phase, whose clue is due, the votes, re-prompts used per player, the
    result."""

    setup: ChameleonSetup
    phase: Phase = Phase.CLUES
    clues: list[tuple[str, str]] = field(default_factory=list)
    result: GameResult | None = None
    reprompts: Reprompts = field(init=False)
    turns: TurnOrder = field(init=False)
    votes: RollCall[str] = field(init=False)

    def __post_init__(self) -> None:
        self.reprompts = Reprompts(self.setup.max_reprompts)
        self.turns = TurnOrder(self.setup.players, first=self.setup.first)
        self.votes = RollCall(self.setup.players)

    @property
    def game_id(self) -> str:
        return self.setup.game_id

    @property
    def subject(self) -> str:
        return self.setup.secret

    @property
    def turn(self) -> int:
        """The rounds reached, as the result counts them."""
        return self.phase.number

    def expecting(self) -> tuple[str, ...]:
        """Who should write to the moderator next."""
        if self.phase is Phase.CLUES:
            return (self.turns.current,) if self.turns.current else ()
        if self.phase is Phase.VOTES:
            return self.votes.waiting
        return (self.setup.chameleon,)
