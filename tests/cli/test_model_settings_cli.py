"""`--temperature`, `--max-tokens` and their per-role forms, end to end: the requests a model server gets,
what the log records, `rerun` reproducing them, `--resume` keeping them, and the summary's `run`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.chat_server import Reply
from tests.support.cli import events, read_log, run_main

SETTINGS_FLAGS = ("--temperature", "0.7", "--hinter-temperature", "0.2", "--max-tokens", "40")
EXPECTED = {
    "hinter": {"temperature": 0.2, "max_tokens": 40},
    "guesser": {"temperature": 0.7, "max_tokens": 40},
}


def role_of(body: dict[str, Any]) -> str:
    return "hinter" if "You are the Hinter" in body["messages"][0]["content"] else "guesser"


def serve_a_game(chat_server) -> None:
    chat_server.handler = lambda body, index: Reply.text(
        "GUESS: thunder" if role_of(body) == "guesser" else "CLUE: what you hear after a flash in a rainy sky"
    )


def play_on_the_server(chat_server, log: Path, *flags: str) -> list[dict[str, Any]]:
    serve_a_game(chat_server)
    done = run_main(
        "taboo", "--card", "thunder", "--base-url", chat_server.base_url, "--model", "test-model",
        "--quiet", "--log", str(log), *flags,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return read_log(log)


def settings_per_agent(records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    calls: dict[str, list[dict[str, Any]]] = {}
    for call in events(records, "llm_call"):
        calls.setdefault(call["agent"], []).append(call["settings"])
    return calls


def test_the_requests_carry_each_roles_settings_and_the_log_records_them(chat_server, tmp_path: Path):
    """--temperature and --max-tokens reach every role's requests, a role's own flag wins for it, the
    persona's other settings stay (lateral's top_p), and run_started records what the flags set."""
    records = play_on_the_server(chat_server, tmp_path / "run.jsonl", *SETTINGS_FLAGS, "--guesser", "lateral")
    bodies = [request.body for request in chat_server.requests if request.path.endswith("/chat/completions")]
    assert {role_of(body) for body in bodies} == {"hinter", "guesser"}
    for body in bodies:
        sent = {key: body[key] for key in ("temperature", "max_tokens", "top_p") if key in body}
        persona = {"top_p": 0.95} if role_of(body) == "guesser" else {}
        assert sent == {**EXPECTED[role_of(body)], **persona}
    assert records[0]["config"]["model_settings"] == EXPECTED
    for agent, settings in settings_per_agent(records).items():
        persona = {"top_p": 0.95} if agent == "guesser" else {}
        assert settings == [{**EXPECTED[agent], **persona}] * len(settings)


def test_rerun_plays_with_the_recorded_settings(chat_server, tmp_path: Path):
    """A run with settings from the command line is reproduced by `rerun` (no flags given), whose
    requests carry them; a log whose recorded settings were taken out diverges at the first request."""
    old, new = tmp_path / "old.jsonl", tmp_path / "new.jsonl"
    recorded = play_on_the_server(chat_server, old, *SETTINGS_FLAGS)
    done = run_main("rerun", str(old), "--log", str(new), "--quiet")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("reproduced: 1 game(s)")
    rerun = read_log(new)
    assert rerun[0]["config"]["model_settings"] == EXPECTED
    assert settings_per_agent(rerun) == settings_per_agent(recorded)

    lines = old.read_text(encoding="utf-8").splitlines(keepends=True)
    started = json.loads(lines[0])
    del started["config"]["model_settings"]
    forgotten = tmp_path / "forgotten.jsonl"
    forgotten.write_text(json.dumps(started) + "\n" + "".join(lines[1:]), encoding="utf-8")
    done = run_main("rerun", str(forgotten), "--log", str(tmp_path / "again.jsonl"), "--quiet")
    assert done.returncode == 1
    assert "settings.temperature differs; expected 0.2, got nothing" in done.stderr


def cut_after_first_game(full: Path, cut: Path) -> set[str]:
    """The log of a batch that crashed once its first game ended; the finished games' ids."""
    lines = full.read_text(encoding="utf-8").splitlines(keepends=True)
    first_end = next(i for i, line in enumerate(lines) if '"event":"game_ended"' in line)
    cut.write_text("".join(lines[: first_end + 1]), encoding="utf-8")
    return {json.loads(lines[first_end])["game_id"]}


def test_resume_keeps_the_settings_and_refuses_others(tmp_path: Path):
    """--resume plays the remaining games with the settings the log recorded (taking a flag given again
    with the same value), and refuses flags that would set them otherwise, on one line, exit 2."""
    full, cut = tmp_path / "full.jsonl", tmp_path / "cut.jsonl"
    flags = ("--games", "4", "--seed", "5", "--temperature", "0.3", "--guesser-max-tokens", "20", "--quiet")
    assert run_main("taboo", *flags, "--log", str(full)).returncode == 0
    finished = cut_after_first_game(full, cut)
    recorded = {"hinter": {"temperature": 0.3}, "guesser": {"temperature": 0.3, "max_tokens": 20}}

    for given in ((), ("--temperature", "0.3")):
        resumed = tmp_path / f"resumed{len(given)}.jsonl"
        done = run_main("taboo", "--resume", str(cut), *given, "--quiet", "--log", str(resumed))
        assert done.returncode == 0, done.stderr
        records = read_log(resumed)
        assert records[0]["config"]["model_settings"] == recorded
        assert {e["game_id"] for e in events(records, "game_ended")} == {"g1", "g2", "g3", "g4"} - finished
        for agent, settings in settings_per_agent(records).items():
            assert settings == [recorded[agent]] * len(settings)

    for other in (("--temperature", "0.9"), ("--hinter-max-tokens", "20"), ("--guesser-temperature", "0.4")):
        done = run_main("taboo", "--resume", str(cut), *other, "--quiet", "--log", str(tmp_path / "no.jsonl"))
        assert done.returncode == 2
        assert done.stderr.count("\n") == 1
        assert f"--resume {cut}: the run's model settings were hinter temperature=0.3, " in done.stderr
        assert "leave out --temperature and --max-tokens to take the log's" in done.stderr
        assert not (tmp_path / "no.jsonl").exists()


def test_a_bad_setting_is_one_line_and_exit_2(tmp_path: Path):
    """A temperature out of range is refused by the command line before anything runs."""
    done = run_main("taboo", "--guesser-temperature", "2.5", "--log", str(tmp_path / "no.jsonl"))
    assert done.returncode == 2
    assert "argument --guesser-temperature: expected a number from 0 to 2, got '2.5'" in done.stderr
    assert not (tmp_path / "no.jsonl").exists()


def test_the_summary_names_the_run_it_summarises(tmp_path: Path):
    """--summary-json's `run`: run id, game, rule set, seed, log, the cast per role with its settings, the
    plan's casts (two with --swap and two models) and every planned game; the figures stay as they were."""
    log, summary_path = tmp_path / "run.jsonl", tmp_path / "s.json"
    done = run_main(
        "taboo", "--games", "2", "--swap", "--seed", "4", "--rules", "strict",
        "--hinter-model", "offline", "--guesser-model", "script:" + str(script(tmp_path)),
        "--guesser", "literal", "--hinter-max-tokens", "12",
        "--quiet", "--log", str(log), "--summary-json", str(summary_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    started = read_log(log)[0]
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    run = summary["run"]
    planned = [entry["game_id"] for entry in started["plan"]]
    assert planned == ["g1", "g1s", "g2", "g2s"]
    assert run["run_id"] == started["run_id"]
    assert (run["game"], run["rules"], run["seed"], run["log"]) == ("taboo", "strict", 4, str(log))
    assert run["resumed_from"] is None
    assert run["games_planned"] == planned
    assert run["cast"]["hinter"] == {
        "model": "offline", "backend": "offline", "persona": "default", "persona_source": "built-in",
        "settings": {"max_tokens": 12},
    }  # fmt: skip
    assert run["cast"]["guesser"]["persona"] == "literal"
    assert run["cast"]["guesser"]["settings"] == {}
    assert [cast["games"] for cast in run["casts"]] == [["g1", "g2"], ["g1s", "g2s"]]
    assert [cast["players"] for cast in run["casts"]] == [
        {entry["game_id"]: entry["cast"] for entry in started["plan"]}[game] for game in ("g1", "g1s")
    ]
    assert summary["games"] == 4 and summary["rules"] == "strict"


def script(tmp_path: Path) -> Path:
    """Replies for a scripted model that plays either role."""
    path = tmp_path / "replies.json"
    replies = {"hinter": ["CLUE: a thing"] * 10, "guesser": ["GUESS: thing"] * 10}
    path.write_text(json.dumps(replies), encoding="utf-8")
    return path


def test_rerun_refuses_recorded_settings_no_flag_could_give(tmp_path: Path):
    """A log whose model_settings hold a temperature out of range is one line naming the field, exit 2."""
    log = tmp_path / "run.jsonl"
    assert run_main("taboo", "--seed", "1", "--quiet", "--log", str(log)).returncode == 0
    lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
    started = json.loads(lines[0])
    started["config"]["model_settings"] = {"hinter": {"temperature": 5}, "guesser": {}}
    log.write_text(json.dumps(started) + "\n" + "".join(lines[1:]), encoding="utf-8")
    done = run_main("rerun", str(log), "--log", str(tmp_path / "rerun.jsonl"))
    assert done.returncode == 2
    assert done.stderr == (
        f"error: {log}: run_started's config.model_settings.hinter.temperature: "
        "expected a number from 0 to 2, got '5'\n"
    )
