"""The hook: GAME's role, flags, prepared plan, seats, offline players and one game's play."""

from __future__ import annotations

import argparse

import pytest

from agents import AgentModel, Gateway, ModelSettings
from games.chameleon.definition import GAME, ChameleonPlan
from games.chameleon.offline import PlayerKnobs
from games.chameleon.prompts import DEFAULT_PROMPT, prompt_values, render
from games.chameleon.state import ChameleonSetup, PlayerState, seat_names
from games.kit.config import config_from_args
from games.kit.definition import GameSpec, Player, Seat
from games.kit.exits import UsageError
from runtime.events import capture_events
from tests.games.chameleon.helpers import categories, named, no_sleep


def prepare(*flags: str) -> ChameleonPlan:
    parser = argparse.ArgumentParser()
    GAME.add_arguments(parser)
    return GAME.prepare(config_from_args(GAME.config_type, parser.parse_args(list(flags))))


def test_one_role_plays_every_seat():
    """Chameleon has one role, 'player', with PlayerKnobs and the placeholders its prompt uses."""
    (role,) = GAME.roles

    assert (GAME.name, role.name, role.knobs) == ("chameleon", "player", PlayerKnobs)
    assert {"secret_or_unknown", "category", "phase", "identity", "format"} <= set(role.placeholders)
    assert render(role.default_prompt, role.example_values)


def test_one_prompt_serves_both_sides():
    """The default prompt tells a player the word, and tells the chameleon only that it does not know it."""
    knower = PlayerState("p1", ("p1", "p2", "p3"), "fruit", "banana")
    chameleon = PlayerState("p3", ("p1", "p2", "p3"), "fruit", None, chameleon=True)

    told = render(DEFAULT_PROMPT, prompt_values(knower))
    hidden = render(DEFAULT_PROMPT, prompt_values(chameleon))

    assert "Secret word: banana" in told and "CLUE: <one word>" in told
    assert "banana" not in hidden and "you are the chameleon" in hidden


def test_the_flags_default_to_four_players_and_every_word():
    """Without flags: four seats p1..p4 (the moderator is not one), every word a subject, R = 1."""
    plan = prepare()

    assert plan.seats() == tuple(Seat(f"p{n}", "player") for n in range(1, 5))
    assert set(plan.subjects) == set(categories().words)
    assert plan.config == {"players": 4, "category": None, "categories": None, "reprompts": 1}


def test_a_category_limits_the_words_dealt():
    """--category deals only that category's words."""
    plan = prepare("--category", "Fruit", "--players", "8")

    assert set(plan.subjects) == set(categories().named("fruit").words)
    assert len(plan.seats()) == 8


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--players", "2"), "--players: expected a whole number from 3 to 8, got 2"),
        (("--players", "9"), "--players: expected a whole number from 3 to 8, got 9"),
        (("--category", "fruits"), "no category named 'fruits'; did you mean fruit"),
        (("--categories", "/nonexistent/cats.json"), "cannot read the file"),
    ],
)
def test_bad_flags_are_one_usage_error(flags, message):
    """Out-of-range players, negative re-prompts, an unknown category or file: UsageError, one line."""
    with pytest.raises(UsageError, match=message):
        prepare(*flags)


async def test_a_planned_game_is_dealt_by_its_seed_and_plays_offline():
    """play(spec) deals the spec's subject; the seed picks the chameleon as ChameleonSetup.deal does."""
    plan = prepare("--players", "5")
    spec = GameSpec(game_id="g7", index=0, seed=1234, subject="violin")
    gateway = Gateway(sleep=no_sleep)
    players = {
        seat.agent: Player(
            AgentModel(
                gateway, plan.offline_model(seat, spec.seed), seat.agent, ModelSettings(model="offline")
            ),
            DEFAULT_PROMPT,
        )
        for seat in plan.seats()
    }

    sink, events = capture_events()
    result = await plan.play(spec, players, sink)

    expected = ChameleonSetup.deal(categories().of("violin"), "violin", seat_names(5), 1234)
    started = named(events, "game_started")[0]
    assert started["secret"] == f"violin, chameleon {expected.chameleon}"
    assert started["secret_for"] == ["moderator"] and started["category"] == "musical instruments"
    assert (result.game_id, result.subject) == ("g7", "violin")
    assert result.outcome.played
