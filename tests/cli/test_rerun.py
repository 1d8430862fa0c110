"""`python main.py rerun LOG`: offline and loopback-server runs reproduced from their logs, divergences
reported precisely, old runs re-judged under today's rules, bad logs refused."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import main
from games.taboo.rules import Violation
from tests.support.chat_server import Reply
from tests.support.cli import conversation, events, read_log, run_main


def play(log: Path, *args: str) -> list[dict[str, Any]]:
    done = run_main("taboo", "--quiet", "--log", str(log), *args)
    assert done.returncode == 0, done.stderr
    return read_log(log)


def outcomes(records: list[dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    return {r["game_id"]: (r["outcome"], r["turns"], r["score"]) for r in events(records, "game_ended")}


def transcript(log: Path) -> list[str]:
    """The replayed transcript without its last line (which names the log) and with latencies blanked."""
    done = run_main("replay", str(log))
    assert done.returncode == 0, done.stderr
    return [re.sub(r"\d+ ms", "_ ms", line) for line in done.stdout.splitlines()[:-1]]


def tamper(source: Path, target: Path, change) -> Path:
    records = read_log(source)
    for record in records:
        change(record)
    target.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return target


def loopback_game(
    chat_server, log: Path, clue: str = "CLUE: what you hear after a flash in a rainy sky"
) -> None:
    chat_server.handler = lambda body, index: Reply.text(
        "GUESS: thunder" if "GUESS:" in body["messages"][0]["content"] else clue
    )
    play(log, "--card", "thunder", "--base-url", chat_server.base_url, "--model", "test-model")


def test_rerun_of_an_offline_game_reproduces_it(tmp_path: Path) -> None:
    """An offline game rerun from its log says the same things, ends the same way, looks the same."""
    old, new = tmp_path / "old.jsonl", tmp_path / "new.jsonl"
    recorded = play(old, "--seed", "3")
    done = run_main("rerun", str(old), "--log", str(new))
    assert done.returncode == 0, done.stderr
    last = done.stdout.splitlines()[-1]
    assert last.startswith("reproduced: 1 game(s)") and str(new) in last
    rerun = read_log(new)
    assert rerun[0]["command"] == "rerun"
    assert rerun[0]["rerun_of"] == {"path": str(old), "run_id": recorded[0]["run_id"]}
    assert rerun[0]["config"] == recorded[0]["config"]
    assert conversation(rerun) == conversation(recorded)
    assert outcomes(rerun) == outcomes(recorded)
    assert {call["backend"] for call in events(rerun, "llm_call")} == {"replay"}
    assert transcript(new) == transcript(old)


def test_rerun_of_many_offline_games_with_swapped_roles_reproduces_them(tmp_path: Path) -> None:
    """Every game of a --games/--swap run is reproduced, whatever order the games finish in."""
    old, new = tmp_path / "old.jsonl", tmp_path / "new.jsonl"
    recorded = play(old, "--games", "3", "--swap", "--seed", "2")
    done = run_main("rerun", str(old), "--log", str(new), "--quiet")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("reproduced: 6 game(s)")
    rerun = read_log(new)
    assert sorted(conversation(rerun)) == sorted(conversation(recorded))
    assert outcomes(rerun) == outcomes(recorded)


def test_rerun_of_a_loopback_server_game_needs_no_server(tmp_path: Path, chat_server) -> None:
    """A game played against a model server is reproduced from its log without one request to it."""
    old, new = tmp_path / "old.jsonl", tmp_path / "new.jsonl"
    loopback_game(chat_server, old)
    served = chat_server.calls
    done = run_main("rerun", str(old), "--log", str(new))
    assert done.returncode == 0, done.stderr
    assert chat_server.calls == served
    recorded, rerun = read_log(old), read_log(new)
    assert conversation(rerun) == conversation(recorded)
    assert outcomes(rerun) == outcomes(recorded) == {"g1": ("success", 1, 100.0)}
    tokens = [call["usage"] for call in events(recorded, "llm_call")]
    assert [call["usage"] for call in events(rerun, "llm_call")] == tokens
    assert transcript(new) == transcript(old)


def test_a_taboo_log_from_before_the_shared_game_command_reruns(tmp_path: Path) -> None:
    """An older Taboo log, whose config has `deck` as {"path", "name", "cards"}, is still reproduced."""
    old = tmp_path / "old.jsonl"
    play(old, "--seed", "3")

    def change(record: dict[str, Any]) -> None:
        if record["event"] == "run_started":
            config = record["config"]
            config["deck"] = {"path": config["deck"], "name": config.pop("deck_name"), "cards": 300}

    log = tamper(old, tmp_path / "older.jsonl", change)
    done = run_main("rerun", str(log), "--log", str(tmp_path / "new.jsonl"), "--quiet")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("reproduced: 1 game(s)")


def test_a_tampered_request_is_reported_with_agent_call_and_field(tmp_path: Path) -> None:
    """A recorded request that differs from today's: agent, call index and field on one line, exit 1."""
    old = tmp_path / "old.jsonl"
    play(old, "--seed", "3")

    def change(record: dict[str, Any]) -> None:
        if record["event"] == "llm_call" and record["agent"] == "guesser" and record["call_index"] == 1:
            record["messages"][-1]["content"] += " (edited)"

    log = tamper(old, tmp_path / "tampered.jsonl", change)
    done = run_main("rerun", str(log), "--log", str(tmp_path / "new.jsonl"))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "rerun diverged at agent 'guesser' in game 'g1', call 1: messages[3].content differs"
    )
    assert "(edited)" in lines[0]


def test_a_tampered_reply_is_reported_at_the_message_it_changed(tmp_path: Path) -> None:
    """A recorded reply that was edited changes the hinter's message: the step and both texts, exit 1."""
    old = tmp_path / "old.jsonl"
    play(old, "--seed", "3")

    def change(record: dict[str, Any]) -> None:
        if record["event"] == "llm_call" and record["agent"] == "hinter" and record["call_index"] == 0:
            record["response"] = "CLUE: a sound in the sky"

    log = tamper(old, tmp_path / "tampered.jsonl", change)
    done = run_main("rerun", str(log), "--log", str(tmp_path / "new.jsonl"))
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("rerun diverged in game 'g1', step 3: hinter → referee [clue] text differs")
    assert "now 'CLUE: a sound in the sky'" in line


def test_a_changed_persona_is_a_divergence_before_anything_runs(tmp_path: Path) -> None:
    """A persona whose file is not the one the run used: named on one line, exit 1, no rerun log."""
    old, new = tmp_path / "old.jsonl", tmp_path / "new.jsonl"
    play(old, "--seed", "3")

    def change(record: dict[str, Any]) -> None:
        if record["event"] == "run_started":
            record["config"]["personas"]["hinter"]["sha256"] = "0" * 64

    done = run_main("rerun", str(tamper(old, tmp_path / "t.jsonl", change)), "--log", str(new))
    assert done.returncode == 1
    [line] = done.stderr.strip().splitlines()
    assert "the hinter's persona 'default'" in line and "changed since the run" in line
    assert not new.exists()


def test_stricter_rules_today_rejudge_the_run_and_say_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Under a rule that forbids every clue, an old win is re-judged a loss; exit 0, the change listed."""
    old = tmp_path / "old.jsonl"
    play(old, "--seed", "3")
    monkeypatch.setattr(
        "games.taboo.rulesets.strict.check_clue",
        lambda clue, card: Violation("no_clues", card.target, (0, 3), clue[:3]),
    )
    code = main.main(["rerun", str(old), "--log", str(tmp_path / "new.jsonl"), "--quiet"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[-1].startswith("re-judged under today's rules: 1 of 1 game(s) changed")
    change = out[-2]
    assert change.startswith(
        "g1: re-judged: recorded turn 1: clue 'the clap after a flash' approved, now no_clues"
    )
    assert change.endswith("→ lose_violation after 1 turn, score 0")


def test_a_huge_recorded_message_is_said_in_one_short_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A card message of 100,000 characters in the log (today's referee words it otherwise): the change
    line quotes its start and says how long it was, instead of printing it whole."""
    old = tmp_path / "old.jsonl"
    play(old, "--seed", "3")

    def lengthen(record: dict[str, Any]) -> None:
        if record["event"] == "message_sent" and record["kind"] == "card":
            record["text"] = "x" * 100_000

    tampered = tamper(old, tmp_path / "long.jsonl", lengthen)
    assert main.main(["rerun", str(tampered), "--log", str(tmp_path / "new.jsonl"), "--quiet"]) == 0
    change = capsys.readouterr().out.splitlines()[-2]
    assert change.startswith("g1: re-judged: recorded referee → hinter [card] 'xxx")
    assert re.search(r"x\.\.\. \(100,0\d\d characters\), now referee → hinter \[card\] 'thunder", change)
    assert len(change) < 1000


def test_laxer_rules_today_stop_where_the_log_has_no_more_replies(
    tmp_path: Path, chat_server, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An old violation approved today leads past the record: reported as not re-scorable, exit 0."""
    old = tmp_path / "old.jsonl"
    loopback_game(chat_server, old, clue="CLUE: the storm noise")
    assert outcomes(read_log(old))["g1"][0] == "lose_violation"
    monkeypatch.setattr("games.taboo.rulesets.strict.check_clue", lambda clue, card: None)
    code = main.main(["rerun", str(old), "--log", str(tmp_path / "new.jsonl"), "--quiet"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert "now turn 1: clue 'the storm noise' approved" in out[-2]
    assert "not re-scorable: the log has no replies past that point" in out[-2]


def test_a_run_cut_short_is_reproduced_up_to_the_cut(tmp_path: Path) -> None:
    """A killed run (no run_ended, last game unfinished) is rerun as far as its log goes, exit 0."""
    old = tmp_path / "old.jsonl"
    lines = play(tmp_path / "full.jsonl", "--seed", "3")
    cut = next(i for i, r in enumerate(lines) if r["event"] == "message_sent" and r["kind"] == "guess")
    old.write_text("".join(json.dumps(r) + "\n" for r in lines[:cut]), encoding="utf-8")
    done = run_main("rerun", str(old), "--log", str(tmp_path / "new.jsonl"), "--quiet")
    assert done.returncode == 0, done.stderr
    assert "g1: did not end in the log" in done.stdout


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("", "the file is empty"),
        (
            '{"v":1,"ts":"x","seq":0,"run_id":"r","event":"run_started","command":"x","config":{"game":"chess"}}\n',
            "'chess'",
        ),
        ('{"v":1,"ts":"x","seq":0,"run_id":"r","event":"run_started","command":"x"}\n', "no config"),
    ],
)
def test_a_log_that_cannot_be_rerun_is_one_line_and_exit_2(tmp_path: Path, content: str, needle: str) -> None:
    """An empty log, another game's log, a log without a configuration: one line, exit 2."""
    log = tmp_path / "bad.jsonl"
    log.write_text(content, encoding="utf-8")
    done = run_main("rerun", str(log), "--log", str(tmp_path / "new.jsonl"))
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("error: ") and needle in line


# -- nothing reproduced, games that raised, runs cut short, plans ---------------------------------


def rerun_in_process(log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main.main(["rerun", str(log), "--log", str(tmp_path / "rerun.jsonl"), "--quiet"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write_records(path: Path, records: list[dict[str, Any]]) -> Path:
    """The records as a log, seq renumbered 0..n-1 as a writer would have."""
    lines = [json.dumps({**record, "seq": seq}) + "\n" for seq, record in enumerate(records)]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_a_resumed_run_reruns_the_games_it_played(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A resumed batch's log reruns the games it started (from its plan), not "0 game(s)" from its flags."""
    full = play(tmp_path / "full.jsonl", "--games", "4", "--seed", "4", "--concurrency", "1")
    first_end = next(i for i, r in enumerate(full) if r["event"] == "game_ended")
    cut = write_records(tmp_path / "cut.jsonl", full[: first_end + 1])
    resumed = play(tmp_path / "resumed.jsonl", "--games", "4", "--resume", str(cut))
    played = [r["game_id"] for r in events(resumed, "game_started")]
    assert len(played) == 3
    code, out, err = rerun_in_process(tmp_path / "resumed.jsonl", tmp_path, capsys)
    assert code == 0, err
    assert out.splitlines()[-1].startswith("reproduced: 3 game(s)")
    assert f"1 game(s) finished in {cut}, which this run resumed: not rerun here" in out


def test_a_log_that_started_no_game_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A log with no game in it has nothing to reproduce: one line, exit 2, never "reproduced: 0"."""
    full = play(tmp_path / "full.jsonl", "--seed", "3")
    log = write_records(tmp_path / "empty-run.jsonl", [full[0], full[-1]])
    code, out, err = rerun_in_process(log, tmp_path, capsys)
    assert code == 2
    assert err == f"error: {log}: the log started no game: nothing to rerun\n"
    assert "reproduced" not in out


def test_a_game_that_fails_in_the_rerun_is_exit_1_with_its_cause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A referee that raises today is not "today's rules judge differently": exit 1, the cause named."""
    play(tmp_path / "old.jsonl", "--seed", "3")

    def broken(clue: str, card: object) -> None:
        raise RuntimeError("the rule table is broken")

    monkeypatch.setattr("games.taboo.rulesets.strict.check_clue", broken)
    code, out, err = rerun_in_process(tmp_path / "old.jsonl", tmp_path, capsys)
    assert code == 1
    assert err.startswith("rerun failed: game 'g1' raised ")
    assert "RuntimeError: the rule table is broken" in err
    assert "re-judged" not in out


def test_an_interrupted_game_is_cut_short_not_rejudged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An older log's game stopped mid-play (game_ended, reason interrupted) is named as never ended and
    reproduced as far as it goes, not reported as a rules change."""
    full = play(tmp_path / "full.jsonl", "--seed", "3")
    cut = next(i for i, r in enumerate(full) if r["event"] == "clue_approved")
    stopped = {**full[cut], "event": "game_ended", "outcome": "aborted", "turns": 1, "score": None}
    stopped.update(reason="interrupted", subject="x")
    for name in ("turn", "clue"):
        stopped.pop(name)
    ended = {**full[-1], "status": "interrupted", "reason": "interrupted"}
    log = write_records(tmp_path / "interrupted.jsonl", [*full[:cut], stopped, ended])
    code, out, err = rerun_in_process(log, tmp_path, capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "the run was cut short: game(s) g1 never ended"
    assert lines[1] == "g1: did not end in the log; reproduced up to where the log stops"
    assert lines[-1].startswith("reproduced: 1 game(s) (1 up to where the log stops)")


def test_a_plan_entry_of_the_wrong_type_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A planned game whose seed is a string: the file, line 1, the entry and the field; exit 2."""
    old = tmp_path / "old.jsonl"
    play(old, "--seed", "3")

    def change(record: dict[str, Any]) -> None:
        if record["event"] == "run_started":
            record["plan"][0]["seed"] = "12"

    log = tamper(old, tmp_path / "t.jsonl", change)
    code, _, err = rerun_in_process(log, tmp_path, capsys)
    assert code == 2
    assert (
        err
        == f"error: {log}: line 1: run_started's plan[0]'s field 'seed' is \"12\", expected a whole number\n"
    )


def test_an_older_log_claiming_more_games_than_it_played_reruns_what_it_played(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A log without a plan whose config claims 10**12 games draws again only the games it started."""
    old = tmp_path / "old.jsonl"
    play(old, "--games", "2", "--seed", "5")

    def change(record: dict[str, Any]) -> None:
        if record["event"] == "run_started":
            del record["plan"]
            record["config"]["games"] = 10**12

    code, out, err = rerun_in_process(tamper(old, tmp_path / "older.jsonl", change), tmp_path, capsys)
    assert code == 0, err
    assert out.splitlines()[-1].startswith("reproduced: 2 game(s)")


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        (None, "'turns' is null, expected a whole number of at least 1"),
        ("five", "'turns' is 'five', expected a whole number of at least 1"),
        (0, "'turns' is 0, expected a whole number of at least 1"),
        (True, "'turns' is True, expected a whole number of at least 1"),
    ],
)
def test_a_game_setting_of_the_wrong_type_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: Any, needle: str
) -> None:
    """A game's own setting in the config checked against its declared type: file, line 1, field; exit 2."""
    old = tmp_path / "old.jsonl"
    play(old, "--seed", "3")

    def change(record: dict[str, Any]) -> None:
        if record["event"] == "run_started":
            record["config"]["turns"] = value

    log = tamper(old, tmp_path / "t.jsonl", change)
    code, _, err = rerun_in_process(log, tmp_path, capsys)
    assert code == 2
    assert err == f"error: {log}: line 1: run_started's config field {needle}\n"
