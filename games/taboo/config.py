"""Taboo's own settings, one per flag of the game, as the command line gives them and a log records
them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from games.kit.arguments import DEFAULT_REPROMPTS
from games.kit.config import GameConfig, setting


@dataclass(frozen=True)
class TabooConfig(GameConfig):
    card: str | None = None  # --card WORD: every game plays that card
    deck: str | None = None  # --deck PATH; None: the shipped deck
    turns: int = setting(5, minimum=1)
    reprompts: int = setting(DEFAULT_REPROMPTS, minimum=0)
    rules: str = "strict"  # --rules: one of games.taboo.rulesets.RULE_SET_NAMES
    instances: str | None = None  # --instances PATH: a clembench instances file instead of the deck

    @classmethod
    def upgraded(cls, recorded: Mapping[str, Any]) -> Mapping[str, Any]:
        """Logs from before the games shared one command have `deck` as {"path", "name", "cards"}."""
        deck = recorded.get("deck")
        if isinstance(deck, Mapping):
            return {**recorded, "deck": deck.get("path")}
        return recorded
