"""Reading an eval's folder back for the tests: each cell's chain of logs, and what the logs say ended."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

from tests.support.cli import events, read_log

# A persona that plays offline carelessly in two games, so that a cast wearing it loses some games.
SLOPPY_PERSONA = """\
name = "sloppy"
description = "Plays carelessly offline."
roles = "any"

[taboo.hinter.offline]
slip_rate = 0.3

[taboo.guesser]
prompt = "You are the {role}. {rules}"
[taboo.guesser.offline]
knowledge = 0.3

[twenty-questions.answerer.offline]
noise = 0.3
"""


def chains(folder: Path) -> dict[str, list[Path]]:
    """Each cell's log files, in the order they were written (ID.jsonl, ID.2.jsonl, ...)."""
    found: dict[str, list[tuple[int, Path]]] = {}
    for path in (folder / "logs").glob("*.jsonl"):
        cell, _, number = path.name.removesuffix(".jsonl").partition(".")
        found.setdefault(cell, []).append((int(number or 1), path))
    return {cell: [path for _, path in sorted(paths)] for cell, paths in sorted(found.items())}


def ended_in(paths: list[Path]) -> list[dict[str, Any]]:
    """The game_ended events written in these logs themselves (not carried), interrupted ones left out."""
    ended = []
    for path in paths:
        ended += [e for e in events(read_log(path), "game_ended") if e.get("reason") != "interrupted"]
    return ended


def planned_ids(path: Path) -> list[str]:
    return [entry["game_id"] for entry in read_log(path)[0]["plan"]]


def outcome_counts(ended: list[dict[str, Any]]) -> Counter[str]:
    return Counter(record["outcome"] for record in ended)


def results_csv(folder: Path) -> dict[str, dict[str, str]]:
    with (folder / "results.csv").open(encoding="utf-8", newline="") as handle:
        return {row["cell"]: row for row in csv.DictReader(handle)}


def results_json(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "results.json").read_text(encoding="utf-8"))
