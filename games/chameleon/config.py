"""Chameleon's own settings, one per flag of the game, as the command line gives them and a log records
them."""

from __future__ import annotations

from dataclasses import dataclass

from games.chameleon.state import MAX_PLAYERS, MIN_PLAYERS
from games.kit.arguments import DEFAULT_REPROMPTS
from games.kit.config import GameConfig, setting

DEFAULT_PLAYERS = 4


@dataclass(frozen=True)
class ChameleonConfig(GameConfig):
    players: int = setting(DEFAULT_PLAYERS, minimum=MIN_PLAYERS, maximum=MAX_PLAYERS)  # chameleon included
    category: str | None = None  # --category NAME: deal only that category's words
    categories: str | None = None  # --categories PATH; None: the shipped categories
    reprompts: int = setting(DEFAULT_REPROMPTS, minimum=0)
