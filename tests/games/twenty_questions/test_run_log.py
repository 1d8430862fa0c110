"""A whole Twenty Questions game into its run log, whatever structlog's global configuration."""

from __future__ import annotations

import json
from pathlib import Path

import structlog

from agents import Gateway, OfflineModel
from games.twenty_questions.game import play_twenty_questions
from games.twenty_questions.knowledge import load_knowledge
from games.twenty_questions.offline import AnswererStyle, QuestionerStyle, offline_policy
from games.twenty_questions.state import ANSWERER, QUESTIONER, TwentyQuestionsSetup
from runtime import RunLog
from tests.games.twenty_questions.helpers import no_sleep, player


async def play_into_log(path: Path) -> list[tuple[str, str | None, str | None]]:
    """One offline game (seed 5) written to a RunLog at `path`: each line's event, agent and game_id."""
    knowledge = load_knowledge()
    thing = knowledge.find("cat")
    assert thing is not None
    gateway = Gateway(sleep=no_sleep)
    models = {
        role: OfflineModel(offline_policy(role, knowledge, 5, QuestionerStyle(), AnswererStyle()))
        for role in (QUESTIONER, ANSWERER)
    }
    with RunLog(path) as run_log:
        await play_twenty_questions(
            TwentyQuestionsSetup(thing, game_id="g1", seed=5),
            player(gateway, models[QUESTIONER], QUESTIONER, "offline"),
            player(gateway, models[ANSWERER], ANSWERER, "offline"),
            events=run_log.events,
        )
    return fields_of(path)


def fields_of(path: Path) -> list[tuple[str, str | None, str | None]]:
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [(line["event"], line.get("agent"), line.get("game_id")) for line in lines]


async def test_a_global_structlog_configuration_changes_nothing_in_a_games_log(tmp_path):
    """A game logged while the application's structlog drops every event writes the same lines as with
    structlog's defaults: the game's, the runtime's and the model calls' events, each with its game_id."""
    expected = await play_into_log(tmp_path / "defaults.jsonl")

    def drop(_logger, _method, _event_dict):
        raise structlog.DropEvent

    structlog.configure(processors=[drop])
    try:
        seen = await play_into_log(tmp_path / "configured.jsonl")
    finally:
        structlog.reset_defaults()

    assert seen == expected
    names = [event for event, _, _ in seen]
    assert names[0] == "game_started" and names[-1] == "run_ended"
    assert {"llm_call", "message_sent", "turn_started", "game_ended"} <= set(names)
    assert all(game_id == "g1" for event, _, game_id in seen if event != "run_ended")
    assert {agent for event, agent, _ in seen if event == "llm_call"} == {QUESTIONER, ANSWERER}
