"""The GameDefinition hook: roles, flags, prepare, offline players and play, as the common code uses them."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from agents import AgentModel, Gateway, ModelSettings
from agents.personas import placeholders
from games.kit.config import config_from_args
from games.kit.definition import GameDefinition, GameSpec, Player, Seat
from games.kit.exits import UsageError
from games.kit.outcome import Outcome
from games.twenty_questions.definition import GAME
from games.twenty_questions.offline import AnswererStyle, OfflineAnswerer, OfflineQuestioner, QuestionerStyle
from games.twenty_questions.prompts import render
from games.twenty_questions.state import ANSWERER, QUESTIONER
from runtime.events import NULL_EVENTS


def prepare(*flags: str):
    parser = argparse.ArgumentParser()
    GAME.add_arguments(parser)
    return GAME.prepare(config_from_args(GAME.config_type, parser.parse_args(list(flags))))


def test_the_game_describes_itself() -> None:
    """Name, two roles with knobs, and default prompts that use only the role's placeholders."""
    game: GameDefinition = GAME
    assert game.name == "twenty-questions"
    roles = {role.name: role for role in game.roles}
    assert set(roles) == {QUESTIONER, ANSWERER}
    assert roles[QUESTIONER].knobs is QuestionerStyle and roles[ANSWERER].knobs is AnswererStyle
    assert "thing" not in roles[QUESTIONER].placeholders and "thing" in roles[ANSWERER].placeholders
    assert roles[ANSWERER].reply_prefix == "ANSWER: " and roles[QUESTIONER].reply_prefix == ""
    for role in game.roles:
        assert set(placeholders(role.default_prompt)) <= role.placeholders
        assert set(role.example_values) == role.placeholders
        render(role.default_prompt, role.example_values)


def test_prepare_with_the_defaults() -> None:
    """Every thing is a subject, and the config holds the game's flags."""
    plan = prepare()
    assert len(plan.subjects) >= 120 and plan.fixed_subject is None
    assert plan.config == {"thing": None, "things": None, "questions": 20, "reprompts": 1}
    assert [seat.role for seat in plan.seats()] == [QUESTIONER, ANSWERER]


def test_thing_is_found_tolerantly() -> None:
    """--thing takes an alternate or a plural and fixes the canonical name."""
    plan = prepare("--thing", "Bikes", "--questions", "10", "--reprompts", "0")
    assert plan.fixed_subject == "bicycle"
    assert (plan.settings.questions, plan.settings.reprompts) == (10, 0)


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--thing", "bycicle"), "no thing named 'bycicle' in the knowledge base; did you mean bicycle?"),
        (("--things", "/nonexistent/things.json"), "cannot read the file"),
    ],
)
def test_bad_flags_are_usage_errors(flags: tuple[str, ...], message: str) -> None:
    """A wrong thing, re-prompt count or knowledge-base file is a UsageError with one clear line."""
    with pytest.raises(UsageError, match=message.replace("?", r"\?")):
        prepare(*flags)


def test_another_knowledge_base(tmp_path: Path) -> None:
    """--things loads another file, and its problems are usage errors naming the file."""
    path = tmp_path / "mine.json"
    data = {
        "version": 1,
        "name": "mine",
        "attributes": {"is_alive": "Is it alive?"},
        "things": [
            {"name": "cat", "category": "animal", "attributes": {"is_alive": True}},
            {"name": "rock", "category": "nature", "attributes": {}},
        ],
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    assert prepare("--things", str(path)).subjects == ("cat", "rock")
    data["things"][1]["attributes"] = {"is_alive": True}
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UsageError, match=r"mine.json: thing 2 \('rock'\): field 'attributes'"):
        prepare("--things", str(path))


def test_offline_policies_take_knobs() -> None:
    """offline_policy builds each role's player from its style, a mapping of its fields, or None."""
    plan = prepare()
    asking = plan.offline_policy(Seat(QUESTIONER, QUESTIONER), 1, QuestionerStyle(eagerness=0.5))
    answering = plan.offline_policy(Seat(ANSWERER, ANSWERER), 1, {"noise": 0.1})
    assert isinstance(asking, OfflineQuestioner) and asking.style.eagerness == 0.5
    assert isinstance(answering, OfflineAnswerer) and answering.style.noise == 0.1
    assert isinstance(plan.offline_policy(Seat(ANSWERER, ANSWERER), 1, None), OfflineAnswerer)


async def test_play_a_spec_with_offline_players() -> None:
    """play() plays the spec's subject with the given players and names it in the result."""
    plan = prepare("--thing", "kangaroo")
    gateway = Gateway()
    players = {
        seat.agent: Player(
            AgentModel(gateway, plan.offline_model(seat, 11), seat.agent, ModelSettings(model="offline")),
            next(role.default_prompt for role in GAME.roles if role.name == seat.role),
        )
        for seat in plan.seats()
    }
    result = await plan.play(GameSpec("g1", 0, 11, "kangaroo"), players, NULL_EVENTS)
    assert (result.outcome, result.subject, result.game_id) == (Outcome.SUCCESS, "kangaroo", "g1")
