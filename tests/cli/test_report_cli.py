"""`python main.py report`: an eval of two offline casts x two games x 50 games, interrupted and resumed,
whose report is exactly what the logs say; a report over imported clembench records; bad input."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from games.logtools.report import build_report
from tests.cli.test_clembench_cli import RECORDS
from tests.support.cli import read_log, run_main
from tests.support.evals import chains, demo_eval, ended_in


@pytest.fixture(scope="module")
def eval_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo eval (two offline casts x two games x 50 games) stopped with Ctrl-C during its first
    cell, then resumed: played once for the whole session (tests/support/evals.demo_eval), which the
    eval command's test checks; the tests here only read it."""
    folder = demo_eval(tmp_path_factory)
    runs = json.loads((folder / "runs.json").read_text(encoding="utf-8"))
    assert [runs[run]["code"] for run in ("interrupted", "resumed")] == [130, 0], runs
    out = folder / "out"
    assert len(chains(out)["taboo-steady-7"]) == 2, "the interrupted cell went on in a second log"
    return out


def logged_games(out: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """Every game the eval's logs ended, by (cell, game id), as the logs record it."""
    games = {}
    for cell, paths in chains(out).items():
        for record in ended_in(paths):
            games[(cell, record["game_id"])] = record
    return games


def test_the_report_of_an_interrupted_and_resumed_eval_is_what_its_logs_say(eval_folder: Path) -> None:
    """One row per game played (200, none twice), each with the outcome, score and turns its log has;
    the leaderboard counts per cast are the logs' counts."""
    report = build_report([str(eval_folder)])
    logged = logged_games(eval_folder)
    assert len(logged) == 200
    cells = {f"{row.game}-{row.cast}-{row.run_seed}" for row in report.rows}
    assert cells == {
        "taboo-steady-7",
        "taboo-sloppy-7",
        "twenty-questions-steady-7",
        "twenty-questions-sloppy-7",
    }
    rows = {(f"{row.game}-{row.cast}-{row.run_seed}", row.game_id): row for row in report.rows}
    assert len(rows) == len(report.rows) == 200
    assert set(rows) == set(logged)
    for key, record in logged.items():
        row = rows[key]
        assert (row.outcome, row.score, row.turns) == (record["outcome"], record["score"], record["turns"]), (
            key
        )
        assert not row.carried
    for entry in report.leaderboard:
        cell = f"{entry['game']}-{entry['cast']}-7"
        counts = Counter(record["outcome"] for key, record in logged.items() if key[0] == cell)
        assert entry["outcomes"] == dict(sorted(counts.items()))
        assert entry["games"] == 50
        assert entry["successes"] == counts["success"]


def test_casts_that_played_the_same_cards_are_compared_card_by_card(eval_folder: Path) -> None:
    """Both casts played the same 50 cards (same seed): 50 pairs per game, the 2x2 table is the logs',
    and a verdict is given only with p < 0.05."""
    report = build_report([str(eval_folder)])
    logged = logged_games(eval_folder)
    assert {(item["game"], item["a"], item["b"]) for item in report.comparisons} == {
        ("taboo", "sloppy", "steady"),
        ("twenty-questions", "sloppy", "steady"),
    }
    for item in report.comparisons:
        game = item["game"]
        steady = {k[1]: r for k, r in logged.items() if k[0] == f"{game}-steady-7"}
        sloppy = {k[1]: r for k, r in logged.items() if k[0] == f"{game}-sloppy-7"}
        assert item["pairs"] == 50
        won = {
            gid: (sloppy[gid]["outcome"] == "success", steady[gid]["outcome"] == "success") for gid in steady
        }
        assert item["only_a"] == sum(a and not b for a, b in won.values())
        assert item["only_b"] == sum(b and not a for a, b in won.values())
        if item["p_value"] < 0.05:
            assert item["verdict"] in ("sloppy beats steady", "steady beats sloppy")
        else:
            assert item["verdict"] == "no difference shown"
    taboo = next(item for item in report.comparisons if item["game"] == "taboo")
    assert taboo["verdict"] == "steady beats sloppy" and taboo["high"] < 0


def test_report_command_writes_rows_and_the_whole_report(eval_folder: Path, tmp_path: Path) -> None:
    rows_csv, whole = tmp_path / "rows.csv", tmp_path / "report.json"
    done = run_main("report", str(eval_folder), "--csv", str(rows_csv), "--json", str(whole))
    assert done.returncode == 0, done.stderr
    assert "Leaderboard: taboo · strict rules" in done.stdout
    assert "steady beats sloppy" in done.stdout
    assert "200 game(s) from 5 log(s)" in done.stdout
    with rows_csv.open(encoding="utf-8", newline="") as handle:
        table = list(csv.DictReader(handle))
    assert len(table) == 200
    needed = {"run_id", "game", "rules", "cast", "card", "seed", "outcome", "score", "turns", "prompt_tokens",
              "latency_ms", "cost", "log", "game_id"}  # fmt: skip
    assert needed <= set(table[0])
    logs = {path: read_log(Path(path)) for path in {row["log"] for row in table}}  # each read once
    for row in table:  # every row finds its game again in its log
        ended = [r for r in logs[row["log"]] if r["event"] == "game_ended" and r["game_id"] == row["game_id"]]
        assert [r["outcome"] for r in ended if r.get("reason") != "interrupted"] == [row["outcome"]]
    document = json.loads(whole.read_text(encoding="utf-8"))
    assert document["games"] == 200 and len(document["rows"]) == 200
    assert {entry["cast"] for entry in document["leaderboard"]} == {"steady", "sloppy"}


def test_a_resumed_log_alone_counts_the_games_it_carries_once(eval_folder: Path) -> None:
    """Given only the resumed log, the games its earlier log finished come from its carried records."""
    first, second = chains(eval_folder)["taboo-steady-7"]
    alone = build_report([str(second)])
    assert len(alone.rows) == 50
    assert sum(row.carried for row in alone.rows) == len(ended_in([first]))
    both = build_report([str(first), str(second), str(second)])
    assert len(both.rows) == 50 and not any(row.carried for row in both.rows)


def test_games_cut_short_count_as_never_ended_until_a_later_log_ends_them(eval_folder: Path) -> None:
    """The interrupted log alone: its games that started and did not end are said so; with the log that
    resumed it, none is."""
    first, second = chains(eval_folder)["taboo-steady-7"]
    records = read_log(first)
    started = {r["game_id"] for r in records if r["event"] == "game_started"}
    ended = {r["game_id"] for r in ended_in([first])}
    assert build_report([str(first)]).unfinished == len(started - ended)
    assert build_report([str(first), str(second)]).unfinished == 0
    assert build_report([str(eval_folder)]).unfinished == 0


def test_a_report_over_imported_clembench_records_shows_clemscore(tmp_path: Path) -> None:
    """The imported records' clemscore per pair of models, as the records' own scores give it."""
    done = run_main("import", "clembench", str(RECORDS), "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    shown = run_main("report", str(tmp_path), "--json", str(tmp_path / "r.json"))
    assert shown.returncode == 0, shown.stderr
    assert "clemscore" in shown.stdout
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    for entry in document["leaderboard"]:
        assert entry["rules"] == "clembench"
        mains = [r["rule_scores"]["Main Score"] for r in document["rows"] if r["cast"] == entry["cast"]]
        played = [m for m in mains if m is not None]
        quality = sum(played) / len(played)
        expected = round(len(played) / len(mains) * quality, 2)
        assert entry["rule_figures"]["clemscore"] == pytest.approx(expected, abs=0.01)


def test_prices_give_the_cost_of_each_game(tmp_path: Path) -> None:
    done = run_main("import", "clembench", str(RECORDS), "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    prices = tmp_path / "prices.toml"
    prices.write_text(
        '[model."alpha-chat-7b"]\ninput = 1.0\noutput = 2.0\n'
        '[model."beta-instruct-12b"]\ninput = 3\noutput = 4\n[model."gamma-mini"]\ninput = 0\noutput = 0\n',
        encoding="utf-8",
    )
    report = run_main("report", str(tmp_path), "--prices", str(prices), "--json", str(tmp_path / "r.json"))
    assert report.returncode == 0, report.stderr
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    for row in document["rows"]:
        if row["models"] == ["alpha-chat-7b"]:
            assert row["cost"] == pytest.approx(
                (row["prompt_tokens"] * 1 + row["completion_tokens"] * 2) / 1e6
            )
    assert all(entry["cost"] is not None for entry in document["leaderboard"])


def test_a_bad_prices_file_is_one_line_naming_file_line_and_key(tmp_path: Path) -> None:
    log = tmp_path / "run.jsonl"
    assert run_main("taboo", "--offline", "--log", str(log), "--quiet").returncode == 0
    prices = tmp_path / "prices.toml"
    prices.write_text("[model.offline]\ninput = 1\noutptu = 2\n", encoding="utf-8")
    done = run_main("report", str(log), "--prices", str(prices))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"error: {prices}:3: model.offline.outptu: unknown key; did you mean 'output'? (keys: input, output)"
    ]


def test_a_corrupt_log_stops_the_report_in_one_line_or_is_left_out_with_lenient(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    assert run_main("taboo", "--offline", "--log", str(good), "--quiet").returncode == 0
    lines = good.read_text(encoding="utf-8").splitlines()
    lines[3] = "{not json"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stopped = run_main("report", str(tmp_path))
    assert stopped.returncode == 2
    assert stopped.stderr.splitlines() == [
        f"error: {bad}: line 4 is not valid JSON (use --lenient to skip it)"
    ]
    assert "Traceback" not in stopped.stderr
    lenient = run_main("report", str(tmp_path), "--lenient")
    assert lenient.returncode == 0, lenient.stderr
    assert "skipped 1 corrupt line(s): 4" in lenient.stderr
    assert "2 game(s) from 2 log(s)" in lenient.stdout


def test_a_path_that_is_not_there_or_holds_no_logs_is_a_usage_error(tmp_path: Path) -> None:
    missing = run_main("report", str(tmp_path / "nowhere"))
    assert missing.returncode == 2
    assert missing.stderr.splitlines() == [f"error: {tmp_path / 'nowhere'}: no such file or folder"]
    empty = run_main("report", str(tmp_path))
    assert empty.returncode == 2
    assert empty.stderr.splitlines() == [f"error: {tmp_path}: no run logs (*.jsonl) in this folder"]
    not_a_log = tmp_path / "notes.jsonl"
    not_a_log.write_text("hello\n", encoding="utf-8")
    refused = run_main("report", str(not_a_log))
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [f"error: {not_a_log}: line 1 is not JSON: not a run log"]


def test_columns_with_nothing_to_show_are_left_out_and_one_player_on_every_seat_is_named_once(
    tmp_path: Path,
) -> None:
    """Offline players are not timed and no prices were given: no latency or cost column of n/a; with
    prices, the cost column is there."""
    log = tmp_path / "chameleon.jsonl"
    assert run_main("chameleon", "--games", "3", "--seed", "1", "--quiet", "--log", str(log)).returncode == 0
    done = run_main("report", str(log), "--json", str(tmp_path / "r.json"))
    assert done.returncode == 0, done.stderr
    assert "latency" not in done.stdout and "cost" not in done.stdout and "n/a" not in done.stdout
    [entry] = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["leaderboard"]
    assert entry["cast"] == "all=offline/default"

    priced = tmp_path / "priced"
    assert run_main("import", "clembench", str(RECORDS), "--out", str(priced)).returncode == 0
    prices = tmp_path / "prices.toml"
    prices.write_text('[model."alpha-chat-7b"]\ninput = 1.0\noutput = 2.0\n', encoding="utf-8")
    done = run_main("report", str(priced), "--prices", str(prices))
    assert done.returncode == 0, done.stderr
    assert "cost" in done.stdout
