"""The fork server's children are `python main.py` as a new Python runs it: the test's environment and
working directory, its own exit status and pid, signals and pipes."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from tests.support import forkserver
from tests.support.cli import clean_env, start_main


def test_a_usage_error_is_its_line_and_exit_2() -> None:
    process = start_main("taboo", "--no-such-flag")
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert out == ""
    assert err.splitlines() == [
        "python main.py taboo: error: unrecognized arguments: --no-such-flag"
        " (see: python main.py taboo --help)"
    ]


def test_the_child_has_the_tests_environment_and_working_directory(tmp_path: Path) -> None:
    env = clean_env(QUEUEAGENTS_REQUEST_TIMEOUT="soon")
    refused = forkserver.spawn(["taboo", "--offline", "--quiet"], env, server_env=clean_env(), cwd=tmp_path)
    _, err = refused.communicate(timeout=60)
    assert refused.returncode == 2
    assert err.strip() == "error: QUEUEAGENTS_REQUEST_TIMEOUT: expected a number of seconds, got 'soon'"

    args = ["taboo", "--offline", "--seed", "3", "--quiet", "--log", "relative.jsonl"]
    played = forkserver.spawn(args, clean_env(), server_env=clean_env(), cwd=tmp_path)
    out, err = played.communicate(timeout=60)
    assert played.returncode == 0, err
    assert (tmp_path / "relative.jsonl").is_file()
    assert out.strip().endswith("log: relative.jsonl")


def test_each_child_is_a_process_of_its_own_that_a_signal_ends(tmp_path: Path) -> None:
    first = start_main("taboo", "--offline", "--games", "100000", "--log", str(tmp_path / "a.jsonl"))
    second = start_main("taboo", "--offline", "--games", "100000", "--log", str(tmp_path / "b.jsonl"))
    try:
        assert first.pid != second.pid and os.getpid() not in (first.pid, second.pid)
        assert first.poll() is None
        with pytest.raises(subprocess.TimeoutExpired):
            first.wait(timeout=0.05)
        first.send_signal(signal.SIGKILL)
        assert first.wait(timeout=60) == -signal.SIGKILL
        assert second.poll() is None, "a signal to one child is not a signal to another"
    finally:
        for process in (first, second):
            if process.poll() is None:
                process.kill()
            process.communicate(timeout=60)
    assert second.returncode == -signal.SIGKILL
