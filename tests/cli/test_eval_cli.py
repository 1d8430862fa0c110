"""`python main.py eval PLAN.toml`: every cell played as its game command plays it, into one folder;
interrupted and resumed as a whole, with every planned game played exactly once and a results table that
says what the logs say."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from tests.support.cli import read_log, run_main, start_main
from tests.support.evals import (
    chains,
    demo_eval,
    ended_in,
    outcome_counts,
    planned_ids,
    results_csv,
    results_json,
    stop_after_a_game,
    write_plan,
)

OUTCOMES = ("success", "lose_violation", "lose_turns", "aborted", "error")


def assert_results_are_the_logs(out: Path) -> None:
    """results.csv and results.json count, per cell, exactly the games its logs ended, each once."""
    table, document = results_csv(out), results_json(out)
    rows = {row["cell"]: row for row in document["cells"]}
    assert set(table) == set(rows)
    logs = chains(out)
    for cell, row in rows.items():
        ended = ended_in(logs.get(cell, []))
        counts = outcome_counts(ended)
        assert row["ended"] == len(ended) == int(table[cell]["ended"])
        for outcome in OUTCOMES:
            assert row[outcome] == counts[outcome] == int(table[cell][outcome]), (cell, outcome)
        assert row["logs"] == [str(path.relative_to(out)) for path in logs.get(cell, [])]
        assert table[cell]["logs"] == ";".join(row["logs"])
    for label, totals in document["games"].items():
        mine = [row for row in rows.values() if row["game"] == label]
        assert totals["ended"] == sum(row["ended"] for row in mine)
        assert totals["success"] == sum(row["success"] for row in mine)


def test_an_eval_interrupted_with_ctrl_c_and_resumed_plays_every_game_once(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Two offline casts x two games x 50 games: Ctrl-C during the first cell, then `eval --resume DIR`;
    each cell's chain of logs ends every planned game exactly once, and the results table is the logs'.
    (The session's demo eval, which the report tests read too: tests/support/evals.demo_eval.)"""
    folder = demo_eval(tmp_path_factory)
    out = folder / "out"
    runs = json.loads((folder / "runs.json").read_text(encoding="utf-8"))
    stopped, resumed = runs["interrupted"], runs["resumed"]
    assert stopped["code"] == 130, stopped["stderr"]
    assert f"eval interrupted — go on with: python main.py eval --resume {out}" in stopped["stdout"]
    interrupted = results_json(folder / "interrupted")
    assert interrupted["complete"] is False
    assert_results_are_the_logs(folder / "interrupted")
    first = read_log(out / "logs" / "taboo-steady-7.jsonl")
    assert first[-1]["event"] == "run_ended" and first[-1]["status"] == "interrupted"
    assert (folder / "interrupted" / "logs" / "taboo-steady-7.jsonl").read_bytes() == (
        out / "logs" / "taboo-steady-7.jsonl"
    ).read_bytes(), "the resume left the interrupted log as it was"

    assert resumed["code"] == 0, resumed["stderr"]
    assert "eval demo: 4 of 4 cell(s) done, 200 game(s)" in resumed["stdout"]
    assert f"next: python main.py report {out}" in resumed["stdout"]

    logs = chains(out)
    assert sorted(logs) == [
        "taboo-sloppy-7",
        "taboo-steady-7",
        "twenty-questions-sloppy-7",
        "twenty-questions-steady-7",
    ]
    assert len(logs["taboo-steady-7"]) == 2, "the interrupted cell went on in a log of its own"
    for cell, paths in logs.items():
        ended = [record["game_id"] for record in ended_in(paths)]
        assert sorted(ended) == sorted(planned_ids(paths[0])), cell  # every planned game, each once
        assert len(ended) == 50
    assert_results_are_the_logs(out)
    document = results_json(out)
    assert document["complete"] is True
    assert {row["cell"]: row["status"] for row in document["cells"]} == dict.fromkeys(logs, "done")
    assert document["games"]["taboo"]["ended"] == document["games"]["twenty-questions"]["ended"] == 100
    steady, sloppy = (document["cells"][index]["success_rate"] for index in (0, 1))
    assert steady > sloppy, "the careless persona's cast loses more (its knobs reached the players)"


def test_an_eval_stopped_by_sigterm_goes_on_with_the_same_command(tmp_path: Path) -> None:
    plan = write_plan(tmp_path, '[game.taboo]\ngames = 60\n\n[cast.a]\nmodel = "offline"\n')
    out = tmp_path / "out"
    process = start_main("eval", str(plan), "--out", str(out), "--quiet")
    _, stderr = stop_after_a_game(process, out / "logs" / "taboo-a-1.jsonl", signal.SIGTERM)
    assert process.returncode == 143, stderr
    assert "stopped by SIGTERM; the run log was closed" in stderr
    again = run_main("eval", str(plan), "--out", str(out), "--quiet")
    assert again.returncode == 0, again.stderr
    paths = chains(out)["taboo-a-1"]
    assert len(paths) == 2
    assert sorted(r["game_id"] for r in ended_in(paths)) == sorted(planned_ids(paths[0]))
    assert_results_are_the_logs(out)


def test_a_finished_eval_plays_nothing_again_and_refuses_a_plan_that_changes_its_cells(
    tmp_path: Path,
) -> None:
    text = '[game.taboo]\ngames = 3\nturns = 4\n\n[cast.a]\nmodel = "offline"\n'
    plan = write_plan(tmp_path, text)
    out = tmp_path / "out"
    assert run_main("eval", str(plan), "--out", str(out), "--quiet").returncode == 0
    assert (out / "plan.toml").read_text(encoding="utf-8") == text
    before = sorted((out / "logs").iterdir())

    again = run_main("eval", str(plan), "--out", str(out), "--quiet")
    assert again.returncode == 0, again.stderr
    assert sorted((out / "logs").iterdir()) == before
    assert "eval plan: 1 of 1 cell(s) done, 3 game(s)" in again.stdout

    plan.write_text(text.replace("turns = 4", "turns = 2"), encoding="utf-8")
    for command in (["--quiet"], ["--check"]):
        refused = run_main("eval", str(plan), "--out", str(out), *command)
        assert refused.returncode == 2
        assert refused.stderr.splitlines() == [
            f"{plan}:3: game.taboo.turns: the cell taboo-a-1 was played with turns = 4; the plan now says 2: "
            "put it back, or write this eval to another --out DIR"
        ]
    assert sorted((out / "logs").iterdir()) == before

    plan.write_text("seeds = [1, 2]\n" + text, encoding="utf-8")
    checked = run_main("eval", str(plan), "--out", str(out), "--check")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.splitlines() == [
        "taboo-a-1: 3 game(s), done",
        "taboo-a-2: 3 game(s), not started",
        f"ok: {plan}: 2 cell(s), 6 game(s) — folder {out}",
    ]
    grown = run_main("eval", str(plan), "--out", str(out), "--quiet")
    assert grown.returncode == 0, grown.stderr
    assert sorted(chains(out)) == ["taboo-a-1", "taboo-a-2"]
    assert chains(out)["taboo-a-1"] == before  # the played cell was not played again
    assert_results_are_the_logs(out)


def test_cells_run_as_the_game_command_with_their_flags(tmp_path: Path) -> None:
    """A cell's log is the game command's: its settings, seed, models and personas as the plan gives them;
    a clembench instances file played whole with games = "all"."""
    instances = Path(__file__).resolve().parents[1] / "games" / "taboo" / "data" / "instances.json"
    plan = write_plan(
        tmp_path,
        f"""\
name = "flags"
seeds = 11

[game.clem]
game = "taboo"
instances = "{instances}"
rules = "clembench"
games = "all"

[game.short]
game = "taboo"
turns = 2
games = 4
swap = true

[cast.mixed]
model = "offline"
persona = "terse"

[cast.mixed.guesser]
persona = "sloppy.toml"
""",
    )
    out = tmp_path / "out"
    done = run_main("eval", str(plan), "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    clem = read_log(out / "logs" / "clem-mixed-11.jsonl")[0]["config"]
    assert clem["rules"] == "clembench" and clem["instances"] == str(instances) and clem["seed"] == 11
    assert clem["games"] == 3  # every instance of the file
    short = read_log(out / "logs" / "short-mixed-11.jsonl")[0]["config"]
    assert short["turns"] == 2 and short["games"] == 4 and short["swap"] is True
    assert {role: persona["name"] for role, persona in short["personas"].items()} == {
        "hinter": "terse",
        "guesser": "sloppy",
    }
    assert short["personas"]["guesser"]["source"] == str(tmp_path / "sloppy.toml")
    rows = {row["cell"]: row for row in results_json(out)["cells"]}
    assert rows["clem-mixed-11"]["rules"] == "clembench" and rows["clem-mixed-11"]["planned"] == 3
    assert rows["short-mixed-11"]["planned"] == 8  # four games and their swapped twins
    assert_results_are_the_logs(out)
