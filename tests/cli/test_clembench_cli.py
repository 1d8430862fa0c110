"""clembench's Taboo from the command line: an instances file played under its rules, scripted models,
its records imported, replayed, rendered and rerun under its rules and under ours."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.support.cli import events, read_log, run_main

DATA = Path(__file__).resolve().parents[1] / "games" / "taboo" / "data"
INSTANCES = DATA / "instances.json"
RECORDS = DATA / "clembench_records"
PAIR_A = "alpha-chat-7b-t0.0--alpha-chat-7b-t0.0"
PAIR_B = "beta-instruct-12b-t0.0--gamma-mini-t0.0"
SCRIPT = {
    "hinter": ["CLUE: you carry it at night to see the path"],
    "guesser": ["GUESS: lantern"],
    "games": {
        "g2": {"hinter": ["CLUE: the path a moon takes around a planet"]},
        "g3": {
            "hinter": ["CLUE: it takes cars across", "CLUE: on a fixed route"],
            "guesser": ["GUESS: bridge"] * 2,
        },
    },
}


def script(folder: Path, replies: dict | None = None) -> Path:
    path = folder / "script.json"
    path.write_text(json.dumps(replies or SCRIPT), encoding="utf-8")
    return path


def imported(folder: Path) -> dict[str, Path]:
    done = run_main("import", "clembench", str(RECORDS), "--out", str(folder))
    assert done.returncode == 0, done.stderr
    return {pair: folder / f"taboo-clembench-{pair}.jsonl" for pair in (PAIR_A, PAIR_B)}


def test_an_instances_file_is_played_whole_in_order_under_clembench_rules(tmp_path: Path) -> None:
    """Every instance is a game, in file order, with its experiment's turns; the summary shows the
    rule set and clembench's figures."""
    log, summary = tmp_path / "run.jsonl", tmp_path / "summary.json"
    done = run_main(
        "taboo", "--instances", str(INSTANCES), "--rules", "clembench", "--script", str(script(tmp_path)),
        "--log", str(log), "--summary-json", str(summary),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "clembench clemscore" in done.stdout and "│ rules" in done.stdout
    records = read_log(log)
    assert [entry["subject"] for entry in records[0]["plan"]] == ["common_en/0", "common_en/1", "rare_en/0"]
    assert [r["turns"] for r in events(records, "game_started")] == [3, 3, 2]
    ended = {r["game_id"]: r["outcome"] for r in events(records, "game_ended")}
    assert ended == {"g1": "success", "g2": "lose_violation", "g3": "lose_turns"}
    figures = json.loads(summary.read_text(encoding="utf-8"))
    assert figures["rules"] == "clembench"
    assert figures["rules_figures"]["percent_played"] == 100.0
    assert figures["rules_figures"]["quality_score"] == 33.33
    assert figures["rules_figures"]["clemscore"] == 33.33


def test_games_and_card_pick_instances(tmp_path: Path) -> None:
    """--games N plays the first N instances; --card WORD the instance of that target."""
    for flags, subjects in ((["--games", "1"], ["common_en/0"]), (["--card", "ferry"], ["rare_en/0"])):
        log = tmp_path / f"{flags[0]}.jsonl"
        done = run_main(
            "taboo", "--instances", str(INSTANCES), "--offline", "--quiet", "--log", str(log), *flags
        )
        assert done.returncode == 0, done.stderr
        assert [entry["subject"] for entry in read_log(log)[0]["plan"]] == subjects


@pytest.mark.parametrize(
    ("flags", "needle"),
    [
        (
            ["--rules", "clembench"],
            "--rules clembench plays a clembench instances file: give --instances PATH",
        ),
        (["--instances", "nowhere.json"], "nowhere.json: cannot read the file"),
        (["--instances", str(INSTANCES), "--deck", "games/taboo/data/deck.json"], "give one of them"),
        (["--instances", str(INSTANCES), "--script", "nowhere.json"], "nowhere.json: cannot read the file"),
    ],
)
def test_bad_flags_or_files_are_one_line_and_exit_2(flags: list[str], needle: str) -> None:
    done = run_main("taboo", *flags)
    assert done.returncode == 2
    assert needle in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_bad_instances_file_names_the_file_and_the_field(tmp_path: Path) -> None:
    data = json.loads(INSTANCES.read_text(encoding="utf-8"))
    data["experiments"][1]["game_instances"][0]["related_word"] = ["boat"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    done = run_main("taboo", "--instances", str(path))
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"error: {path}: experiments[1].game_instances[0].related_word: has 1 word(s); "
        "the describer's prompt lists 3: it needs that many"
    )


def test_a_bad_script_file_names_the_field(tmp_path: Path) -> None:
    path = script(tmp_path, {"hinter": ["CLUE: x"], "guesser": "GUESS: x"})
    done = run_main("taboo", "--script", str(path))
    assert done.returncode == 2
    assert f"{path}: guesser: is a string, expected a list of replies" in done.stderr


def test_imported_records_reproduce_clembench_outcomes_and_scores(tmp_path: Path) -> None:
    """Each episode becomes a game with clembench's recorded outcome and scores, and rerun under the
    clembench rules plays every one again to the same end."""
    logs = imported(tmp_path)
    recorded = {}
    for scores in RECORDS.rglob("scores.json"):
        recorded[scores.parent] = json.loads(scores.read_text(encoding="utf-8"))["episode scores"]
    ended = [r for log in logs.values() for r in events(read_log(log), "game_ended")]
    assert [r["outcome"] for r in ended] == [
        "success", "lose_violation", "success", "lose_turns", "aborted", "success", "aborted",
    ]  # fmt: skip
    assert [r["score"] for r in ended] == [50.0, 0.0, 100.0, 0.0, None, 100.0, None]
    assert all(r["rules"] == "clembench" for r in ended)
    scored = [r["scores"]["Main Score"] for r in ended]
    assert scored == [50.0, 0, 100.0, 0, None, 100.0, None]
    assert len(recorded) == 5
    for log in logs.values():
        done = run_main("rerun", str(log), "--rules", "clembench", "--log", str(tmp_path / "rerun.jsonl"))
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().splitlines()[-1].startswith("reproduced: ")


def test_the_import_says_what_it_left_out(tmp_path: Path) -> None:
    done = run_main("import", "clembench", str(RECORDS), "--out", str(tmp_path))
    assert "left out 1 episode(s) recorded by clembench's Taboo before 1.6" in done.stderr
    assert "no instance.json: the target and related words read from the prompt" in done.stderr
    assert f"{PAIR_A}: 5 episode(s)" in done.stdout and f"{PAIR_B}: 2 episode(s)" in done.stdout
    instances = json.loads((tmp_path / f"{PAIR_A}.instances.json").read_text(encoding="utf-8"))
    assert [e["name"] for e in instances["experiments"]] == ["common_en", "rare_en"]


def test_the_models_receive_what_clembench_sent(tmp_path: Path) -> None:
    """An imported call's request is the record's (requests.json's chat, or rebuilt from the
    interactions); rerun checks today's game sends exactly that."""
    log = imported(tmp_path)[PAIR_A]
    calls = [r for r in read_log(log) if r["event"] == "llm_call" and r["game_id"] == "g1"]
    assert [(c["agent"], c["call_index"]) for c in calls] == [
        ("hinter", 0),
        ("guesser", 0),
        ("hinter", 1),
        ("guesser", 1),
    ]
    reply = {"role": "assistant", "content": "CLUE: You carry it on a dark path.  It's old-fashioned"}
    assert calls[2]["messages"] == [0, reply, {"role": "user", "content": "GUESS: torch"}]  # 0: the prompt
    assert calls[0]["usage"] == {"prompt_tokens": 40, "completion_tokens": 12, "estimated": False}


def test_rerun_under_the_strict_rules_counts_successes_that_break_a_rule(tmp_path: Path) -> None:
    log = imported(tmp_path)[PAIR_A]
    done = run_main("rerun", str(log), "--rules", "strict", "--log", str(tmp_path / "strict.jsonl"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert (
        "g3: success → lose_violation (hinter broke the embedded_word rule: 'needlelike' for 'needle')"
        in lines
    )
    assert (
        "alpha-chat-7b/default as hinter: 1 of 2 recorded success(es) break a rule under the strict rules"
        in lines
    )
    assert lines[-1].startswith("re-judged under the strict rules (recorded under clembench): 2 of 5 game(s)")
    rerun = read_log(tmp_path / "strict.jsonl")
    assert rerun[0]["config"]["rules"] == "strict" and rerun[0]["rules"] == "strict"


def test_rerun_refuses_a_rule_set_the_game_does_not_have(tmp_path: Path) -> None:
    log = imported(tmp_path)[PAIR_B]
    done = run_main("rerun", str(log), "--rules", "lenient")
    assert done.returncode == 2
    assert (
        "--rules lenient: not a rule set of taboo (its rule sets are strict, clembench, or current)"
        in done.stderr
    )


def test_imported_logs_replay_and_render_as_html(tmp_path: Path) -> None:
    log = imported(tmp_path)[PAIR_B]
    shown = run_main("replay", str(log), "--game", "g1")
    assert shown.returncode == 0, shown.stderr
    assert "clembench rules" in shown.stdout and "GUESS: lantern" in shown.stdout
    page = tmp_path / "page.html"
    drawn = run_main("replay", str(log), "--html", str(page))
    assert drawn.returncode == 0, drawn.stderr
    assert "clembench clemscore" in page.read_text(encoding="utf-8")


def test_a_folder_without_records_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = run_main("import", "clembench", str(tmp_path))
    assert done.returncode == 2 and "no clembench Taboo episode" in done.stderr


def test_a_malformed_record_names_the_file_and_the_field(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(RECORDS, records)
    broken = records / "v2.0" / PAIR_B / "taboo" / "0_common_en" / "episode_1" / "interactions.json"
    data = json.loads(broken.read_text(encoding="utf-8"))
    del data["turns"][0][1]["action"]["type"]
    broken.write_text(json.dumps(data), encoding="utf-8")
    done = run_main("import", "clembench", str(records), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: {broken}: turns[0][1].action.type: expected a string"


def test_an_interrupted_instances_batch_resumes_and_its_summary_counts_every_game(tmp_path: Path) -> None:
    """The resumed run plays the instances left; clembench's figures include the carried game."""
    full, cut, resumed = tmp_path / "full.jsonl", tmp_path / "cut.jsonl", tmp_path / "resumed.jsonl"
    flags = [
        "--instances",
        str(INSTANCES),
        "--rules",
        "clembench",
        "--offline",
        "--quiet",
        "--concurrency",
        "1",
    ]
    assert run_main("taboo", *flags, "--log", str(full)).returncode == 0
    lines = full.read_text(encoding="utf-8").splitlines()
    first_end = next(i for i, line in enumerate(lines) if json.loads(line)["event"] == "game_ended")
    cut.write_text("\n".join(lines[: first_end + 1]) + "\n", encoding="utf-8")
    summary = tmp_path / "summary.json"
    done = run_main("taboo", "--resume", str(cut), "--log", str(resumed), "--summary-json", str(summary))
    assert done.returncode == 0, done.stderr
    assert len(events(read_log(resumed), "game_ended")) == 2
    assert json.loads(summary.read_text(encoding="utf-8"))["rules_figures"]["episodes"] == 3


def test_a_game_with_one_rule_set_refuses_rerun_rules(tmp_path: Path) -> None:
    log = tmp_path / "tq.jsonl"
    assert run_main("twenty-questions", "--offline", "--quiet", "--log", str(log)).returncode == 0
    done = run_main("rerun", str(log), "--rules", "strict")
    assert done.returncode == 2
    assert "not a rule set of twenty-questions (it has one rule set, or current)" in done.stderr
