"""A cell's run logs: `ID.jsonl`, then `ID.2.jsonl`, `ID.3.jsonl`... when it was interrupted and resumed.

Each later log is the game command's `--resume` of the one before: its run_started carries every game the
chain finished, so the last readable log knows the whole cell (games.cli.resume). A log with no
readable run_started (the run was killed before writing it) is passed over.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from games.cli.resume import Resumed, read_resumed
from games.kit.exits import UsageError

SUFFIX = ".jsonl"


@dataclass(frozen=True)
class CellLogs:
    """What a cell's logs say: every log file of the chain, and the last readable one, read back."""

    folder: Path
    cell_id: str
    parts: tuple[Path, ...]  # in the order they were written
    last: Resumed | None  # the last log with a readable run_started
    next_number: int = 1

    @property
    def started(self) -> bool:
        return self.last is not None

    @property
    def finished(self) -> Mapping[str, Mapping[str, Any]]:
        """game_id -> game_ended record, each game once across the chain."""
        return self.last.finished if self.last is not None else {}

    @property
    def planned(self) -> int | None:
        """The number of games the cell's logs planned (None before it started)."""
        if self.last is None or self.last.specs is None:
            return None
        return len(self.last.specs)

    @property
    def done(self) -> bool:
        """Every planned game ended (won, lost, aborted or in error): nothing left to play."""
        if self.last is None or self.last.specs is None:
            return False
        return all(spec.game_id in self.last.finished for spec in self.last.specs)

    @property
    def resume_from(self) -> Path | None:
        return Path(self.last.source) if self.last is not None else None

    def next_path(self) -> Path:
        """Where the cell's next run writes its log: after every file already there."""
        number = self.next_number
        name = f"{self.cell_id}{SUFFIX}" if number == 1 else f"{self.cell_id}.{number}{SUFFIX}"
        return self.folder / name


def read_cell_logs(folder: Path, cell_id: str, game: str) -> CellLogs:
    """The logs of cell `cell_id` (a `game` run) in `folder`; UsageError (one line) for a log that is
    another game's or whose plan is malformed."""
    pattern = re.compile(re.escape(cell_id) + r"(?:\.(\d+))?" + re.escape(SUFFIX))
    numbered = []
    for path in folder.glob(f"{cell_id}*{SUFFIX}") if folder.is_dir() else ():
        match = pattern.fullmatch(path.name)
        if match:
            numbered.append((int(match.group(1) or 1), path))
    numbered.sort()
    parts = tuple(path for _, path in numbered)
    last = None
    for path in reversed(parts):
        if _has_run_started(path):
            last = read_resumed(str(path), game)
            break
    return CellLogs(folder, cell_id, parts, last, numbered[-1][0] + 1 if numbered else 1)


def _has_run_started(path: Path) -> bool:
    """Whether the log's first line is complete (a run killed before writing it left less)."""
    try:
        with path.open("rb") as handle:
            first = handle.readline()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    return first.endswith(b"\n") and b'"run_started"' in first
