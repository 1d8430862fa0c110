"""What every game command does around its games: the run log's path and header, versions, exit codes."""

from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from games.kit.outcome import GameResult, Outcome

DEFAULT_LOG_DIR = "runs"


def log_path(log: str | None, log_dir: str | None, game: str, run_id: str) -> Path:
    """--log PATH as given, else DIR/<game>-<run id>.jsonl (DIR: --log-dir, default runs/)."""
    if log:
        return Path(log)
    return Path(log_dir or DEFAULT_LOG_DIR) / f"{game}-{run_id}.jsonl"


def versions() -> dict[str, str]:
    """The versions a run log records, so that a rerun can say what changed."""
    found = {"python": platform.python_version()}
    for package in ("queueagents", "openai", "structlog", "tenacity"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "unknown"
    return found


def outcome_line(result: GameResult, path: Path) -> str:
    """The last line a game command prints: the outcome and where the log is."""
    score = f", score {result.score:g}" if result.score is not None else ""
    why = f": {result.reason}" if result.outcome in (Outcome.ERROR, Outcome.ABORTED) else ""
    return f"{result.outcome} after {result.turns} turn(s){score} ({result.subject}){why} — log: {path}"


def exit_code_for(results: list[GameResult]) -> int:
    """0 when every game completed (whatever its outcome), 1 when any ended in error."""
    return 1 if any(result.outcome is Outcome.ERROR for result in results) else 0


def config_value(value: Any) -> Any:
    """Paths and other objects as plain JSON for run_started."""
    return str(value) if isinstance(value, Path) else value
