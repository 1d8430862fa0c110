"""Test helpers for whole Chameleon games: a setup with a chosen chameleon, players from scripts or the
offline policies, event capture."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from agents import AgentModel, ChatModel, Gateway, ModelSettings, OfflineModel, RetryPolicy, ScriptedModel
from games.chameleon.categories import Categories, load_categories
from games.chameleon.game import play_chameleon
from games.chameleon.offline import PlayerKnobs, offline_policy
from games.chameleon.prompts import DEFAULT_PROMPT
from games.chameleon.state import ChameleonSetup, seat_names
from games.kit.definition import Player
from games.kit.outcome import GameResult
from runtime.events import capture_events


@lru_cache(maxsize=1)
def categories() -> Categories:
    return load_categories()


def make_setup(
    secret: str = "banana", players: int = 3, *, chameleon: str = "p3", first: str = "p1", **options: Any
) -> ChameleonSetup:
    """A game on `secret` with the chameleon and the first clue-giver chosen, not dealt."""
    return ChameleonSetup(categories().of(secret), secret, seat_names(players), chameleon, first, **options)


async def no_sleep(seconds: float) -> None:
    return None


def player(gateway: Gateway, model: ChatModel, seat: str, name: str = "scripted") -> Player:
    return Player(AgentModel(gateway, model, seat, ModelSettings(model=name)), DEFAULT_PROMPT)


async def play_scripted(
    setup: ChameleonSetup, scripts: Mapping[str, list[Any]]
) -> tuple[GameResult, list[dict], dict[str, ScriptedModel]]:
    """One game with a script of replies per seat; returns the result, the events and the scripts."""
    gateway = Gateway(retry=RetryPolicy(max_attempts=2), sleep=no_sleep)
    models = {seat: ScriptedModel(scripts.get(seat, [])) for seat in setup.players}
    players = {seat: player(gateway, models[seat], seat) for seat in setup.players}
    sink, events = capture_events()
    result = await play_chameleon(setup, players, events=sink)
    return result, events, models


async def play_offline(
    setup: ChameleonSetup, knobs: PlayerKnobs | None = None
) -> tuple[GameResult, list[dict]]:
    """One game between the offline players, seeded with the setup's seed."""
    knobs = knobs or PlayerKnobs()
    gateway = Gateway(sleep=no_sleep)
    players = {
        seat: player(
            gateway, OfflineModel(offline_policy(categories(), seat, setup.seed, knobs)), seat, "offline"
        )
        for seat in setup.players
    }
    sink, events = capture_events()
    result = await play_chameleon(setup, players, events=sink)
    return result, events


def named(events: list[dict], name: str) -> list[dict]:
    return [event for event in events if event["event"] == name]


def sent(events: list[dict], kind: str) -> list[dict]:
    """The message_sent events of one kind."""
    return [event for event in named(events, "message_sent") if event["kind"] == kind]
