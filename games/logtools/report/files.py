"""The report as files: `--csv` one row per game (every field a notebook needs), `--json` the whole
report (leaderboard, breakdowns, comparisons, ratings, models and the rows). Each is written whole to a
side file first and renamed, so a reader never sees half a file."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

import orjson

from games.logtools.report.build import Report
from games.logtools.report.rows import GameRow

# Columns holding a mapping or a list: written as JSON text in the CSV.
_NESTED = ("players", "models", "violations", "rule_scores", "sides")


def csv_text(report: Report) -> str:
    buffer = io.StringIO()
    columns = list(GameRow.__dataclass_fields__)
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in report.rows:
        values: dict[str, Any] = row.as_json()
        for name in _NESTED:
            values[name] = orjson.dumps(values[name]).decode() if values[name] is not None else ""
        writer.writerow({name: "" if value is None else value for name, value in values.items()})
    return buffer.getvalue()


def json_text(report: Report) -> str:
    return orjson.dumps(report.as_json(), option=orjson.OPT_INDENT_2).decode() + "\n"


def write_whole(path: str, text: str) -> None:
    """Write `text` to `path` through a side file and a rename."""
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, target)
