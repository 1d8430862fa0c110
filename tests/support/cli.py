"""Running `python main.py ...` as a user does: a real subprocess, a clean environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without OPENAI_* settings (so a developer's key never leaks into a test)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("OPENAI_")}
    env["NO_PROXY"] = "127.0.0.1,localhost"
    env["COLUMNS"] = "120"
    env.update(extra)
    return env


def run_main(*args: str, env: dict[str, str] | None = None, stdin: str | None = None, timeout: float = 120):
    """Run main.py to its end; returns the CompletedProcess (text mode)."""
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        cwd=ROOT,
        env=env or clean_env(),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_main(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start main.py with pipes for stdin, stdout and stderr."""
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), *args],
        cwd=ROOT,
        env=env or clean_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read_log(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def events(records: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [record for record in records if record["event"] == name]


def conversation(records: list[dict[str, Any]]) -> list[tuple[str, str, str, str, str]]:
    """What was said, in order: (game, sender, recipient, kind, text) of every message_sent."""
    return [
        (r.get("game_id", ""), r["sender"], r["recipient"], r["kind"], r["text"])
        for r in events(records, "message_sent")
    ]
