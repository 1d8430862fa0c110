"""`python main.py taboo` as a user runs it: offline, against the loopback server, by a person."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

import main
from tests.support.chat_server import Reply
from tests.support.cli import clean_env, conversation, events, read_log, run_main, start_main

SENTINEL_KEY = "sk-SENTINEL-cli-4d1f0b9a77"


def test_offline_game_plays_to_the_end_and_logs_it(tmp_path: Path) -> None:
    """With no model configured, a whole offline game runs, says how to use a model, and logs it."""
    log = tmp_path / "run.jsonl"
    done = run_main("taboo", "--seed", "4", "--log", str(log))
    assert done.returncode == 0, done.stderr
    assert "OPENAI_API_KEY" in done.stdout  # the one line on how to play with a real model
    last = done.stdout.strip().splitlines()[-1]
    assert str(log) in last
    records = read_log(log)
    assert records[0]["event"] == "run_started" and records[-1]["event"] == "run_ended"
    assert records[-1]["status"] == "ok"
    ended = events(records, "game_ended")
    assert len(ended) == 1 and last.startswith(
        "Won in " if ended[0]["outcome"] == "success" else "Lost after "
    )
    # the outcome is said once, in plain words: the last line alone names it, and no machine word shows
    assert sum("score" in line for line in done.stdout.splitlines()) == 1
    assert "turn(s)" not in done.stdout and ended[0]["outcome"] not in done.stdout
    # who plays, under the game's heading
    lines = done.stdout.splitlines()
    heading = next(i for i, line in enumerate(lines) if "taboo · game g1" in line)
    cast = "players — hinter: offline, persona default · guesser: offline, persona default"
    assert lines[heading + 1] == cast
    assert records[0]["config"]["models"]["hinter"]["backend"] == "offline"


def test_same_seed_same_transcript(tmp_path: Path) -> None:
    """Two offline runs with one seed say the same things in the same order."""
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for log in (first, second):
        assert run_main("taboo", "--seed", "11", "--quiet", "--log", str(log)).returncode == 0
    assert conversation(read_log(first)) == conversation(read_log(second))
    assert len(conversation(read_log(first))) >= 3


def test_quiet_prints_only_the_outcome_line(tmp_path: Path) -> None:
    """--quiet prints exactly one line: the outcome and the log's path."""
    log = tmp_path / "q.jsonl"
    done = run_main("taboo", "--seed", "2", "--quiet", "--log", str(log))
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1 and str(log) in lines[0]


def test_card_flag_picks_the_card(tmp_path: Path) -> None:
    """--card plays the card with that target."""
    log = tmp_path / "c.jsonl"
    assert run_main("taboo", "--card", "Flashlight", "--quiet", "--log", str(log)).returncode == 0
    assert events(read_log(log), "game_started")[0]["card"]["target"] == "flashlight"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--card", "flashlite"], "did you mean flashlight"),
        (["--deck", "/nonexistent/deck.json"], "cannot read"),
        (["--model", "gpt-4o-mini"], "OPENAI_API_KEY"),
        (["--turns", "0"], "at least 1"),
        (["--reprompts", "-1"], "0 or more"),
        (["--human", "referee"], "invalid choice"),
        (["--base-url", "ftp://example"], "http(s) URL"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], needle: str) -> None:
    """Each usage mistake gets one clear line on stderr and exit code 2, no traceback."""
    done = run_main("taboo", "--log", str(tmp_path / "x.jsonl"), *args)
    assert done.returncode == 2
    assert needle in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["taboo", "--turns", "x"], "python main.py taboo --help"),
        (["taboo", "--bogus"], "python main.py taboo --help"),
        (["replay"], "python main.py replay --help"),
        (["nosuch"], "python main.py --help"),
        ([], "python main.py --help"),
    ],
)
def test_a_usage_error_is_one_line_ending_with_the_help_hint(
    argv: list[str], hint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """argparse's mistakes: one line on stderr, no usage block, ending with where the help is; exit 2."""
    with pytest.raises(SystemExit) as stopped:
        main.main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" not in err
    [line] = err.strip().splitlines()
    assert line.endswith(f"(see: {hint})")


def test_bad_deck_names_the_card_and_field(tmp_path: Path) -> None:
    """A deck with a broken card fails with the file, card and field on one line, exit 2."""
    deck = tmp_path / "deck.json"
    card = {"target": "snow", "taboo": ["white"], "difficulty": "easy"}
    deck.write_text(json.dumps({"version": 1, "name": "t", "cards": [card]}))
    done = run_main("taboo", "--deck", str(deck), "--log", str(tmp_path / "x.jsonl"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "deck.json" in lines[0] and "taboo" in lines[0]
    assert not (tmp_path / "x.jsonl").exists()  # nothing ran, nothing was half-written


def test_game_against_the_loopback_server(tmp_path: Path, chat_server) -> None:
    """--base-url and --model play with the real client against an OpenAI-compatible server."""
    clue, guess = "CLUE: what you hear after a flash in a rainy sky", "GUESS: thunder"
    chat_server.handler = lambda body, index: Reply.text(
        clue if "Hinter" in body["messages"][0]["content"] else guess
    )
    log = tmp_path / "net.jsonl"
    args = ["taboo", "--card", "thunder", "--base-url", chat_server.base_url, "--model", "test-model"]
    done = run_main(*args, "--log", str(log))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("Won in 1 turn, score 100: the guesser found ")
    calls = events(read_log(log), "llm_call")
    assert [call["agent"] for call in calls] == ["hinter", "guesser"]
    assert all(body["model"] == "test-model" for body in chat_server.bodies)


def test_a_failing_server_ends_in_error_with_exit_1(tmp_path: Path, chat_server) -> None:
    """A server that keeps failing ends the game in error, exit code 1, the reason on the last line."""
    chat_server.default = Reply.status_error(503, headers={"Retry-After": "0"})
    log = tmp_path / "down.jsonl"
    done = run_main("taboo", "--base-url", chat_server.base_url, "--model", "m", "--quiet", "--log", str(log))
    assert done.returncode == 1
    assert done.stdout.strip().startswith("Failed after 1 turn: ")
    assert "did not answer" in done.stdout
    assert read_log(log)[-1]["status"] == "error"


def test_a_server_that_is_down_is_reported_once_with_its_cause(tmp_path: Path) -> None:
    """Nothing listening at the base URL: the transcript says the model failed, the cause comes once."""
    log = tmp_path / "down.jsonl"
    done = run_main("taboo", "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--log", str(log))
    assert done.returncode == 1
    assert done.stdout.count("connection refused (") == 1, done.stdout
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("Failed after 1 turn: the hinter's model failed: cannot reach the server")
    assert "raised" not in done.stdout and "ModelUnavailable" not in done.stdout


def test_the_api_key_never_reaches_output_or_log(tmp_path: Path, chat_server) -> None:
    """A sentinel API key appears in no log line and no output, even when the server rejects it."""
    chat_server.default = Reply.status_error(401, f"bad key {SENTINEL_KEY}")
    log = tmp_path / "key.jsonl"
    env = clean_env(OPENAI_API_KEY=SENTINEL_KEY, OPENAI_BASE_URL=chat_server.base_url)
    done = run_main("taboo", "--model", "m", "--log", str(log), env=env)
    assert done.returncode == 1
    assert "rejected the API key" in done.stdout
    assert chat_server.requests[0].headers["authorization"] == f"Bearer {SENTINEL_KEY}"
    for text in (done.stdout, done.stderr, log.read_text()):
        assert SENTINEL_KEY not in text


def test_a_person_plays_the_guesser_and_never_sees_the_card(tmp_path: Path) -> None:
    """--human guesser reads guesses from the terminal; the card is never shown to the person."""
    log = tmp_path / "human.jsonl"
    done = run_main(
        "taboo",
        "--seed",
        "1",
        "--card",
        "thunder",
        "--human",
        "guesser",
        "--log",
        str(log),
        stdin="rain\nthunder\n",
    )
    assert done.returncode == 0, done.stderr
    assert "Your guess>" in done.stdout
    assert "rumble" not in done.stdout and "[card]" not in done.stdout
    ended = events(read_log(log), "game_ended")[0]
    assert ended["outcome"] == "success"
    assert [call["response"] for call in events(read_log(log), "llm_call") if call["agent"] == "guesser"][
        -1
    ] == "GUESS: thunder"


def test_ctrl_d_ends_the_game_cleanly(tmp_path: Path) -> None:
    """End of input (Ctrl-D) ends the game aborted, the log closed, exit 0."""
    log = tmp_path / "eof.jsonl"
    done = run_main(
        "taboo", "--seed", "1", "--card", "thunder", "--human", "guesser", "--log", str(log), stdin=""
    )
    assert done.returncode == 0, done.stderr
    records = read_log(log)
    assert events(records, "game_ended")[0]["outcome"] == "aborted"  # the person left: the game ended
    assert records[-1]["event"] == "run_ended"
    lines = done.stdout.splitlines()
    prompt = next(i for i, line in enumerate(lines) if line.startswith("Your guess>"))
    assert lines[prompt] == "Your guess> "  # the next line starts on its own
    assert lines[prompt + 1].strip() == "guesser: the person playing left the game (end of input, Ctrl-D)"
    assert "model failed" not in done.stdout and "PlayerLeft" not in done.stdout
    assert lines[-1].startswith("Not finished after 1 turn: the person playing the guesser left the game")


def test_ctrl_c_closes_the_log_and_exits_130(tmp_path: Path) -> None:
    """Ctrl-C while a person is thinking ends with exit 130, no traceback, the log closed."""
    log = tmp_path / "int.jsonl"
    process = start_main("taboo", "--seed", "1", "--card", "thunder", "--human", "guesser", "--log", str(log))
    assert process.stdout is not None
    seen = ""
    while "Your guess>" not in seen:  # the game waits for the person: now interrupt it
        char = process.stdout.read(1)
        assert char, "the game ended before asking for a guess"
        seen += char
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert stdout.startswith("\n")  # the prompt's line ended first
    assert stdout.strip().splitlines()[-1] == f"interrupted — log: {log}"
    assert "Traceback" not in stderr
    records = read_log(log)
    assert records[-1]["event"] == "run_ended" and records[-1]["status"] == "interrupted"
    assert events(records, "game_interrupted") and not events(records, "game_ended")  # it never ended


@pytest.mark.parametrize(
    "args",
    [
        ["--log", "/proc/no-such-folder/run.jsonl"],
        ["--log-dir", "/proc/no-such-folder"],
        ["--summary-json", "/proc/no-such-folder/summary.json", "--log-dir", "{tmp}"],
        ["--summary-json", "{tmp}", "--log-dir", "{tmp}"],
        ["--log", "{tmp}"],
    ],
)
def test_an_unwritable_output_is_one_line_and_exit_2(tmp_path: Path, args: list[str]) -> None:
    """A log or summary that cannot be written is said in one line before anything plays, exit 2."""
    done = run_main("taboo", "--seed", "1", *(arg.format(tmp=tmp_path) for arg in args))
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (a device that is always full)")
def test_a_full_disk_ends_the_run_with_one_line_and_exit_1(tmp_path: Path) -> None:
    """A run log that cannot be written (no space left) is one line naming it, exit 1, no traceback."""
    done = run_main("taboo", "--games", "3", "--seed", "1", "--quiet", "--log", "/dev/full")
    assert done.returncode == 1
    assert done.stderr.strip() == "error: cannot write the run log /dev/full: No space left on device"


def test_the_request_timeout_flag_reaches_every_call(tmp_path: Path, chat_server) -> None:
    """--request-timeout 1: a first reply held for 30 s is given up after a second and asked again."""

    def replies(body: dict, index: int) -> Reply:
        hinter = "Hinter" in body["messages"][0]["content"]
        reply = Reply.text("CLUE: zorp quib" if hinter else "GUESS: something")
        return reply.delayed(30) if index == 0 else reply

    chat_server.handler = replies
    log = tmp_path / "slow.jsonl"
    done = run_main(
        "taboo", "--seed", "1", "--turns", "1", "--base-url", chat_server.base_url, "--model", "m",
        "--request-timeout", "1", "--log", str(log),
    )  # fmt: skip
    chat_server.release()
    assert done.returncode == 0, done.stderr
    records = read_log(log)
    assert records[0]["config"]["request_timeout"] == 1
    retries = events(records, "llm_retry")
    assert retries and all(retry["reason"] == "timeout" for retry in retries)
    assert events(records, "llm_call")[0]["attempts"] == len(retries) + 1


def test_a_bad_request_timeout_in_the_environment_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """QUEUEAGENTS_REQUEST_TIMEOUT that is not a number of seconds is refused before anything plays."""
    done = run_main(
        "taboo", "--log", str(tmp_path / "x.jsonl"), env=clean_env(QUEUEAGENTS_REQUEST_TIMEOUT="soon")
    )
    assert done.returncode == 2
    assert "QUEUEAGENTS_REQUEST_TIMEOUT" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.jsonl").exists()
