"""The built-in offline players: they play for real, without a model, from the knowledge base.

The offline questioner keeps every thing of the knowledge base as a candidate and scores how badly each
contradicts the answers so far (a wrong yes/no counts 1, a yes/no where the thing's value is unknown
counts 1/2, an "unknown" answer counts nothing); the candidates are the things with the lowest score (with
an honest answerer: exactly the things consistent with every answer). It asks the attribute question that
leaves the fewest candidates on average (an even yes/no split; ties broken by its seeded random
generator) and guesses when one candidate is left, when no question tells the rest apart, or on its last
question. The offline answerer answers from the secret's attributes. Both read only the observation the
game attaches to the request (`request.context`), seeded by the game.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from agents import ChatRequest
from games.kit.matching import matches
from games.twenty_questions.knowledge import Knowledge, Thing
from games.twenty_questions.state import QUESTIONER

UNKNOWN_PENALTY = 0.5  # a yes/no answer about an attribute a thing leaves unknown
_YES_NO = ("yes", "no")
_IS_IT = re.compile(r"^\s*(?:is it|is that|it is|could it be)\s+(?:a |an |the )?(?P<name>.+?)[\s?.!]*$", re.I)


@dataclass(frozen=True)
class QuestionerStyle:
    """Offline knobs a persona can set: `eagerness` is the chance, each turn, of guessing early when
    three or fewer candidates are left."""

    eagerness: float = 0.0


@dataclass(frozen=True)
class AnswererStyle:
    """Offline knobs a persona can set: `noise` is the chance of answering a yes/no question wrongly."""

    noise: float = 0.0


class OfflineQuestioner:
    """Asks the question that best splits the candidates left; guesses the most likely one."""

    def __init__(self, knowledge: Knowledge, seed: int, style: QuestionerStyle = QuestionerStyle()) -> None:
        self.knowledge = knowledge
        self.style = style
        self._random = random.Random(seed)

    def __call__(self, request: ChatRequest) -> str:
        context = request.context or {}
        answers = self._answers(context.get("exchanges", ()))
        candidates = self.candidates(answers, context.get("guesses", ()))
        if not candidates:  # every thing was guessed: nothing sensible is left
            return f"GUESS: {self._random.choice(self.knowledge.things).name}"
        last = bool(context.get("must_guess")) or int(context.get("turn", 1)) >= int(
            context.get("questions", 1)
        )
        eager = len(candidates) <= 3 and self._random.random() < self.style.eagerness
        attribute = None if last or eager or len(candidates) == 1 else self.best_question(candidates, answers)
        if attribute is None:
            return f"GUESS: {self._random.choice(candidates).name}"
        return f"QUESTION: {self.knowledge.questions[attribute]}"

    def _answers(self, exchanges: Sequence[Mapping[str, Any]]) -> dict[str, str]:
        """The answers so far, by the attribute each question asked (unreadable questions are left out)."""
        answers: dict[str, str] = {}
        for exchange in exchanges:
            attribute = self.knowledge.attribute_for(str(exchange.get("question", "")))
            if attribute is not None:
                answers[attribute] = str(exchange.get("answer", "unknown"))
        return answers

    def candidates(self, answers: Mapping[str, str], guesses: Sequence[str] = ()) -> list[Thing]:
        """The things not guessed yet that contradict the answers least, in knowledge-base order."""
        said = [(attribute, answer == "yes") for attribute, answer in answers.items() if answer in _YES_NO]
        things: Sequence[Thing] = self.knowledge.things
        if guesses:
            guessed = frozenset().union(*map(self.knowledge.named_by, guesses))
            things = [thing for number, thing in enumerate(things) if number not in guessed]
        scored = [(_contradiction(thing, said), thing) for thing in things]
        if not scored:
            return []
        best = min(score for score, _ in scored)
        return [thing for score, thing in scored if score == best]

    def best_question(self, candidates: Sequence[Thing], answers: Mapping[str, str]) -> str | None:
        """The attribute not asked yet whose answer leaves the fewest candidates on average, or None when
        no question would narrow them down."""
        size = len(candidates)
        best: list[str] = []
        best_remaining = float(size)
        for attribute in self.knowledge.questions:
            if attribute in answers:
                continue
            values = [thing.attributes[attribute] for thing in candidates]
            yes, no = values.count(True), values.count(False)
            unknown = size - yes - no
            # The secret is any candidate: a yes leaves the yeses, a no the noes, an unknown everyone.
            remaining = (yes * yes + no * no + unknown * size) / size
            if remaining < best_remaining - 1e-9:
                best, best_remaining = [attribute], remaining
            elif best and abs(remaining - best_remaining) <= 1e-9:
                best.append(attribute)
        return self._random.choice(best) if best else None


def _contradiction(thing: Thing, said: Sequence[tuple[str, bool]]) -> float:
    """How badly `thing` contradicts the yes/no answers (attribute, answered yes), in the order given."""
    score = 0.0
    attributes = thing.attributes
    for attribute, yes in said:
        value = attributes.get(attribute)
        if value is None:
            score += UNKNOWN_PENALTY
        elif value != yes:
            score += 1
    return score


class OfflineAnswerer:
    """Answers from the secret's attributes: the knowledge base's own questions (or ones with the same
    content words), "is it a <thing>?" for a thing of the knowledge base, and unknown for anything else."""

    def __init__(self, knowledge: Knowledge, seed: int, style: AnswererStyle = AnswererStyle()) -> None:
        self.knowledge = knowledge
        self.style = style
        self._random = random.Random(seed)

    def __call__(self, request: ChatRequest) -> str:
        context = request.context or {}
        return f"ANSWER: {self.answer(str(context.get('thing', '')), str(context.get('question', '')))}"

    def answer(self, secret: str, question: str) -> str:
        thing = self.knowledge.find(secret)
        attribute = self.knowledge.attribute_for(question)
        if thing is None:
            return "unknown"
        if attribute is not None:
            value = thing.attributes[attribute]
        elif (match := _IS_IT.match(question)) and self.knowledge.find(match.group("name")) is not None:
            value = matches(match.group("name"), thing.names)  # "is it a dog?", about a known thing
        else:
            return "unknown"
        if value is None:
            return "unknown"
        if self.style.noise and self._random.random() < self.style.noise:
            value = not value
        return "yes" if value else "no"


def offline_policy(
    role: str,
    knowledge: Knowledge,
    seed: int,
    questioner: QuestionerStyle = QuestionerStyle(),
    answerer: AnswererStyle = AnswererStyle(),
) -> OfflineQuestioner | OfflineAnswerer:
    """The offline player for `role` in a game seeded with `seed` (each role draws its own numbers)."""
    if role == QUESTIONER:
        return OfflineQuestioner(knowledge, seed * 2 + 1, questioner)
    return OfflineAnswerer(knowledge, seed * 2 + 2, answerer)
