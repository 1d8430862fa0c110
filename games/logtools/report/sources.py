"""The logs a report reads: the files given, and every run log (`*.jsonl`) under the folders given, each
once; an eval's folder names its casts in results.json (its cells' `cast` and `logs`), and a log of an
eval's cell is shown under its cast's name."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from games.kit.exits import UsageError

RESULTS = "results.json"  # an eval's results table (games/cli/evals)
_EVAL_DEPTH = 2  # an eval's logs are in DIR/logs/: its results.json is two folders up


@dataclass(frozen=True)
class Source:
    path: str
    cast: str | None  # the eval's name for the cast that played it, when an eval played it


def find_logs(paths: Sequence[str]) -> tuple[list[Source], list[str]]:
    """Every log under `paths`, each once, in order; warnings about eval tables that cannot be read.
    UsageError (one line) for a path that is not there or a folder without logs."""
    files: dict[Path, None] = {}
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(path.rglob("*.jsonl"))
            if not found:
                raise UsageError(f"{given}: no run logs (*.jsonl) in this folder")
            files.update(dict.fromkeys(found))
        elif path.is_file():
            files[path] = None
        else:
            raise UsageError(f"{given}: no such file or folder")
    labels = _Labels()
    seen: set[Path] = set()
    sources = []
    for path in files:
        resolved = path.resolve()
        if resolved in seen:
            continue
        seen.add(resolved)
        sources.append(Source(str(path), labels.cast_of(resolved)))
    return sources, labels.warnings


class _Labels:
    """Cast names from the results.json of the evals the logs belong to."""

    def __init__(self) -> None:
        self.tables: dict[Path, dict[Path, str]] = {}
        self.warnings: list[str] = []

    def cast_of(self, log: Path) -> str | None:
        for folder in list(log.parents)[:_EVAL_DEPTH]:
            table = self._table(folder)
            if log in table:
                return table[log]
        return None

    def _table(self, folder: Path) -> dict[Path, str]:
        if folder not in self.tables:
            self.tables[folder] = self._read(folder)
        return self.tables[folder]

    def _read(self, folder: Path) -> dict[Path, str]:
        results = folder / RESULTS
        if not results.is_file():
            return {}
        try:
            document = json.loads(results.read_text(encoding="utf-8"))
            table = {}
            for cell in document["cells"]:
                for log in cell["logs"]:
                    table[(folder / str(log)).resolve()] = str(cell["cast"])
            return table
        except (OSError, ValueError, KeyError, TypeError) as exc:
            problem = f"{results}: not an eval's results table ({exc!r:.80})"
            self.warnings.append(f"{problem}; its casts are named by their players")
            return {}
