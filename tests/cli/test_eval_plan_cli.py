"""`python main.py eval PLAN.toml` refuses a wrong plan as `personas check` refuses a wrong persona: every
problem on a line of its own (file:line: key: what, with a did-you-mean), exit 2, nothing played."""

from __future__ import annotations

import re
from pathlib import Path

from games.cli.evals.arguments import has_flag
from games.cli.registry import games_by_name
from tests.support.cli import run_main
from tests.support.evals import SLOPPY_PERSONA


def refused(tmp_path: Path, text: str) -> list[str]:
    """The problem lines of the plan `text` (a test fails unless it is refused with nothing run)."""
    plan = tmp_path / "plan.toml"
    plan.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run_main("eval", str(plan), "--out", str(out))
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert not out.exists(), "a refused plan wrote its folder"
    return result.stderr.splitlines()


def test_every_problem_of_the_file_is_a_line_with_its_file_line_key_and_hint(tmp_path: Path) -> None:
    lines = refused(
        tmp_path,
        """\
name = "bad"
seeds = [1, "two"]
gmaes = 3
concurrency = 0

[game.tabo]
turns = 4

[game.taboo]
turns = "many"
rules = "strikt"
modle = "x"
casts = ["plain", "carefull"]

[game.q]
game = "twenty-question"

[cast.plain]
model = "offline"
persona = "defualt"
temperature = 3

[cast.plain.hintr]
model = "offline"

[cast.careful]
model = "offline"
""",
    )
    plan = tmp_path / "plan.toml"
    assert lines == [
        f"{plan}:2: seeds: a seed is a whole number, got a string ('two')",
        f"{plan}:3: gmaes: unknown key; did you mean 'games'? (keys: name, description, seeds, games, "
        "concurrency, max_concurrent_calls, rpm, request_timeout, redis, queue, persona_dirs, game, cast)",
        f"{plan}:4: concurrency: expected a whole number of at least 1, got a whole number (0)",
        f"{plan}:6: game.tabo: unknown game 'tabo'; did you mean 'taboo'? (games: taboo, twenty-questions, "
        "chameleon); or name it with game = NAME",
        f"{plan}:10: game.taboo.turns: expected a whole number, got 'many'",
        f"{plan}:11: game.taboo.rules: expected one of strict, clembench, got 'strikt'; did you mean "
        "'strict'?",
        f"{plan}:12: game.taboo.modle: unknown key; did you mean 'model'? (models are chosen by the casts: "
        "[cast.NAME] model = ...)",
        f"{plan}:13: game.taboo.casts: no cast named 'carefull'; did you mean 'careful'? (casts: plain, "
        "careful)",
        f"{plan}:16: game.q.game: unknown game 'twenty-question'; did you mean 'twenty-questions'? (games: "
        "taboo, twenty-questions, chameleon)",
        f"{plan}:20: cast.plain.persona: no persona named 'defualt'; did you mean 'default'? "
        "(looked in: personas/, built-in)",
        f"{plan}:21: cast.plain.temperature: expected a value from 0.0 to 2.0, got 3",
        f"{plan}:23: cast.plain.hintr: unknown role 'hintr'; did you mean 'hinter'? (the roles of its games: "
        "hinter, guesser)",
        f"{plan}:26: cast.careful: this cast plays no game: no game's casts = [...] names it",
    ]


def test_wrong_types_misplaced_tables_and_roles_of_other_games(tmp_path: Path) -> None:
    lines = refused(
        tmp_path,
        """\
seeds = 1.5
casts = "x"

[games.taboo]

[game.taboo]
swap = "yes"
game = 3

[game.twenty-questions]
games = 0
questions = 0

[cast.a]
model = 7
max_tokens = 2.5

[cast.a.guesser]
persona = ["default"]
""",
    )
    plan = tmp_path / "plan.toml"
    assert lines == [
        f"{plan}:1: seeds: expected a whole number or a list of them, got a number (1.5)",
        f"{plan}:2: casts: unknown key; did you mean 'cast'? (keys: name, description, seeds, games, "
        "concurrency, max_concurrent_calls, rpm, request_timeout, redis, queue, persona_dirs, game, cast)",
        f"{plan}:4: games.taboo: a game's table is [game.NAME]; games = N is the number of games per cell",
        f"{plan}:8: game.taboo.game: expected a game's name, got a whole number (3)",
        f'{plan}:11: game.twenty-questions.games: expected a number of games of at least 1 or "all", got a '
        "whole number (0)",
        f"{plan}:12: game.twenty-questions.questions: expected a number of at least 1, got 0",
        f"{plan}:15: cast.a.model: expected a string, got a whole number (7)",
        f"{plan}:16: cast.a.max_tokens: expected a whole number, got a number (2.5)",
        f"{plan}:18: cast.a.guesser: the guesser (taboo) is a role of no game this cast plays",
    ]


def test_a_toml_syntax_error_names_its_line(tmp_path: Path) -> None:
    lines = refused(tmp_path, '[game.taboo]\nturns = 4\n[cast.a\nmodel = "offline"\n')
    assert lines == [
        f"{tmp_path / 'plan.toml'}:3: TOML syntax error: Expected ']' at the end of a table declaration "
        "(column 8)"
    ]


def test_an_empty_plan_and_a_plan_without_casts(tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    assert refused(tmp_path, "\n") == [f"{plan}: the file is empty: a plan needs at least a game and a cast"]
    assert refused(tmp_path, 'name = "x"\n') == [
        f"{plan}: no games: add a table [game.NAME] for each game to play",
        f"{plan}: no casts: add a table [cast.NAME] naming the model (and persona) of each role",
    ]


def test_what_the_game_command_refuses_is_put_at_the_plans_key(tmp_path: Path) -> None:
    """The games' data and the models are checked by the game command itself: a deck that is not there
    (its path relative to the plan's folder), a model that needs a server."""
    lines = refused(
        tmp_path,
        """\
[game.taboo]
deck = "decks/none.json"

[cast.real]
model = "gpt-4o-mini"

[cast.offline]
model = "offline"
""",
    )
    plan = tmp_path / "plan.toml"
    assert lines == [
        f"{plan}:2: game.taboo.deck: {tmp_path / 'decks/none.json'}: cannot read the file: No such file or "
        "directory",
    ]
    lines = refused(tmp_path, '[game.taboo]\n\n[cast.real]\nmodel = "gpt-4o-mini"\n')
    assert lines == [
        f"{plan}:3: cast.real: model 'gpt-4o-mini' needs an API key (OPENAI_API_KEY) or a server (--base-url "
        "or OPENAI_BASE_URL); use --offline to play without one"
    ]


def test_a_persona_file_of_the_plan_is_checked_for_its_roles(tmp_path: Path) -> None:
    """A persona given by path (relative to the plan's folder) is read and checked for each role it is
    cast in; its own problems are named with its own file and line."""
    (tmp_path / "hinters.toml").write_text(
        'name = "hinters"\nroles = ["hinter"]\nprompt = "You give clues for {target}. {rules}"\n',
        encoding="utf-8",
    )
    (tmp_path / "broken.toml").write_text('name = "broken"\nprompt = "{nope}"\n', encoding="utf-8")
    lines = refused(
        tmp_path,
        """\
[game.taboo]

[cast.a]
model = "offline"
persona = "hinters.toml"

[cast.b]
model = "offline"

[cast.b.hinter]
persona = "broken.toml"
""",
    )
    plan, broken = tmp_path / "plan.toml", tmp_path / "broken.toml"
    assert (
        lines[0]
        == f"{plan}:5: cast.a.persona: persona 'hinters' does not play the guesser (it plays: hinter)"
    )
    assert lines[1].startswith(
        f"{plan}:11: cast.b.hinter.persona: {broken}:2: prompt: unknown placeholder {{nope}} "
        "(the hinter has: "
    )
    assert lines[1].endswith(f"(and 2 more); 'python main.py personas check {broken}' lists them")
    assert len(lines) == 2


def test_the_example_plan_of_the_docs_is_a_valid_plan(tmp_path: Path) -> None:
    """docs/eval.md's full example, with the files it names, checks fine (its model settings wait for the
    game command's --temperature/--max-tokens flags where those are not there yet)."""
    docs = (Path(__file__).resolve().parents[2] / "docs" / "eval.md").read_text(encoding="utf-8")
    example = re.findall(r"```toml\n(.*?)```", docs, re.S)[0]
    (tmp_path / "data").mkdir()
    (tmp_path / "personas").mkdir()
    instances = Path(__file__).resolve().parents[1] / "games" / "taboo" / "data" / "instances.json"
    (tmp_path / "data" / "instances.json").write_bytes(instances.read_bytes())
    (tmp_path / "sloppy.toml").write_text(SLOPPY_PERSONA, encoding="utf-8")
    plan = tmp_path / "plan.toml"
    plan.write_text(example, encoding="utf-8")
    checked = run_main("eval", str(plan), "--check", "--out", str(tmp_path / "out"))
    if not has_flag(games_by_name()["taboo"], "--temperature"):
        assert checked.returncode == 2
        assert [line.split(": ")[1] for line in checked.stderr.splitlines()] == [
            "cast.local.temperature",
            "cast.local.max_tokens",
            "cast.local.guesser.temperature",
        ]
        return
    assert checked.returncode == 0, checked.stderr
    assert (
        checked.stdout.splitlines()[-1] == f"ok: {plan}: 21 cell(s), 909 game(s) — folder {tmp_path / 'out'}"
    )
