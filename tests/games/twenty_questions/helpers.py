"""Test helpers for whole Twenty Questions games: players from scripts or offline policies, event capture."""

from __future__ import annotations

from typing import Any

from agents import AgentModel, ChatModel, Gateway, ModelSettings, OfflineModel, RetryPolicy, ScriptedModel
from games.kit.definition import Player
from games.kit.outcome import GameResult
from games.twenty_questions.game import play_twenty_questions
from games.twenty_questions.knowledge import Knowledge, load_knowledge
from games.twenty_questions.offline import AnswererStyle, QuestionerStyle, offline_policy
from games.twenty_questions.prompts import DEFAULT_PROMPTS
from games.twenty_questions.state import ANSWERER, QUESTIONER, TwentyQuestionsSetup
from runtime.events import capture_events


async def no_sleep(seconds: float) -> None:
    return None


def player(gateway: Gateway, model: ChatModel, role: str, name: str = "scripted") -> Player:
    return Player(AgentModel(gateway, model, role, ModelSettings(model=name)), DEFAULT_PROMPTS[role])


async def play_scripted(
    thing: str, questioner: list[Any], answerer: list[Any], **setup: Any
) -> tuple[GameResult, list[dict], ScriptedModel, ScriptedModel]:
    """One game with scripted replies for each role; returns the result, the events and both scripts."""
    knowledge = load_knowledge()
    found = knowledge.find(thing)
    assert found is not None
    gateway = Gateway(retry=RetryPolicy(max_attempts=2), sleep=no_sleep)
    asking, answering = ScriptedModel(questioner), ScriptedModel(answerer)
    sink, events = capture_events()
    result = await play_twenty_questions(
        TwentyQuestionsSetup(found, **setup),
        player(gateway, asking, QUESTIONER),
        player(gateway, answering, ANSWERER),
        events=sink,
    )
    return result, events, asking, answering


async def play_offline(
    thing: str,
    seed: int,
    *,
    knowledge: Knowledge | None = None,
    questioner: QuestionerStyle | None = None,
    answerer: AnswererStyle | None = None,
    **setup: Any,
) -> tuple[GameResult, list[dict]]:
    """One game between the offline players."""
    knowledge = knowledge or load_knowledge()
    found = knowledge.find(thing)
    assert found is not None
    gateway = Gateway(sleep=no_sleep)
    models = {
        role: OfflineModel(
            offline_policy(
                role, knowledge, seed, questioner or QuestionerStyle(), answerer or AnswererStyle()
            )
        )
        for role in (QUESTIONER, ANSWERER)
    }
    sink, events = capture_events()
    result = await play_twenty_questions(
        TwentyQuestionsSetup(found, seed=seed, **setup),
        player(gateway, models[QUESTIONER], QUESTIONER, "offline"),
        player(gateway, models[ANSWERER], ANSWERER, "offline"),
        events=sink,
    )
    return result, events


def named(events: list[dict], name: str) -> list[dict]:
    return [event for event in events if event["event"] == name]
