"""What every game command does around its games: the run log's path and header, versions, exit codes."""

from __future__ import annotations

import platform
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from games.kit.events import EventCatalog
from games.kit.outcome import GameResult, Outcome
from games.kit.shown import Ending

DEFAULT_LOG_DIR = "runs"


def log_path(log: str | None, log_dir: str | None, game: str, run_id: str) -> Path:
    """--log PATH as given, else DIR/<game>-<run id>.jsonl (DIR: --log-dir, default runs/)."""
    if log:
        return Path(log)
    return Path(log_dir or DEFAULT_LOG_DIR) / f"{game}-{run_id}.jsonl"


def versions() -> dict[str, str]:
    """The versions a run log records, so that a rerun can say what changed."""
    packages = ("queueagents", "openai", "structlog", "tenacity")
    listed = _dist_info_versions(packages)
    found = {"python": platform.python_version()}
    for package in packages:
        found[package] = listed.get(package) or _metadata_version(package)
    return found


def _dist_info_versions(packages: tuple[str, ...]) -> dict[str, str]:
    """Versions from the names of `NAME-VERSION.dist-info` folders on the path: a listing, where
    importlib.metadata costs a run tens of milliseconds of imports. The first found wins, as for imports."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = [path.name for path in Path(entry or ".").iterdir() if path.name.endswith(".dist-info")]
        except OSError:
            continue
        for name in names:
            package, _, version = name.removesuffix(".dist-info").partition("-")
            if package in packages:
                found.setdefault(package, version)
    return found


def _metadata_version(package: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def outcome_line(ended: Mapping[str, Any], path: Path, catalog: EventCatalog) -> str:
    """The last line a game command prints: the game's outcome in plain words and where the log is."""
    return f"{ending_said(ended, catalog)} — log: {path}"


def ending_said(ended: Mapping[str, Any], catalog: EventCatalog) -> str:
    """A `game_ended` record as one line, as its game draws it: what happened, then why."""
    declared = catalog.get("game_ended")
    shown = declared.present(ended, catalog.audience(None)) if declared and declared.present else None
    if not isinstance(shown, Ending):
        return str(ended.get("outcome"))
    return f"{shown.text}: {shown.reason}" if shown.reason else shown.text


def exit_code_for(results: list[GameResult]) -> int:
    """0 when every game completed (whatever its outcome), 1 when any ended in error."""
    return 1 if any(result.outcome is Outcome.ERROR for result in results) else 0


def config_value(value: Any) -> Any:
    """Paths and other objects as plain JSON for run_started."""
    return str(value) if isinstance(value, Path) else value
