"""An eval's results table, read from its cells' logs: one row per cell, each game counted once across
a cell's chain of logs, and the outcomes per game of the plan (results.csv, results.json).

Success rate is the summary's (games.cli.summary): successes / played games (won or lost), with its 95%
Wilson interval; aborted games and games in error are counted, never scored.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from games.cli.evals.cells import PreparedCell
from games.cli.evals.chain import CellLogs
from games.cli.evals.folder import write_whole
from games.cli.summary import wilson_interval
from games.kit.outcome import Outcome

OUTCOMES = [str(outcome) for outcome in Outcome]
COLUMNS = [
    "cell",
    "game",
    "game_name",
    "rules",
    "cast",
    "seed",
    "status",
    "planned",
    "ended",
    *OUTCOMES,
    "played",
    "success_rate",
    "success_low",
    "success_high",
    "logs",
]
DONE, INCOMPLETE, NOT_STARTED = "done", "incomplete", "not started"


def cell_row(cell: PreparedCell, logs: CellLogs, root: Path) -> dict[str, Any]:
    """A cell's row: what it planned, how its games ended, its success rate, its logs (relative to the
    eval's folder `root`)."""
    outcomes = Counter(str(record.get("outcome")) for record in logs.finished.values())
    config = logs.last.config if logs.last is not None else {}
    rules = config.get("rules")
    return {
        "cell": cell.id,
        "game": cell.cell.entry.label,
        "game_name": cell.cell.entry.game.name,
        "rules": rules if isinstance(rules, str) else None,
        "cast": cell.cell.cast.name,
        "seed": cell.cell.seed,
        "status": DONE if logs.done else INCOMPLETE if logs.started else NOT_STARTED,
        "planned": logs.planned if logs.planned is not None else cell.planned,
        "ended": len(logs.finished),
        **_rates(outcomes),
        "logs": [str(path.relative_to(root)) for path in logs.parts],
    }


def _rates(outcomes: Counter[str]) -> dict[str, Any]:
    counts = {outcome: outcomes.get(outcome, 0) for outcome in OUTCOMES}
    played = sum(count for outcome, count in counts.items() if Outcome(outcome).played)
    successes = counts[str(Outcome.SUCCESS)]
    low, high = wilson_interval(successes, played)
    return {
        **counts,
        "played": played,
        "success_rate": round(successes / played, 6) if played else None,
        "success_low": round(low, 6) if played else None,
        "success_high": round(high, 6) if played else None,
    }


def per_game(rows: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each game of the plan (its label) over all its cells: planned and ended games, outcomes, rate."""
    totals: dict[str, dict[str, Any]] = {}
    for label in dict.fromkeys(row["game"] for row in rows):
        mine = [row for row in rows if row["game"] == label]
        outcomes = Counter({outcome: sum(row[outcome] for row in mine) for outcome in OUTCOMES})
        totals[label] = {
            "cells": len(mine),
            "planned": sum(row["planned"] for row in mine),
            "ended": sum(row["ended"] for row in mine),
            **_rates(outcomes),
        }
    return totals


def write_results(folder: Path, name: str, rows: Sequence[Mapping[str, Any]]) -> tuple[Path, Path]:
    """results.csv (one row per cell, its logs joined by ';') and results.json (the rows, and the
    totals per game); each written whole."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "logs": ";".join(row["logs"])})
    document = {
        "plan": name,
        "complete": all(row["status"] == DONE for row in rows),
        "cells": list(rows),
        "games": per_game(rows),
    }
    paths = results_paths(folder)
    write_whole(paths[0], text.getvalue())
    write_whole(paths[1], json.dumps(document, indent=2) + "\n")
    return paths


def results_paths(folder: Path) -> tuple[Path, Path]:
    """An eval's results.csv and results.json."""
    return folder / "results.csv", folder / "results.json"
