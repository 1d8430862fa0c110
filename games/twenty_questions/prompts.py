"""What the model players are told: a system prompt per role and the user turns of the game.

The system prompt is a template with placeholders the game fills in: {role}, {rules}, {format},
{turns} (the number of questions), {turn} (the current one), and for the answerer {thing}; a persona
supplies its own template (docs/personas.md).
"""

from __future__ import annotations

from collections.abc import Mapping

from games.twenty_questions.state import ANSWERER, QUESTIONER

QUESTIONER_FORMAT = "QUESTION: <a yes/no question>  or  GUESS: <the thing>"
ANSWERER_FORMAT = "ANSWER: yes  or  ANSWER: no  or  ANSWER: unknown"

QUESTIONER_RULES = (
    "Your partner has a secret: a concrete thing (an animal, a plant, a food, an object, a vehicle, a "
    "place...). Find it by asking questions that can be answered yes or no; the answers are yes, no or "
    "unknown. Each question and each guess uses one of your questions, and the last one must be a guess."
)
ANSWERER_RULES = (
    "Your partner asks yes/no questions to find your secret thing. Answer each one truthfully with "
    "yes, no, or unknown when it depends or nobody could say. Say nothing else, and never name the "
    "thing: any other word or the thing's name loses the game at once."
)
QUESTIONER_PLACEHOLDERS = frozenset({"role", "rules", "format", "turns", "turn"})
ANSWERER_PLACEHOLDERS = QUESTIONER_PLACEHOLDERS | {"thing"}

DEFAULT_QUESTIONER_PROMPT = (
    "You are the Questioner in a game of Twenty Questions.\n{rules}\n\nQuestions: {turns}\n\n"
    "Reply with exactly one line: {format}"
)
DEFAULT_ANSWERER_PROMPT = (
    "You are the Answerer in a game of Twenty Questions.\n{rules}\n\nYour secret thing: {thing}\n\n"
    "Reply with exactly one line: {format}"
)
DEFAULT_PROMPTS = {QUESTIONER: DEFAULT_QUESTIONER_PROMPT, ANSWERER: DEFAULT_ANSWERER_PROMPT}


def prompt_values(role: str, questions: int, thing: str | None, turn: int = 1) -> dict[str, str]:
    """The placeholder values for `role` on `turn`: the questioner's never include the thing."""
    values = {"role": role, "turns": str(questions), "turn": str(turn)}
    if role == ANSWERER:
        assert thing is not None, "the answerer plays with a secret"
        values.update(rules=ANSWERER_RULES, format=ANSWERER_FORMAT, thing=thing)
    else:
        values.update(rules=QUESTIONER_RULES, format=QUESTIONER_FORMAT)
    return values


def render(template: str, values: Mapping[str, str]) -> str:
    """Fill a prompt template; placeholders are checked when a persona is loaded."""
    return template.format_map(values)


def _next(turn: int, questions: int) -> str:
    if turn >= questions:
        return f"Question {turn} of {questions} is your last: make your guess (GUESS: <the thing>)."
    return f"Question {turn} of {questions}: ask a yes/no question or guess."


def first_turn(questions: int) -> str:
    return f"I have a secret thing in mind. {_next(1, questions)}"


def after_answer(question: str, answer: str, turn: int, questions: int) -> str:
    return f'"{question}" — {answer}. {_next(turn, questions)}'


def after_wrong_guess(guess: str, turn: int, questions: int) -> str:
    return f'No, it is not "{guess}". {_next(turn, questions)}'


def question_for_answerer(question: str, turn: int) -> str:
    return f"Question {turn}: {question}"


def reprompt(problem: str, role: str) -> str:
    reply_format = QUESTIONER_FORMAT if role == QUESTIONER else ANSWERER_FORMAT
    return f"{problem} Reply with exactly one line: {reply_format}"
