"""`build_report`: every log read once into rows, then the leaderboard, breakdowns, comparisons and
ratings made from the rows (docs/report.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from games.logtools.report.board import breakdowns, leaderboard, model_figures
from games.logtools.report.pairs import comparisons
from games.logtools.report.prices import Prices
from games.logtools.report.ratings import ratings
from games.logtools.report.rows import GameRow, Latencies, LogRows, read_log_rows
from games.logtools.report.sources import find_logs
from runtime.logread import LogFileError


@dataclass
class Report:
    """What `report` shows and writes."""

    logs: list[str]
    rows: list[GameRow]
    leaderboard: list[dict[str, Any]]
    breakdowns: dict[str, list[dict[str, Any]]]
    comparisons: list[dict[str, Any]]
    ratings: list[dict[str, Any]]
    models: list[dict[str, Any]]
    priced: bool
    pair_by_seed: bool
    warnings: list[str] = field(default_factory=list)
    unfinished: int = 0  # games started that never ended (interrupted runs not resumed)

    def as_json(self) -> dict[str, Any]:
        return {
            "logs": self.logs,
            "games": len(self.rows),
            "unfinished": self.unfinished,
            "priced": self.priced,
            "pair_by_seed": self.pair_by_seed,
            "leaderboard": self.leaderboard,
            "breakdowns": self.breakdowns,
            "comparisons": self.comparisons,
            "ratings": self.ratings,
            "models": self.models,
            "warnings": self.warnings,
            "rows": [row.as_json() for row in self.rows],
        }


def build_report(
    paths: Sequence[str],
    prices: Prices | None = None,
    strict_pairs: bool = False,
    lenient: bool = False,
) -> Report:
    """Read the logs under `paths` and make the report. A log that cannot be read raises LogFileError
    (file, line, what), or with `lenient` is left out with a warning (and its corrupt lines skipped).
    `strict_pairs` pairs games for comparisons by card and seed, not by card only."""
    sources, warnings = find_logs(paths)
    latencies = Latencies()
    rows: list[GameRow] = []
    carried: list[GameRow] = []
    read: list[LogRows] = []
    for source in sources:
        try:
            found = read_log_rows(
                source.path, cast_label=source.cast, prices=prices, lenient=lenient, latencies=latencies
            )
        except LogFileError as exc:
            if not lenient:
                raise
            warnings.append(f"left out: {exc}")
            continue
        read.append(found)
        rows += found.rows
        carried += found.carried
        warnings += [f"{source.path}: {note}" for note in found.warnings]
    seen = {(row.run_id, row.game_id) for row in rows}
    for row in carried:  # games whose own log was not among those read
        if (row.run_id, row.game_id) not in seen:
            seen.add((row.run_id, row.game_id))
            rows.append(row)
    return Report(
        logs=[found.path for found in read],
        rows=rows,
        leaderboard=leaderboard(rows, latencies),
        breakdowns=breakdowns(rows),
        comparisons=comparisons(rows, by_seed=strict_pairs),
        ratings=ratings(rows),
        models=model_figures(latencies),
        priced=prices is not None,
        pair_by_seed=strict_pairs,
        warnings=warnings,
        unfinished=_unfinished(read),
    )


def _unfinished(logs: Sequence[LogRows]) -> int:
    """Games started in a log that ended in none of the logs that resumed it (directly or down a
    chain): an interrupted run that was not resumed, or whose later logs were not given."""
    resumed_by: dict[Path, list[LogRows]] = {}
    for log in logs:
        if log.resumed_from is not None:
            origin = Path(log.path).parent / log.resumed_from  # a relative name: beside the log
            for candidate in {Path(log.resumed_from).resolve(), origin.resolve()}:
                resumed_by.setdefault(candidate, []).append(log)
    count = 0
    for log in logs:
        later = _chain(Path(log.path).resolve(), resumed_by)
        ended = {row.game_id for other in later for row in [*other.rows, *other.carried]}
        count += sum(game_id not in ended for game_id in log.unfinished)
    return count


def _chain(path: Path, resumed_by: dict[Path, list[LogRows]]) -> list[LogRows]:
    """The logs that resumed `path`, and those that resumed them, and so on."""
    found: list[LogRows] = []
    waiting = [path]
    while waiting:
        for log in resumed_by.get(waiting.pop(), []):
            if all(log is not seen for seen in found):
                found.append(log)
                waiting.append(Path(log.path).resolve())
    return found
