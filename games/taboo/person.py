"""What a person playing Taboo is told before the first move: the rules in plain words and, for the
hinter, the card (the word to guess and its taboo words). Shown once, above the first prompt."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

KEYS = "Type and press Enter (an empty line asks again, Ctrl-D leaves the game)."


def hinter_intro(context: Mapping[str, Any]) -> str:
    card = context.get("card") or {}
    taboo = ", ".join(str(word) for word in card.get("taboo") or ())
    target = card.get("target", "?")
    return (
        f"You give the clues. The word to guess: {target}. Taboo words: {taboo}.\n"
        f"A clue may not say the word or a taboo word, nor a form, a part or a disguise of one "
        f"({target}s, {'-'.join(str(target))}). A clue that breaks a rule loses the game. The guesser has "
        f"{context.get('turns', '?')} turns.\n{KEYS}\n"
    )


def guesser_intro(context: Mapping[str, Any]) -> str:
    return (
        f"You guess the word. Each turn you get a clue and one guess; {context.get('turns', '?')} turns "
        f"in all.\n{KEYS}\n"
    )
