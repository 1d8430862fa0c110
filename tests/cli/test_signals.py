"""SIGTERM and SIGHUP end a run as Ctrl-C does: the summary, run_ended interrupted as the last line,
the log closed and valid, exit code 128 + the signal's number."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.cli import start_new_python

DEADLINE_S = 60.0


def wait_for_a_finished_game(process: subprocess.Popen[str], log: Path) -> None:
    """Returns once the log has a game_ended line (the batch is under way)."""
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        assert process.poll() is None, "the run ended before it could be stopped"
        if log.exists() and '"event":"game_ended"' in log.read_text(encoding="utf-8"):
            return
        time.sleep(0.05)
    raise AssertionError(f"no game ended within {DEADLINE_S} s")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_ends_a_batch_like_ctrl_c(tmp_path: Path, signum: signal.Signals) -> None:
    """A batch stopped by the signal prints its summary, ends its log interrupted and exits 128 + N."""
    log = tmp_path / "batch.jsonl"
    process = start_new_python("taboo", "--offline", "--games", "200", "--seed", "5", "--log", str(log))
    wait_for_a_finished_game(process, log)
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=DEADLINE_S)
    assert process.returncode == 128 + signum
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1] == f"stopped by {signum.name}; the run log was closed"
    assert "Summary" in stdout and f"--resume {log}" in stdout
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert records[-1]["event"] == "run_ended" and records[-1]["status"] == "interrupted"
    ended = [record for record in records if record["event"] == "game_ended"]
    assert 1 <= len(ended) < 200


def test_a_signal_ends_a_single_game_waiting_for_a_person(tmp_path: Path) -> None:
    """SIGTERM while a person is thinking ends the game's run interrupted, exit 143, no traceback."""
    log = tmp_path / "human.jsonl"
    process = start_new_python(
        "taboo", "--seed", "1", "--card", "thunder", "--human", "guesser", "--log", str(log)
    )
    assert process.stdout is not None
    seen = ""
    while "Your guess>" not in seen:  # the game waits for the person: now stop it
        char = process.stdout.read(1)
        assert char, "the game ended before asking for a guess"
        seen += char
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=DEADLINE_S)
    assert process.returncode == 143
    assert "Traceback" not in stderr
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert records[-1]["event"] == "run_ended" and records[-1]["status"] == "interrupted"
