"""The hook the common command line, batches, personas, replay and rerun use: `GAME`, Twenty
Questions' `games.kit.definition.GameDefinition`."""

from __future__ import annotations

import argparse
import dataclasses
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents import OfflineModel
from games.kit.arguments import add_reprompts_flag, positive_int
from games.kit.definition import GameSpec, Player, Policy, Role, Seat
from games.kit.exits import UsageError
from games.kit.outcome import GameResult
from games.twenty_questions.config import TwentyQuestionsConfig
from games.twenty_questions.events import OFFICIALS, TWENTY_QUESTIONS_EVENTS
from games.twenty_questions.game import GAME as NAME
from games.twenty_questions.game import play_twenty_questions
from games.twenty_questions.knowledge import DEFAULT_THINGS_PATH, Knowledge, KnowledgeError, load_knowledge
from games.twenty_questions.offline import AnswererStyle, QuestionerStyle, offline_policy
from games.twenty_questions.prompts import (
    ANSWERER_PLACEHOLDERS,
    DEFAULT_PROMPTS,
    QUESTIONER_PLACEHOLDERS,
    prompt_values,
)
from games.twenty_questions.replies import person_move
from games.twenty_questions.state import ANSWERER, DEFAULT_QUESTIONS, QUESTIONER, TwentyQuestionsSetup
from runtime.events import EventLog

__all__ = ["GAME", "TwentyQuestions", "TwentyQuestionsPlan"]

EXAMPLE_THING = "bicycle"


@dataclass(frozen=True)
class TwentyQuestionsPlan:
    """A knowledge base loaded and the flags checked: ready to play many games."""

    knowledge: Knowledge
    subjects: tuple[str, ...]  # the things a batch deals
    settings: TwentyQuestionsConfig = TwentyQuestionsConfig()
    fixed_subject: str | None = None  # --thing: every game plays this thing

    @property
    def config(self) -> Mapping[str, Any]:
        return self.settings.to_json()

    def seats(self) -> Sequence[Seat]:
        return (Seat(QUESTIONER, QUESTIONER), Seat(ANSWERER, ANSWERER))

    def offline_policy(self, seat: Seat, seed: int, knobs: Any) -> Policy:
        """The built-in player for `seat`; `knobs` is the role's style (or a mapping of its fields)."""
        if seat.role == QUESTIONER:
            return offline_policy(QUESTIONER, self.knowledge, seed, questioner=_style(QuestionerStyle, knobs))
        return offline_policy(ANSWERER, self.knowledge, seed, answerer=_style(AnswererStyle, knobs))

    async def play(self, spec: GameSpec, players: Mapping[str, Player], events: EventLog) -> GameResult:
        thing = self.knowledge.find(spec.subject)
        if thing is None:
            raise ValueError(f"{spec.subject!r} is not in the knowledge base {self.knowledge.name!r}")
        setup = TwentyQuestionsSetup(
            thing=thing,
            game_id=spec.game_id,
            questions=self.settings.questions,
            max_reprompts=self.settings.reprompts,
            seed=spec.seed,
        )
        return await play_twenty_questions(setup, players[QUESTIONER], players[ANSWERER], events=events)

    def offline_model(self, seat: Seat, seed: int, knobs: Any = None) -> OfflineModel:
        """The offline player as a model (tests and tools; the common code builds its own)."""
        return OfflineModel(self.offline_policy(seat, seed, knobs))


def _style(kind: type, knobs: Any) -> Any:
    if knobs is None:
        return kind()
    if isinstance(knobs, Mapping):
        return kind(**knobs)
    if dataclasses.is_dataclass(knobs) and isinstance(knobs, kind):
        return knobs
    raise TypeError(f"expected {kind.__name__} knobs, got {type(knobs).__name__}")


class TwentyQuestions:
    """Twenty Questions as the common code sees it."""

    name = NAME
    help = "play Twenty Questions: an answerer keeps a secret thing, a questioner asks yes/no questions"
    events = TWENTY_QUESTIONS_EVENTS
    officials = OFFICIALS
    listed = 1  # where `--help` lists it
    config_type = TwentyQuestionsConfig
    roles = (
        Role(
            name=QUESTIONER,
            default_prompt=DEFAULT_PROMPTS[QUESTIONER],
            placeholders=QUESTIONER_PLACEHOLDERS,
            knobs=QuestionerStyle,
            human_prompt="Your question (ending in ?) or your guess> ",
            reply_prefix="",
            reply_shape=person_move,
            example_values=prompt_values(QUESTIONER, DEFAULT_QUESTIONS, None),
            withheld={"thing": "the questioner never sees the secret"},
        ),
        Role(
            name=ANSWERER,
            default_prompt=DEFAULT_PROMPTS[ANSWERER],
            placeholders=ANSWERER_PLACEHOLDERS,
            knobs=AnswererStyle,
            human_prompt="Your answer (yes, no or unknown)> ",
            reply_prefix="ANSWER: ",
            example_values=prompt_values(ANSWERER, DEFAULT_QUESTIONS, EXAMPLE_THING),
            required={"thing": "the answerer has to be told the secret it answers about"},
        ),
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """--thing, --things, --questions, --reprompts (the common code puts them in their own group)."""
        parser.add_argument("--thing", metavar="NAME", help="play with NAME as the secret thing")
        parser.add_argument(
            "--things", metavar="PATH", help="another knowledge base (see docs/twenty-questions.md)"
        )
        parser.add_argument(
            "--questions",
            type=positive_int,
            default=TwentyQuestionsConfig.questions,
            metavar="N",
            help=f"questions (guesses included) before the game is lost (default {DEFAULT_QUESTIONS})",
        )
        add_reprompts_flag(parser)

    def prepare(self, config: TwentyQuestionsConfig) -> TwentyQuestionsPlan:
        try:
            knowledge = load_knowledge(Path(config.things) if config.things else DEFAULT_THINGS_PATH)
        except KnowledgeError as exc:
            raise UsageError(str(exc)) from None
        subjects = tuple(thing.name for thing in knowledge.things)
        fixed = _find_thing(knowledge, config.thing) if config.thing else None
        return TwentyQuestionsPlan(knowledge, subjects, config, fixed_subject=fixed)


def _find_thing(knowledge: Knowledge, name: str) -> str:
    thing = knowledge.find(name)
    if thing is not None:
        return thing.name
    names = [thing.name for thing in knowledge.things]
    close = difflib.get_close_matches(name.lower(), names, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UsageError(f"no thing named {name!r} in the knowledge base{hint}")


GAME = TwentyQuestions()
