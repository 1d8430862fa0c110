"""An eval's folder: the plan's copy, the record of each cell's definition, the logs, the results.

    DIR/plan.toml     the plan as last run (`eval --resume DIR` plays it again)
    DIR/eval.json     the plan's name, its folder (relative paths in it start there), every cell's definition
    DIR/logs/         each cell's run logs (games.cli.evals.chain)
    DIR/results.csv   one row per cell (games.cli.evals.results), and results.json

A cell that has logs keeps the definition it was played with: a plan that changes it is refused, so a
resumed cell never mixes games of two settings. One eval at a time works in a folder (a lock file).
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from games.kit.exits import UsageError

PLAN_COPY = "plan.toml"
RECORD = "eval.json"
LOGS = "logs"
LOCK = ".lock"


@dataclass(frozen=True)
class EvalFolder:
    root: Path

    @property
    def logs(self) -> Path:
        return self.root / LOGS

    @property
    def plan_copy(self) -> Path:
        return self.root / PLAN_COPY

    def record(self) -> dict[str, Any]:
        """eval.json, or an empty record for a new folder; UsageError (one line) if unreadable."""
        path = self.root / RECORD
        if not path.exists():
            return {}
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"{path}: cannot read the eval's record: {exc}") from None
        if not isinstance(record, dict) or not isinstance(record.get("cells", {}), dict):
            raise UsageError(f"{path}: not an eval's record (no cells)")
        return record

    def plan_base(self) -> Path | None:
        """The folder the plan's relative paths start from, as recorded."""
        base = self.record().get("base")
        return Path(base) if isinstance(base, str) else None

    def save(
        self, name: str, base: Path, text: str, definitions: Mapping[str, Any], played: set[str]
    ) -> None:
        """Write the plan's copy and the record: the played cells keep their recorded definitions."""
        cells = dict(self.record().get("cells", {}))
        for cell_id, definition in definitions.items():
            if cell_id not in played or cell_id not in cells:
                cells[cell_id] = definition
        record = {"name": name, "base": str(base), "cells": cells}
        try:
            self.logs.mkdir(parents=True, exist_ok=True)
            self.plan_copy.write_text(text, encoding="utf-8")
            write_whole(self.root / RECORD, json.dumps(record, indent=2) + "\n")
        except OSError as exc:
            raise UsageError(f"{self.root}: cannot write the eval's folder: {exc.strerror or exc}") from None

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the folder's lock; UsageError when another eval holds it."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            handle = (self.root / LOCK).open("a")
        except OSError as exc:
            raise UsageError(f"{self.root}: cannot use the folder: {exc.strerror or exc}") from None
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise UsageError(f"{self.root}: another eval is running in this folder") from None
            yield


@dataclass(frozen=True)
class Change:
    """A field of a played cell's definition that the plan now gives another value."""

    field: tuple[str, ...]  # its path in the definition: ("settings", "turns")
    was: Any
    now: Any

    def describe(self, cell_ids: Sequence[str]) -> str:
        name = ".".join(self.field[1:] if self.field[0] in ("settings", "roles") else self.field)
        cells = (
            f"the cell {cell_ids[0]} was" if len(cell_ids) == 1 else f"the cells {', '.join(cell_ids)} were"
        )
        return (
            f"{cells} played with {name} = {_shown(self.was)}; the plan now says {_shown(self.now)}: "
            "put it back, or write this eval to another --out DIR"
        )


def changed(recorded: Mapping[str, Any], now: Mapping[str, Any]) -> Change | None:
    """The first difference between a played cell's recorded definition and the plan's, if any."""
    before, after = _flat(recorded), _flat(now)
    for key in sorted(before.keys() | after.keys()):
        if before.get(key) != after.get(key):
            return Change(key, before.get(key), after.get(key))
    return None


def _flat(value: Any, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    if not isinstance(value, Mapping):
        return {prefix: value}
    flat: dict[tuple[str, ...], Any] = {}
    for key, item in value.items():
        flat.update(_flat(item, (*prefix, str(key))))
    return flat


def _shown(value: Any) -> str:
    return "(not set)" if value is None else json.dumps(value)


def write_whole(path: Path, text: str) -> None:
    """Write a file whole: to a temporary file first, then renamed over the old one."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
