"""A cell of an eval plan as the flags of its game command: the game's settings (paths from the plan's
folder), the number of games, the seed, and each role's model, persona and model settings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from games.cli.evals.arguments import has_flag, parse
from games.cli.evals.cells import Cell, run_arguments
from games.cli.evals.plan import RoleChoice, read_plan
from games.cli.registry import games_by_name
from tests.support.cli import read_log, run_main

PLAN = """\
seeds = [5]
persona_dirs = "people"

[game.taboo]
deck = "decks/mine.json"
turns = 3
swap = true

[cast.a]
model = "offline"
persona = "terse"

[cast.a.guesser]
model = "script:replies.toml"
persona = "mine.toml"
"""
# The model settings flags come with the `settings` branch (--temperature, --max-tokens and their
# per-role forms); until it is merged, a plan that sets them is refused, and these tests say so.
SETTINGS_FLAGS = has_flag(games_by_name()["taboo"], "--temperature")


def read(tmp_path: Path, text: str = PLAN):
    (tmp_path / "people").mkdir(exist_ok=True)
    (tmp_path / "mine.toml").write_text(
        'name = "mine"\nroles = ["guesser"]\nprompt = "You guess. {rules}"\n', encoding="utf-8"
    )
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    return read_plan(path)


def test_a_cells_flags_are_the_game_commands_with_paths_from_the_plans_folder(tmp_path: Path) -> None:
    plan = read(tmp_path)
    cell = Cell(plan.entries["taboo"], plan.casts["a"], 5)
    assert cell.id == "taboo-a-5"
    assert cell.arguments(plan, 4) == [
        f"--deck={tmp_path / 'decks/mine.json'}",
        "--swap",
        "--turns=3",
        "--games=4",
        "--seed=5",
        "--model=offline",
        "--hinter=terse",
        f"--guesser-model=script:{tmp_path / 'replies.toml'}",
        f"--guesser={tmp_path / 'mine.toml'}",
        f"--persona-dir={tmp_path / 'people'}",
    ]
    args = parse(
        games_by_name()["taboo"], [*cell.arguments(plan, 4), *run_arguments(plan, Path("x.jsonl"), None)]
    )
    assert (args.turns, args.games, args.seed, args.swap, args.quiet, args.log) == (
        3,
        4,
        5,
        True,
        True,
        "x.jsonl",
    )
    assert (args.model, args.guesser_model, args.hinter, args.resume) == (
        "offline",
        f"script:{tmp_path / 'replies.toml'}",
        "terse",
        None,
    )


def test_cast_settings_become_the_settings_flags_for_every_role_and_for_one(tmp_path: Path) -> None:
    plan = read(tmp_path)
    cast = plan.casts["a"]
    cast = replace(
        cast,
        everyone=replace(cast.everyone, settings={"temperature": 0.3}),
        roles={"guesser": RoleChoice(model="offline", settings={"max_tokens": 40, "temperature": 0.0})},
    )
    flags = Cell(plan.entries["taboo"], cast, 5).arguments(plan, None)
    assert flags[flags.index("--temperature=0.3") :] == [
        "--temperature=0.3",
        "--hinter=terse",
        "--guesser-model=offline",
        "--guesser=terse",
        "--guesser-max-tokens=40",
        "--guesser-temperature=0.0",
        f"--persona-dir={tmp_path / 'people'}",
    ]
    assert Cell(plan.entries["taboo"], cast, 5).definition(plan)["roles"] == {
        "hinter": {"model": "offline", "persona": "terse", "temperature": 0.3},
        "guesser": {"model": "offline", "persona": "terse", "temperature": 0.0, "max_tokens": 40},
    }


def test_cast_settings_reach_the_log_or_wait_for_the_flags(tmp_path: Path) -> None:
    """With the settings flags, the cell's log records each role's settings as the command line set
    them; without them (before the `settings` branch), the plan is refused at the settings' keys."""
    plan = tmp_path / "plan.toml"
    plan.write_text(
        '[game.taboo]\ngames = 2\n\n[cast.a]\nmodel = "offline"\ntemperature = 0.3\n\n'
        "[cast.a.guesser]\nmax_tokens = 40\n",
        encoding="utf-8",
    )
    result = run_main("eval", str(plan), "--out", str(tmp_path / "out"), "--quiet")
    if not SETTINGS_FLAGS:
        assert result.returncode == 2
        assert result.stderr.splitlines() == [
            f"{plan}:6: cast.a.temperature: the game command (taboo) has no --temperature flag in this "
            "version; leave it out, or set it in a persona's [settings]",
            f"{plan}:9: cast.a.guesser.max_tokens: the game command (taboo) has no --guesser-max-tokens flag "
            "in this version; leave it out, or set it in a persona's [settings]",
        ]
        return
    assert result.returncode == 0, result.stderr
    config = read_log(tmp_path / "out" / "logs" / "taboo-a-1.jsonl")[0]["config"]
    assert config["model_settings"] == {
        "hinter": {"temperature": 0.3},
        "guesser": {"temperature": 0.3, "max_tokens": 40},
    }
