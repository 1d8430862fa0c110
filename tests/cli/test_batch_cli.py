"""`python main.py taboo --games N`: many games in one process, their summary, resume, the cap."""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path

from tests.support.chat_server import Reply
from tests.support.cli import events, read_log, run_main, start_main

FAILING_TARGETS = ("thunder", "volcano")


def scripted_player(body: dict, index: int) -> Reply:
    """Hinters of the failing cards get 500s; other hinters clue, guessers guess the same word."""
    system = body["messages"][0]["content"]
    if "Hinter" in system:
        if any(f"Target: {target}" in system for target in FAILING_TARGETS):
            return Reply.status_error(500, headers={"Retry-After": "0"})
        return Reply.text("CLUE: zorp quib")
    return Reply.text("GUESS: something")


def test_failing_games_stay_local_and_the_counts_are_exact(tmp_path: Path, chat_server) -> None:
    """Games whose model keeps failing end in error; all others finish; the summary counts each."""
    chat_server.handler = scripted_player
    deck = tmp_path / "deck.json"
    cards = [
        {"target": target, "taboo": ["aa", "bb", "cc", "dd", "ee"], "difficulty": "easy"}
        for target in ("thunder", "volcano", "piano", "garden", "rocket", "pencil")
    ]
    deck.write_text(json.dumps({"version": 1, "name": "six", "cards": cards}))
    summary_path = tmp_path / "summary.json"
    log = tmp_path / "batch.jsonl"
    done = run_main(
        "taboo", "--deck", str(deck), "--games", "6", "--concurrency", "3", "--turns", "2", "--seed", "5",
        "--base-url", chat_server.base_url, "--model", "m", "--log", str(log),
        "--summary-json", str(summary_path),
    )  # fmt: skip
    assert done.returncode == 1  # some games ended in error: the run reports it
    summary = json.loads(summary_path.read_text())
    assert summary["games"] == 6
    assert summary["outcomes"]["error"] == 2
    assert summary["outcomes"]["lose_turns"] == 4
    assert summary["played"] == 4 and summary["success_rate"] == 0.0
    ended = events(read_log(log), "game_ended")
    assert sorted(e["subject"] for e in ended if e["outcome"] == "error") == sorted(FAILING_TARGETS)
    assert "Summary" in done.stdout


def test_offline_batch_prints_a_summary_and_writes_one_log(tmp_path: Path) -> None:
    """An offline batch tags every game's events with its game_id in one log."""
    log = tmp_path / "off.jsonl"
    summary_path = tmp_path / "s.json"
    done = run_main(
        "taboo", "--games", "12", "--seed", "3", "--log", str(log), "--summary-json", str(summary_path)
    )
    assert done.returncode == 0, done.stderr
    records = read_log(log)
    ended = events(records, "game_ended")
    assert sorted(e["game_id"] for e in ended) == sorted(f"g{i}" for i in range(1, 13))
    assert len({e["subject"] for e in ended}) == 12  # distinct cards
    assert all("game_id" in r for r in events(records, "message_sent"))
    assert json.loads(summary_path.read_text())["games"] == 12


def test_resume_plays_only_the_missing_games(tmp_path: Path) -> None:
    """--resume of a batch cut short plays the games it had not finished, and sums up all of them."""
    full = tmp_path / "full.jsonl"
    assert run_main("taboo", "--games", "8", "--seed", "9", "--quiet", "--log", str(full)).returncode == 0
    lines = full.read_text().splitlines(keepends=True)
    ended_at = [i for i, line in enumerate(lines) if '"event":"game_ended"' in line]
    cut = tmp_path / "cut.jsonl"
    cut.write_text("".join(lines[: ended_at[4] + 1]))  # a crash after the fifth game ended
    finished = {json.loads(lines[i])["game_id"] for i in ended_at[:5]}
    resumed = tmp_path / "resumed.jsonl"
    summary_path = tmp_path / "s.json"
    done = run_main(
        "taboo", "--resume", str(cut), "--quiet", "--log", str(resumed), "--summary-json", str(summary_path)
    )
    assert done.returncode == 0, done.stderr
    replayed = {e["game_id"] for e in events(read_log(resumed), "game_ended")}
    assert replayed == {f"g{i}" for i in range(1, 9)} - finished
    assert json.loads(summary_path.read_text())["games"] == 8
    original = {e["game_id"]: e["outcome"] for e in events(read_log(full), "game_ended")}
    again = {e["game_id"]: e["outcome"] for e in events(read_log(resumed), "game_ended")}
    assert all(original[game] == outcome for game, outcome in again.items())  # same seeds, same games


def _cut_after_first_game(full: Path, cut: Path, change=None) -> Path:
    """The log of a batch that crashed once its first game ended; `change` edits run_started."""
    lines = full.read_text().splitlines(keepends=True)
    first_end = next(i for i, line in enumerate(lines) if '"event":"game_ended"' in line)
    started = json.loads(lines[0])
    if change is not None:
        change(started["config"])
    cut.write_text(json.dumps(started) + "\n" + "".join(lines[1 : first_end + 1]))
    return cut


def test_resume_takes_the_games_settings_from_the_log(tmp_path: Path) -> None:
    """A resumed batch plays with the settings its log recorded (--turns 2), not the flags' defaults."""
    full = tmp_path / "full.jsonl"
    assert (
        run_main(
            "taboo", "--games", "4", "--seed", "9", "--turns", "2", "--quiet", "--log", str(full)
        ).returncode
        == 0
    )
    cut = _cut_after_first_game(full, tmp_path / "cut.jsonl")
    resumed = tmp_path / "resumed.jsonl"
    done = run_main("taboo", "--resume", str(cut), "--quiet", "--log", str(resumed))
    assert done.returncode == 0, done.stderr
    records = read_log(resumed)
    assert records[0]["config"]["turns"] == 2
    assert {e["turns"] for e in events(records, "game_started")} == {2}


def test_resume_of_a_log_with_a_bad_setting_is_one_line(tmp_path: Path) -> None:
    """A game setting of the wrong type in the resumed log: one line naming file and field, exit 2."""
    full = tmp_path / "full.jsonl"
    assert run_main("taboo", "--games", "3", "--seed", "9", "--quiet", "--log", str(full)).returncode == 0
    cut = _cut_after_first_game(full, tmp_path / "cut.jsonl", lambda config: config.update(turns="five"))
    done = run_main("taboo", "--resume", str(cut), "--log", str(tmp_path / "x.jsonl"))
    assert done.returncode == 2
    assert done.stderr == (
        f"error: {cut}: line 1: run_started's config field 'turns' is 'five', "
        "expected a whole number of at least 1\n"
    )


def test_resume_of_a_bad_log_is_a_usage_error(tmp_path: Path) -> None:
    """--resume of a file that is not a run log gets one line and exit 2."""
    bad = tmp_path / "bad.jsonl"
    bad.write_text("hello\n")
    done = run_main("taboo", "--resume", str(bad), "--log", str(tmp_path / "x.jsonl"))
    assert done.returncode == 2
    assert "not a run log" in done.stderr and "Traceback" not in done.stderr


def test_the_call_cap_holds_across_games(tmp_path: Path, chat_server) -> None:
    """With --max-concurrent-calls 3, the server never sees more than 3 requests at once, and sees 3."""
    chat_server.handler = lambda body, index: Reply.text(
        "CLUE: zorp quib" if "Hinter" in body["messages"][0]["content"] else "GUESS: something"
    ).delayed(0.05)
    done = run_main(
        "taboo", "--games", "10", "--seed", "2", "--concurrency", "10", "--max-concurrent-calls", "3",
        "--turns", "1", "--quiet", "--base-url", chat_server.base_url, "--model", "m",
        "--log", str(tmp_path / "cap.jsonl"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert chat_server.max_in_flight == 3


def test_ctrl_c_stops_a_batch_with_a_summary_and_exit_130(tmp_path: Path, chat_server) -> None:
    """Ctrl-C during a batch cancels the games in flight, prints the summary of the finished ones,
    closes the log (exit 130)."""
    held = threading.Event()

    def replies(body: dict, index: int) -> Reply:
        if index < 2:
            return Reply.text("CLUE: zorp quib")
        held.set()
        return Reply.text("CLUE: never").delayed(600)  # held until the server stops

    chat_server.handler = replies
    log = tmp_path / "int.jsonl"
    process = start_main(
        "taboo", "--games", "6", "--seed", "2", "--concurrency", "2", "--turns", "1",
        "--base-url", chat_server.base_url, "--model", "m", "--log", str(log), "--max-concurrent-calls", "1",
    )  # fmt: skip
    assert held.wait(timeout=60)  # a model call hangs: the batch is mid-flight
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "Summary" in stdout
    records = read_log(log)
    assert records[-1]["event"] == "run_ended" and records[-1]["status"] == "interrupted"
    assert events(records, "game_interrupted")  # the games in flight did not end
    assert all(e["reason"] != "interrupted" for e in events(records, "game_ended"))


def test_swap_plays_each_card_with_the_models_exchanged(tmp_path: Path, chat_server) -> None:
    """--swap adds a twin of every game with the hinter's and guesser's models swapped; the summary
    shows one line per cast."""
    chat_server.handler = lambda body, index: Reply.text(
        "CLUE: zorp quib" if "Hinter" in body["messages"][0]["content"] else "GUESS: something"
    )
    summary_path = tmp_path / "s.json"
    done = run_main(
        "taboo", "--games", "2", "--swap", "--turns", "1", "--seed", "3", "--quiet",
        "--base-url", chat_server.base_url, "--hinter-model", "model-a", "--guesser-model", "model-b",
        "--log", str(tmp_path / "swap.jsonl"), "--summary-json", str(summary_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    hinter_models = [b["model"] for b in chat_server.bodies if "Hinter" in b["messages"][0]["content"]]
    assert sorted(hinter_models) == ["model-a", "model-a", "model-b", "model-b"]
    casts = events(read_log(tmp_path / "swap.jsonl"), "game_cast")
    assert sorted(c["game_id"] for c in casts) == ["g1", "g1s", "g2", "g2s"]
    by_pairing = json.loads(summary_path.read_text())["by_pairing"]
    assert len(by_pairing) == 2 and all(figures["games"] == 2 for figures in by_pairing.values())


def test_a_rejected_key_stops_the_whole_batch_at_once(tmp_path: Path, chat_server) -> None:
    """A 401 fails the game that met it and starts no other: one request reaches the server, the summary
    names the cause and the games not played, and the last lines give the --resume command (exit 1)."""
    chat_server.handler = lambda body, index: Reply.status_error(401, "invalid api key")
    log = tmp_path / "rejected.jsonl"
    summary_path = tmp_path / "s.json"
    done = run_main(
        "taboo", "--games", "20", "--seed", "2", "--concurrency", "1", "--base-url", chat_server.base_url,
        "--model", "m", "--log", str(log), "--summary-json", str(summary_path),
    )  # fmt: skip
    assert done.returncode == 1
    assert chat_server.calls == 1
    summary = json.loads(summary_path.read_text())
    assert summary["outcomes"]["error"] == 1 and len(summary["not_played"]) == 19
    [(cause, count)] = summary["errors_by_cause"].items()
    assert "401" in cause and count == 1
    assert "Traceback" not in done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[-2].startswith("stopped: 1 of 20 game(s) ended") and lines[-1].endswith(f"--resume {log}")
    records = read_log(log)
    assert records[-1]["status"] == "error" and "401" in records[-1]["reason"]
