"""What a game offers to turn another program's records into this project's run logs:
`python main.py import NAME DIR`. A game lists its importers on its definition (`importers`); each
writes logs that `replay` shows and `rerun` plays again (docs/log-format.md, "Imported runs")."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

# A model's backend in an imported run's configuration: its replies were recorded by another program.
RECORDED_BACKEND = "recorded"


@dataclass(frozen=True)
class ImportReport:
    """What an import did: the logs it wrote, a line for each, and what it left out and why."""

    logs: tuple[Path, ...]
    lines: tuple[str, ...]
    warnings: tuple[str, ...] = ()


class Importer(Protocol):
    name: str  # the format: python main.py import <name> DIR
    help: str

    def run(self, source: Path, out: Path, versions: Mapping[str, str]) -> ImportReport:
        """Import the records under `source` into logs in `out` (`versions`: what run_started records);
        raise games.kit.exits.UsageError, one line naming the file and field, for records it cannot read."""
        ...


@dataclass(frozen=True)
class ImporterAt:
    """An importer a game's definition names by where it lives ("package.module:ATTRIBUTE"): its code is
    imported when an import runs, not whenever the game is."""

    name: str
    help: str
    where: str

    def run(self, source: Path, out: Path, versions: Mapping[str, str]) -> ImportReport:
        module, _, attribute = self.where.partition(":")
        importer: Importer = getattr(importlib.import_module(module), attribute)
        return importer.run(source, out, versions)
