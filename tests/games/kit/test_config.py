"""A game's typed settings: built from its flags, written to run_started, read back from a log."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from typing import Any

import pytest

from games.chameleon.config import ChameleonConfig
from games.cli.registry import games_by_name
from games.kit.config import ConfigError, GameConfig, config_from_args, config_from_json, setting
from games.kit.exits import UsageError
from games.taboo.config import TabooConfig

WHERE = "run.jsonl: line 1"
FLAGS = {
    "taboo": ["--card", "snow", "--turns", "3", "--reprompts", "0"],
    "twenty-questions": ["--thing", "bicycle", "--questions", "12", "--reprompts", "2"],
    "chameleon": ["--players", "6", "--category", "fruit", "--reprompts", "3"],
}


def parsed(game: str, flags: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    games_by_name()[game].add_arguments(parser)
    return parser.parse_args(flags)


def through_json(value: Any) -> Any:
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("game", sorted(FLAGS))
@pytest.mark.parametrize("given", ["defaults", "flags"])
def test_args_to_config_to_json_to_config_is_the_same_config(game: str, given: str) -> None:
    """config_from_args, then to_json through JSON text, then config_from_json gives an equal config."""
    config_type = games_by_name()[game].config_type
    config = config_from_args(config_type, parsed(game, FLAGS[game] if given == "flags" else []))
    assert config_from_json(config_type, through_json(config.to_json()), WHERE) == config


@pytest.mark.parametrize("game", sorted(FLAGS))
def test_the_logged_config_prepares_the_same_game_again(game: str) -> None:
    """What run_started records (the prepared game's config) builds a config that prepares alike."""
    definition = games_by_name()[game]
    prepared = definition.prepare(config_from_args(definition.config_type, parsed(game, FLAGS[game])))
    logged = through_json({"game": game, "seed": 7, **prepared.config})
    again = definition.prepare(config_from_json(definition.config_type, logged, WHERE))
    assert again.config == prepared.config
    assert (again.fixed_subject, list(again.subjects)) == (prepared.fixed_subject, list(prepared.subjects))


def test_the_flag_defaults_are_the_configs() -> None:
    """Every game's flags, left out, give its config's defaults."""
    for name, game in games_by_name().items():
        assert config_from_args(game.config_type, parsed(name, [])) == game.config_type(), name


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("turns", "five", "field 'turns' is 'five', expected a whole number of at least 1"),
        ("turns", 2.5, "field 'turns' is 2.5, expected a whole number of at least 1"),
        ("turns", True, "field 'turns' is True, expected a whole number of at least 1"),
        ("turns", None, "field 'turns' is null, expected a whole number of at least 1"),
        ("turns", 0, "field 'turns' is 0, expected a whole number of at least 1"),
        ("reprompts", -1, "field 'reprompts' is -1, expected a whole number of at least 0"),
        ("card", 7, "field 'card' is 7, expected a string or null"),
        ("deck", ["a.json"], "field 'deck' is ['a.json'], expected a string or null"),
    ],
)
def test_a_setting_of_the_wrong_type_in_a_log_is_one_line_naming_the_field(
    field: str, value: Any, message: str
) -> None:
    """A bad setting in run_started's config: UsageError, one line, where and the field."""
    with pytest.raises(UsageError) as raised:
        config_from_json(TabooConfig, {"game": "taboo", "turns": 5, field: value}, WHERE)
    assert str(raised.value) == f"{WHERE}: run_started's config {message}"
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("players", [2, 9])
def test_a_setting_out_of_its_range_in_a_log_is_refused(players: int) -> None:
    """Chameleon's players go from 3 to 8: a log's 2 or 9 is refused as --players 2 or 9 is."""
    expected = f"field 'players' is {players}, expected a whole number from 3 to 8$"
    with pytest.raises(UsageError, match=expected):
        config_from_json(ChameleonConfig, {"game": "chameleon", "players": players}, WHERE)


def test_a_long_value_is_cut_short_in_the_message() -> None:
    """A huge value is shown in 40 characters at most: the line stays one short line."""
    with pytest.raises(UsageError) as raised:
        config_from_json(TabooConfig, {"card": ["x" * 1000]}, WHERE)
    assert len(str(raised.value)) < 150


def test_settings_an_older_log_lacks_take_their_defaults() -> None:
    """A log from before a setting existed: the default, and the common keys are no settings."""
    recorded = {"game": "taboo", "seed": 3, "models": {}, "card": None, "deck": "d.json", "turns": 4}
    assert config_from_json(TabooConfig, recorded, WHERE) == TabooConfig(deck="d.json", turns=4)


def test_a_setting_without_a_default_must_be_in_the_log() -> None:
    """A setting with no default missing from the log: one line naming it (no traceback)."""

    @dataclass(frozen=True)
    class Needed(GameConfig):
        size: int

    with pytest.raises(UsageError, match=f"^{WHERE}: run_started's config has no field 'size'$"):
        config_from_json(Needed, {"game": "x"}, WHERE)


def test_an_older_taboo_deck_shape_is_read() -> None:
    """Taboo logs whose `deck` was {"path", "name", "cards"} give the path."""
    recorded = {"deck": {"path": "games/taboo/data/deck.json", "name": "the deck", "cards": 300}}
    assert config_from_json(TabooConfig, recorded, WHERE).deck == "games/taboo/data/deck.json"


@dataclass(frozen=True)
class Knobs(GameConfig):
    rate: float = 0.5
    loud: bool = False
    level: int = setting(2, minimum=1)


@pytest.mark.parametrize(
    ("recorded", "expected"),
    [({"rate": 1}, Knobs(rate=1)), ({"loud": True, "level": 9}, Knobs(loud=True, level=9))],
)
def test_numbers_and_switches_are_read(recorded: dict[str, Any], expected: Knobs) -> None:
    """A float setting takes a whole number too; a bool takes true or false."""
    assert config_from_json(Knobs, recorded, WHERE) == expected


@pytest.mark.parametrize(
    ("recorded", "message"),
    [
        ({"rate": "fast"}, "field 'rate' is 'fast', expected a number"),
        ({"rate": False}, "field 'rate' is False, expected a number"),
        ({"loud": 1}, "field 'loud' is 1, expected true or false"),
    ],
)
def test_numbers_and_switches_of_the_wrong_type_are_refused(recorded: dict[str, Any], message: str) -> None:
    """A bool is not a number and a number is not a bool."""
    with pytest.raises(UsageError, match=f"config {message}$"):
        config_from_json(Knobs, recorded, WHERE)


def test_a_flag_value_its_setting_refuses_is_a_usage_error_naming_the_flag() -> None:
    """A flag parsed without a bound (type=int) whose setting has one: the flag named, one line."""
    with pytest.raises(UsageError, match=r"^--level: expected a whole number of at least 1, got 0$"):
        config_from_args(Knobs, argparse.Namespace(rate=0.5, loud=False, level=0))


def test_a_setting_without_its_flag_is_a_programming_error() -> None:
    """config_from_args refuses a config whose field no flag sets (the game forgot to add it)."""
    with pytest.raises(TypeError, match="Knobs.level has no flag"):
        config_from_args(Knobs, argparse.Namespace(rate=0.5, loud=False))


def test_a_setting_of_another_type_is_refused_when_built() -> None:
    """Building a config checks its fields: ConfigError names the setting."""
    with pytest.raises(ConfigError, match="'level' is '3'"):
        Knobs(level="3")  # type: ignore[arg-type]


def test_only_plain_types_are_settings() -> None:
    """A list-typed setting is a programming error, said when the config is built."""

    @dataclass(frozen=True)
    class Listed(GameConfig):
        names: list = ()  # type: ignore[assignment]

    with pytest.raises(TypeError, match="a str, int, float or bool"):
        Listed()
