"""Each Twenty Questions agent's own memory, as typed objects: nodes hold settings, state lives here."""

from __future__ import annotations

from dataclasses import dataclass, field

from agents import ChatMessage
from games.kit.outcome import GameResult
from games.kit.referee import Reprompts
from games.twenty_questions.knowledge import Thing

QUESTIONER = "questioner"
ANSWERER = "answerer"
REFEREE = "referee"
ROLES = (QUESTIONER, ANSWERER)
DEFAULT_QUESTIONS = 20


@dataclass(frozen=True)
class Exchange:
    """One answered question."""

    question: str
    answer: str  # yes, no or unknown


@dataclass(frozen=True)
class TwentyQuestionsSetup:
    """One game's settings: the secret thing, how many questions, how many re-prompts per reply."""

    thing: Thing
    game_id: str = "g1"
    questions: int = DEFAULT_QUESTIONS
    max_reprompts: int = 1
    seed: int = 0

    def __post_init__(self) -> None:
        if self.questions < 1:
            raise ValueError(f"questions must be at least 1, got {self.questions}")
        if self.max_reprompts < 0:
            raise ValueError(f"max_reprompts must be 0 or more, got {self.max_reprompts}")


@dataclass
class PlayerState:
    """What a player has seen and said. The questioner's `thing` stays None: it never sees the secret;
    the answerer's `exchanges` and `guesses` stay empty: it only ever sees questions."""

    role: str
    questions: int
    turn: int = 1
    thing: str | None = None
    question: str = ""  # the answerer's pending question
    exchanges: list[Exchange] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)  # the questioner's wrong guesses
    conversation: list[ChatMessage] = field(default_factory=list)  # user/assistant turns, no system


@dataclass
class RefereeState:
    """The referee's book: the turn (questions used so far + 1), re-prompts used per player, the
    pending question, what was asked and answered, and the result."""

    setup: TwentyQuestionsSetup
    turn: int = 1
    reprompts: Reprompts = field(init=False)
    question: str = ""
    exchanges: list[Exchange] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)
    result: GameResult | None = None

    def __post_init__(self) -> None:
        self.reprompts = Reprompts(self.setup.max_reprompts)

    @property
    def last_turn(self) -> bool:
        return self.turn >= self.setup.questions

    @property
    def game_id(self) -> str:
        return self.setup.game_id

    @property
    def subject(self) -> str:
        return self.setup.thing.name
