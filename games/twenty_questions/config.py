"""Twenty Questions' own settings, one per flag of the game, as the command line gives them and a log
records them."""

from __future__ import annotations

from dataclasses import dataclass

from games.kit.arguments import DEFAULT_REPROMPTS
from games.kit.config import GameConfig, setting
from games.twenty_questions.state import DEFAULT_QUESTIONS


@dataclass(frozen=True)
class TwentyQuestionsConfig(GameConfig):
    thing: str | None = None  # --thing NAME: every game plays that thing
    things: str | None = None  # --things PATH; None: the shipped knowledge base
    questions: int = setting(DEFAULT_QUESTIONS, minimum=1)
    reprompts: int = setting(DEFAULT_REPROMPTS, minimum=0)
