"""What the model players are told: one system prompt for every seat, and the user turns of the game.

The system prompt is a template whose placeholders the game fills in for each request ({name},
{players}, {role}, {rules}, {category}, {secret_or_unknown}, {identity}, {phase}, {turn}, {turns},
{format}); one template serves the chameleon and the others, since the values differ, never the text
around them. A persona supplies its own template.
"""

from __future__ import annotations

from collections.abc import Mapping

from games.chameleon.state import PLAYER, Phase, PlayerState

FORMATS = {
    Phase.CLUES: "CLUE: <one word>",
    Phase.VOTES: "VOTE: <player>",
    Phase.GUESS: "GUESS: <word>",
}
PHASES = {
    Phase.CLUES: "the clue round",
    Phase.VOTES: "the vote",
    Phase.GUESS: "your guess at the secret word",
}
RULES = (
    "A moderator deals a secret word from a category to every player but one, the chameleon, who is "
    "told only the category. In turn, each player gives one clue: a single word, never the secret word "
    "or a form or part of it; everyone hears every clue. Then each player votes, in private, for the "
    "player they think is the chameleon. If the chameleon gets the most votes (a tie catches nobody), "
    "it can still win by guessing the secret word."
)
KNOWER = (
    "You know the secret word, and one of the other players does not. Give a clue that shows you know "
    "the word without giving it away, and vote for the player whose clue fits the word worst."
)
CHAMELEON = (
    "You are the chameleon: you do not know the secret word. Blend in with a clue that fits the "
    "category and the clues you have heard, vote for someone else, and if you are caught, guess the "
    "word from the clues."
)
UNKNOWN = "unknown to you (you are the chameleon)"

DEFAULT_PROMPT = (
    "You are {name}, a player in a game of Chameleon with {players}.\n{rules}\n\n"
    "Category: {category}\nSecret word: {secret_or_unknown}\n{identity}\n\n"
    "Now: {phase}. Reply with exactly one line: {format}"
)
PLACEHOLDERS = {
    "name": "your seat (p1, p2, ...)",
    "players": "every seat in the game, comma-separated",
    "role": "the role's name: player",
    "rules": "the rules, in a few sentences",
    "category": "the category every player is told",
    "secret_or_unknown": "the secret word, or a note that the chameleon does not know it",
    "identity": "what this player knows and aims for (the chameleon's differs from the others')",
    "phase": "where the game is: the clue round, the vote or the chameleon's guess",
    "turn": "the round, from 1: 1 the clues, 2 the vote, 3 the chameleon's guess",
    "turns": "how many rounds a game can have: 3",
    "format": "the reply format the moderator expects now: 'CLUE: <one word>', 'VOTE: ...' or 'GUESS: ...'",
}


def prompt_values(state: PlayerState) -> dict[str, str]:
    """The placeholder values for one player now; the chameleon's never include the secret."""
    return {
        "name": state.name,
        "players": ", ".join(state.players),
        "role": PLAYER,
        "rules": RULES,
        "category": state.category,
        "secret_or_unknown": state.secret if state.secret is not None else UNKNOWN,
        "identity": CHAMELEON if state.chameleon else KNOWER,
        "phase": PHASES[state.phase],
        "turn": str(state.phase.number),
        "turns": str(len(Phase)),
        "format": FORMATS[state.phase],
    }


def render(template: str, values: Mapping[str, str]) -> str:
    """Fill a prompt template; placeholders are checked when a persona is loaded."""
    return template.format_map(values)


def heard(clues: list[tuple[str, str]]) -> str:
    return "; ".join(f"{player}: {clue}" for player, clue in clues)


def clue_request(state: PlayerState) -> str:
    so_far = f"Clues so far: {heard(state.clues)}." if state.clues else "You give the first clue."
    return f"{so_far}\nYour turn, {state.name}: give your one-word clue."


def vote_request(state: PlayerState) -> str:
    return (
        f"Every clue is in: {heard(state.clues)}.\n"
        "Vote for the player you think is the chameleon (not yourself)."
    )


def guess_request(state: PlayerState) -> str:
    return f"{state.reveal}\nThe clues were: {heard(state.clues)}.\nGuess the secret word."


def reprompt(problem: str, phase: Phase) -> str:
    return f"{problem} Reply with exactly one line: {FORMATS[phase]}"
