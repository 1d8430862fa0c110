"""What a person playing Chameleon is told before the first clue: the rules in plain words, and what
the seat knows (the category, and the secret word unless the seat is the chameleon's)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def player_intro(context: Mapping[str, Any]) -> str:
    secret = context.get("secret")
    knows = (
        f"The secret word is {secret}: give a one-word clue that shows you know it without giving it away."
        if secret is not None
        else "You are the chameleon: you are not told the word. Give a one-word clue that blends in."
    )
    return (
        f"You are {context.get('name', 'a player')}. Category: {context.get('category', '?')}. {knows}\n"
        "A clue is one word, never the secret word or a part of it. When every clue is in, vote for the "
        "player you think is the chameleon (type a name); a caught chameleon may then guess the word.\n"
        "Type and press Enter (an empty line asks again, Ctrl-D leaves the game).\n"
    )
