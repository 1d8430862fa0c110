"""Personas in Taboo: the casting matches the game, a persona file's prompt reaches a real model server,
and offline knobs change an offline game."""

from __future__ import annotations

import argparse
import dataclasses
import gc
import io
import itertools
import json
from pathlib import Path

import pytest
from rich.console import Console

from agents import AgentModel, Endpoint, Gateway, ModelSettings, OpenAIModel
from agents.persona_library import PersonaLibrary
from games.cli.command import plan as plan_game
from games.cli.command import run as run_game
from games.cli.models import Backend, RoleModel
from games.cli.personas import PersonaChoice, casting_of, choose_personas, with_persona_models
from games.kit.definition import Player
from games.kit.exits import UsageError
from games.kit.outcome import Outcome
from games.taboo.deck import Card
from games.taboo.definition import GAME
from games.taboo.game import play_taboo
from games.taboo.offline import GuesserStyle, HinterStyle
from games.taboo.prompts import DEFAULT_PROMPTS
from games.taboo.state import GUESSER, HINTER, TabooSetup
from main import build_parser
from tests.support.chat_server import Reply

CASTING = casting_of(GAME)
LOG_NUMBERS = itertools.count()
CARD = Card(target="snow", taboo=("white", "cold", "winter", "flake", "ice"))

BARD = """\
name = "bard"
description = "A bard who sings his clues."
roles = ["hinter"]
prompt = '''
You are a wandering bard. Sing a clue for {target}, never saying {taboo}.
Turn {turn} of {turns}. {format}
'''
[settings]
temperature = 0.65
seed = 11
"""


@pytest.fixture(autouse=True)
def no_openai_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL"):
        monkeypatch.delenv(name, raising=False)


def test_the_casting_offers_the_offline_players_knobs() -> None:
    """Each role's knobs are exactly the fields of its offline style, with their defaults."""
    hinter, guesser = CASTING.roles[HINTER], CASTING.roles[GUESSER]
    assert {name: knob.default for name, knob in hinter.knobs.items()} == dataclasses.asdict(HinterStyle())
    assert {name: knob.default for name, knob in guesser.knobs.items()} == dataclasses.asdict(GuesserStyle())


def test_the_default_persona_sends_the_games_own_prompts() -> None:
    """The built-in "default" is the game's default prompt for each role, word for word."""
    default = PersonaLibrary().find("default")
    for role in (HINTER, GUESSER):
        assert default.template("taboo", role) == DEFAULT_PROMPTS[role]


def test_the_guesser_may_not_see_the_card() -> None:
    """{target} and {taboo} are withheld from the guesser; the hinter must use {target}."""
    guesser = CASTING.roles[GUESSER]
    assert set(guesser.withheld) == {"target", "taboo"} and not set(guesser.withheld) & set(
        guesser.placeholders
    )
    assert "target" in CASTING.roles[HINTER].required


def choose(**flags: object) -> dict[str, PersonaChoice]:
    args = argparse.Namespace(hinter=None, guesser=None, persona_dir=None)
    for name, value in flags.items():
        setattr(args, name, value)
    return choose_personas(args, GAME)


def test_choose_personas_defaults_each_role_to_default() -> None:
    """Without --hinter/--guesser both roles play the built-in default, recorded with source and hash."""
    chosen = choose()
    assert {role: choice.name for role, choice in chosen.items()} == {HINTER: "default", GUESSER: "default"}
    described = chosen[HINTER].describe()
    assert described["source"] == "built-in" and len(described["sha256"]) == 64


def test_choose_personas_reads_a_file_and_keeps_its_model_apart(tmp_path: Path) -> None:
    """A persona file gives the template, the settings (model apart) and the knobs for its role."""
    path = tmp_path / "bard.toml"
    path.write_text(BARD.replace("seed = 11", 'seed = 11\nmodel = "bard-1"'), encoding="utf-8")
    chosen = choose(hinter=str(path), guesser="lateral")
    assert chosen[HINTER].system_template.startswith("You are a wandering bard.")
    assert chosen[HINTER].settings == {"temperature": 0.65, "seed": 11}
    assert chosen[HINTER].model == "bard-1"
    assert chosen[GUESSER].offline == {"lateral": 0.5}


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        ({"guesser": "terse"}, "--guesser terse: persona 'terse' does not play the guesser"),
        ({"hinter": "pirat"}, "did you mean 'pirate'?"),
        ({"persona_dir": ["/nonexistent/dir"]}, "--persona-dir /nonexistent/dir: no such directory"),
    ],
)
def test_a_persona_that_cannot_play_is_a_usage_error(flags: dict, words: str) -> None:
    """Wrong role, unknown name or missing directory: one UsageError line."""
    with pytest.raises(UsageError) as caught:
        choose(**flags)
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_a_persona_model_applies_only_without_a_model_flag() -> None:
    """Flag > persona > OPENAI_MODEL: the persona's model replaces only an unnamed model at a server."""
    models = {
        HINTER: RoleModel(HINTER, Backend.OPENAI, "env-default"),
        GUESSER: RoleModel(GUESSER, Backend.OPENAI, "flagged"),
    }
    personas = {role: PersonaChoice("p", "built-in", "{target}", model="persona-model") for role in models}
    chosen = with_persona_models(models, personas, {HINTER: None, GUESSER: "flagged"})
    assert chosen[HINTER].model == "persona-model" and chosen[GUESSER].model == "flagged"
    offline = {HINTER: RoleModel(HINTER, Backend.OFFLINE, "offline")}
    assert with_persona_models(offline, {HINTER: personas[HINTER]}, {HINTER: None}) == offline


async def test_a_persona_files_prompt_reaches_the_model_server(tmp_path: Path, chat_server) -> None:
    """A real game against the loopback server: the hinter's system prompt is the file's, filled in."""
    path = tmp_path / "bard.toml"
    path.write_text(BARD, encoding="utf-8")
    chat_server.handler = lambda body, index: Reply.text(
        "CLUE: frozen rain from the clouds" if "bard" in body["messages"][0]["content"] else "GUESS: snow"
    )
    chosen = choose(hinter=str(path), guesser="literal")
    gateway = Gateway()
    async with OpenAIModel(Endpoint(base_url=chat_server.base_url)) as model:
        players = [
            Player(
                AgentModel(gateway, model, role, ModelSettings(model="test-model", **chosen[role].settings)),
                chosen[role].system_template,
            )
            for role in (HINTER, GUESSER)
        ]
        result = await play_taboo(TabooSetup(card=CARD), *players)
    assert result.outcome is Outcome.SUCCESS
    hinter_body, guesser_body = chat_server.bodies
    system = hinter_body["messages"][0]["content"]
    assert system.startswith("You are a wandering bard. Sing a clue for snow, never saying white, cold,")
    assert "Turn 1 of 5. CLUE: <your clue>" in system
    assert hinter_body["temperature"] == 0.65 and hinter_body["seed"] == 11
    assert guesser_body["messages"][0]["content"].startswith(
        "You are the Guesser in a game of Taboo, and a careful"
    )
    assert guesser_body["temperature"] == 0.2


async def offline_conversation(tmp_path: Path, *flags: str) -> list[tuple[str, str, str]]:
    """Play `python main.py taboo --offline FLAGS` in process; what was said, from its log."""
    log = tmp_path / f"game-{next(LOG_NUMBERS)}.jsonl"
    args = build_parser().parse_args(["taboo", "--offline", "--log", str(log), *flags])
    assert await run_game(GAME, args, Console(file=io.StringIO())) == 0
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    return [(r["sender"], r["kind"], r["text"]) for r in records if r["event"] == "message_sent"]


async def test_the_same_seed_plays_the_same_offline_game(tmp_path: Path) -> None:
    """Without knobs changing, the same seed gives the same transcript (the baseline for the next tests)."""
    first = await offline_conversation(tmp_path, "--seed", "4", "--card", "volcano")
    second = await offline_conversation(tmp_path, "--seed", "4", "--card", "volcano")
    assert first == second


async def test_a_terse_hinter_clues_differently_offline(tmp_path: Path) -> None:
    """The terse persona's offline knob (terse = true) changes the hinter's clues under the same seed."""
    flags = ("--seed", "4", "--card", "volcano")
    plain = await offline_conversation(tmp_path, *flags)
    terse = await offline_conversation(tmp_path, *flags, "--hinter", "terse")
    clues = [text for sender, kind, text in plain if sender == HINTER]
    terse_clues = [text for sender, kind, text in terse if sender == HINTER]
    assert clues[0] != terse_clues[0]
    assert len(terse_clues[0].removeprefix("CLUE: ").split()) == 1


async def test_a_lateral_guesser_guesses_differently_offline(tmp_path: Path) -> None:
    """The lateral persona (lateral = 0.5) strays from the literal guesser under the same seeds."""
    for seed in ("1", "2", "3", "4", "5"):  # the first seed where they differ is enough
        flags = ("--seed", seed, "--turns", "5")
        literal = await offline_conversation(tmp_path, *flags, "--guesser", "literal")
        lateral = await offline_conversation(tmp_path, *flags, "--guesser", "lateral")
        if literal != lateral:
            return
    raise AssertionError("the lateral guesser said what the literal one said under every seed")


async def test_a_bad_persona_stops_the_command_before_anything_runs(tmp_path: Path) -> None:
    """plan() turns a malformed persona file into one UsageError line naming file, line and key."""
    path = tmp_path / "bad.toml"
    path.write_text('name = "bad"\nroles = ["guesser"]\nprompt = "Guess {target}"\n', encoding="utf-8")
    args = build_parser().parse_args(["taboo", "--offline", "--guesser", str(path)])
    with pytest.raises(UsageError) as caught:
        plan_game(GAME, args)
    assert str(caught.value) == (
        f"{path}:3: prompt: {{target}} is not available to the guesser: the guesser never sees the card"
    )


async def test_a_run_unfreezes_the_heap_it_froze_and_leaves_a_frozen_one_frozen(tmp_path: Path) -> None:
    """A run keeps what planning loaded out of the collector while it plays (gc.freeze) and unfreezes as it
    ends; a heap frozen before it (as the tests freeze theirs) stays frozen for whoever froze it."""
    gc.unfreeze()  # tests/conftest.py froze the heap for this test
    assert gc.get_freeze_count() == 0
    await offline_conversation(tmp_path, "--seed", "4")
    assert gc.get_freeze_count() == 0
    gc.freeze()
    before = gc.get_freeze_count()
    await offline_conversation(tmp_path, "--seed", "4")
    assert gc.get_freeze_count() >= before > 0
