"""What the model players are told: a system prompt per role and the user turns of the game.

The system prompt is a template with placeholders the game fills in ({role}, {rules}, {format}, {turns},
{turn}, and for the hinter {target} and {taboo}); a persona supplies its own template (docs/personas.md).
"""

from __future__ import annotations

from collections.abc import Mapping

from games.taboo.deck import Card
from games.taboo.state import GUESSER, HINTER

CLUE_FORMAT = "CLUE: <your clue>"
GUESS_FORMAT = "GUESS: <one word or short phrase>"

HINTER_RULES = (
    "Describe the target so that your partner can guess it. Never say the target, any taboo word, "
    "any form or part of them (plurals, -ing, -er, compounds such as 'snowman' for 'snow'), and never "
    "spell them out or disguise them. One clue per turn; a broken rule loses the game at once."
)
GUESSER_RULES = (
    "Your partner describes a secret word without saying it. Guess the word from the clues. "
    "One guess per turn; wrong guesses earn another clue until the turns run out."
)

DEFAULT_HINTER_PROMPT = (
    "You are the Hinter in a game of Taboo.\n{rules}\n\n"
    "Target: {target}\nTaboo words: {taboo}\nTurns: {turns}\n\n"
    "Reply with exactly one line: {format}"
)
DEFAULT_GUESSER_PROMPT = (
    "You are the Guesser in a game of Taboo.\n{rules}\n\nTurns: {turns}\n\n"
    "Reply with exactly one line: {format}"
)
DEFAULT_PROMPTS = {HINTER: DEFAULT_HINTER_PROMPT, GUESSER: DEFAULT_GUESSER_PROMPT}


def prompt_values(role: str, turns: int, card: Card | None, turn: int = 1) -> dict[str, str]:
    """The placeholder values for `role` on `turn`: the guesser's never include the card."""
    values = {"role": role, "turns": str(turns), "turn": str(turn)}
    if role == HINTER:
        assert card is not None, "the hinter plays with a card"
        values.update(rules=HINTER_RULES, format=CLUE_FORMAT, target=card.target, taboo=", ".join(card.taboo))
    else:
        values.update(rules=GUESSER_RULES, format=GUESS_FORMAT)
    return values


def render(template: str, values: Mapping[str, str]) -> str:
    """Fill a prompt template; placeholders are checked when a persona is loaded."""
    return template.format_map(values)


def first_clue_request() -> str:
    return "Give your first clue."


def next_clue_request(guess: str, turn: int, turns: int) -> str:
    return f'The guesser said "{guess}", which is wrong. Turn {turn} of {turns}: give your next clue.'


def clue_for_guesser(clue: str, turn: int, turns: int) -> str:
    return f"Clue {turn} of {turns}: {clue}"


def reprompt(problem: str, role: str) -> str:
    reply_format = CLUE_FORMAT if role == HINTER else GUESS_FORMAT
    return f"{problem} Reply with exactly one line: {reply_format}"
