"""The figures of a run of many games, gathered from its log events (live, or read back from a log).

Definitions (docs/batch.md): a game is *played* when it ended in a win or a loss (not aborted, not
error). Success rate = successes / played games, with a 95% Wilson interval. Mean score is over played
games (clembench's Main Score); %played = played / all games (clembench's %Played). Games that ended in
error are counted and shown, never scored, never dropped.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from games.cli.registry import FollowedCatalog
from games.cli.summary_run import described_run
from games.kit.common_events import INTERRUPTED, OFFLINE_BACKENDS
from games.kit.events import EventCatalog, Tally
from games.kit.outcome import Outcome

if TYPE_CHECKING:
    from rich.table import Table

Z_95 = 1.959964
# The fields of a game_ended record the summary reads (readers of long logs keep only these).
SUMMARY_FIELDS = ("outcome", "turns", "score", "rules", "scores")


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion; (0, 0) when there are no trials."""
    if trials == 0:
        return (0.0, 0.0)
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def percentile(values: Sequence[float], q: float) -> float | None:
    """The nearest-rank q-th percentile (0 < q <= 100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


class RunStats:
    """Collects what the summary needs from event records; use it as a RunLog listener. What a game's
    events add to the figures is what they declare (`tally`): `catalog` is the game's, or None to
    follow the game a log names."""

    def __init__(self, catalog: EventCatalog | None = None) -> None:
        self.games: dict[str, Mapping[str, Any]] = {}  # game_id -> game_ended record
        self.tallies: dict[str, Counter[str]] = defaultdict(Counter)  # counter -> key -> count
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.estimated_tokens = False
        self.latencies_ms: list[float] = []
        self.casts: dict[str, str] = {}  # game_id -> "agent=model/persona, ..."
        self.planned: list[str] = []  # every game of the run's plan, in order
        self.rules: str | None = None  # the game's rule set, for a game that has several
        self.started: Mapping[str, Any] | None = None  # the run's run_started record
        self._catalog = (lambda record: catalog) if catalog is not None else FollowedCatalog()
        self._counted: EventCatalog | None = None
        self._tallies: dict[str, Tally] = {}

    def __call__(self, record: Mapping[str, Any]) -> None:
        event = record.get("event")
        if event == "game_ended":
            if record.get("reason") != INTERRUPTED:  # logs before game_interrupted wrote these
                self.games[str(record.get("game_id"))] = record
        elif event == "game_cast":
            self._cast(record.get("game_id"), record.get("players"))
        elif event == "run_started":
            self._catalog(record)
            self._started(record)
        elif event == "llm_call":
            usage = record.get("usage") or {}
            self.prompt_tokens += int(usage.get("prompt_tokens", 0))
            self.completion_tokens += int(usage.get("completion_tokens", 0))
            self.estimated_tokens = self.estimated_tokens or bool(usage.get("estimated"))
            if record.get("backend") not in OFFLINE_BACKENDS:
                self.latencies_ms.append(float(record.get("latency_ms", 0)))
        else:
            tally = self._tally_of(record)
            if tally is not None:
                for counter, key in tally(record):
                    self.tallies[counter][key] += 1

    def _tally_of(self, record: Mapping[str, Any]) -> Tally | None:
        catalog = self._catalog(record)
        if catalog is not self._counted:  # the events that count something, for this game's catalog
            self._counted = catalog
            self._tallies = {name: event.tally for name, event in catalog.events.items() if event.tally}
        return self._tallies.get(record.get("event"))  # type: ignore[arg-type]

    def rules_from(self, started: Mapping[str, Any]) -> None:
        """The rule set a run_started's configuration names (a game with several has `rules`)."""
        config = started.get("config")
        if isinstance(config, Mapping) and isinstance(config.get("rules"), str):
            self.rules = config["rules"]

    def figures(self, ended: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
        """The rule set's own figures of these games (the game's `game_ended.figures`), if it has any."""
        declared = self._catalog({"event": "game_ended"}).get("game_ended")
        if declared is None or declared.figures is None or not ended:
            return None
        return declared.figures(ended)

    def count(self, counter: str) -> int:
        return sum(self.tallies[counter].values()) if counter in self.tallies else 0

    def _started(self, record: Mapping[str, Any]) -> None:
        """The rule set, the plan (its games and casts) and the games finished in the logs this run
        resumes."""
        self.started = self.started or record
        self.rules_from(record)
        plan = record.get("plan")
        for entry in plan if isinstance(plan, list) else ():
            if isinstance(entry, Mapping) and isinstance(entry.get("game_id"), str):
                self.planned.append(entry["game_id"])
                self._cast(entry["game_id"], entry.get("cast"))
        carried = record.get("carried")
        for ended in carried if isinstance(carried, list) else ():
            if isinstance(ended, Mapping):
                self.games[str(ended.get("game_id"))] = ended

    def _cast(self, game_id: object, players: object) -> None:
        if isinstance(players, Mapping):
            self.casts[str(game_id)] = ", ".join(f"{a}={p}" for a, p in sorted(players.items()))

    def feed(self, records: Iterable[Mapping[str, Any]]) -> RunStats:
        for record in records:
            self(record)
        return self


LLM_CALL_FIELDS = ("event", "usage", "backend", "latency_ms")  # what RunStats reads of an llm_call


def summary_view(catalog: EventCatalog) -> Callable[[Mapping[str, Any]], Mapping[str, Any] | None]:
    """What RunStats takes from a record of a game's events (`catalog` the game's), for a process that
    sends them elsewhere (a worker): the record, the part of it RunStats reads, or None for a record
    RunStats passes over. Fed what this gives, RunStats comes to the same figures as fed every record."""
    tallied = {name for name, event in catalog.events.items() if event.tally}
    whole = tallied | {"game_ended", "game_cast", "run_started"}

    def view(record: Mapping[str, Any]) -> Mapping[str, Any] | None:
        event = record.get("event")
        if event in whole:
            return record
        if event == "llm_call":
            return {name: record[name] for name in LLM_CALL_FIELDS if name in record}
        return None

    return view


def summarize(stats: RunStats, log: str | None = None) -> dict[str, Any]:
    """The summary figures as plain JSON (what --summary-json writes), after `run`: what they summarise
    (games/cli/summary_run.py), `log` the run log's path."""
    ended = list(stats.games.values())
    outcomes = Counter(str(record.get("outcome")) for record in ended)
    played = [r for r in ended if Outcome(str(r.get("outcome"))).played]
    successes = [r for r in played if r.get("outcome") == Outcome.SUCCESS]
    low, high = wilson_interval(len(successes), len(played))
    scores = [float(r["score"]) for r in played if isinstance(r.get("score"), int | float)]
    count = len(ended)
    errors = Counter(str(r.get("reason")) for r in ended if r.get("outcome") == Outcome.ERROR)
    return {
        "run": described_run(stats.started, log),
        "games": count,
        "planned": len(stats.planned) or count,
        "not_played": [game_id for game_id in stats.planned if game_id not in stats.games],
        "outcomes": {str(outcome): outcomes.get(str(outcome), 0) for outcome in Outcome},
        "played": len(played),
        "percent_played": _round(100 * len(played) / count) if count else None,
        "success_rate": _round(len(successes) / len(played)) if played else None,
        "success_rate_ci95": [_round(low), _round(high)] if played else None,
        "mean_turns_to_success": _mean([float(r.get("turns", 0)) for r in successes]),
        "mean_score": _mean(scores),
        "violations_by_rule": dict(sorted(stats.tallies.get("violations", {}).items())),
        "format_errors": stats.count("format_errors"),
        "reprompts": stats.count("reprompts"),
        "tokens": {
            "prompt": stats.prompt_tokens,
            "completion": stats.completion_tokens,
            "per_game": _round((stats.prompt_tokens + stats.completion_tokens) / count) if count else None,
            "estimated": stats.estimated_tokens,
        },
        "latency_ms": {"p50": percentile(stats.latencies_ms, 50), "p95": percentile(stats.latencies_ms, 95)},
        "by_pairing": _by_pairing(stats, ended),
        "errors_by_cause": dict(errors.most_common()),
        "rules": stats.rules,
        "rules_figures": stats.figures(ended),
    }


def _by_pairing(stats: RunStats, ended: list[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Success rate and mean score per cast of players (a cross-play matrix), when there is more than one."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for record in ended:
        groups.setdefault(stats.casts.get(str(record.get("game_id")), "?"), []).append(record)
    if len(groups) < 2:
        return {}
    table = {}
    for cast, records in sorted(groups.items()):
        played = [r for r in records if Outcome(str(r.get("outcome"))).played]
        wins = sum(r.get("outcome") == Outcome.SUCCESS for r in played)
        scores = [float(r["score"]) for r in played if isinstance(r.get("score"), int | float)]
        table[cast] = {
            "games": len(records),
            "played": len(played),
            "success_rate": _round(wins / len(played)) if played else None,
            "mean_score": _mean(scores),
        }
        figures = stats.figures(records)
        if figures is not None:
            table[cast]["rules_figures"] = figures
    return table


def summary_table(summary: Mapping[str, Any]) -> Table:
    """The summary as a two-column table for the terminal."""
    from rich.table import Table  # imported when a table is shown: a single or --quiet game shows none

    table = Table(title="Summary", show_header=False, title_justify="left")
    table.add_column("figure", style="bold")
    table.add_column("value")
    for name, value in summary_rows(summary):
        table.add_row(name, value)
    return table


# Outcomes as the summary names them: the log's words stay in the log and in --summary-json.
OUTCOME_WORDS = {
    "success": "won",
    "lose_violation": "lost by a broken rule",
    "lose_turns": "lost out of turns",
    "aborted": "not finished",
    "error": "failed",
}


def summary_rows(summary: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The summary's figures as (name, value) lines, in words and rounded to what they mean: the
    terminal's table and the page's. A figure that does not apply to the run (no game played to the end,
    no model time, token counts of offline players) has no row."""
    outcomes = ", ".join(
        f"{n} {OUTCOME_WORDS.get(name, name)}" for name, n in summary["outcomes"].items() if n
    )
    rate, ci = summary["success_rate"], summary["success_rate_ci95"]
    tokens = summary["tokens"]
    latency = summary["latency_ms"]
    rows = []
    if summary.get("rules"):
        rows.append(("rules", str(summary["rules"])))
    rows += [("games", str(summary["games"])), ("outcomes", outcomes or "none")]
    if rate is not None:
        rows.append(
            (
                "won",
                f"{_percent(rate)} (95% CI {_percent(ci[0])}–{_percent(ci[1])})",
            )
        )
    if summary["mean_turns_to_success"] is not None:
        rows.append(("mean turns to win", f"{summary['mean_turns_to_success']:.1f}".removesuffix(".0")))
    if summary["mean_score"] is not None:
        rows.append(("mean score", f"{summary['mean_score']:.1f}".removesuffix(".0")))
    if summary["percent_played"] is not None:
        rows.append(("played to the end", f"{summary['percent_played']:.0f}%"))
    violations = ", ".join(f"{k} {v}" for k, v in summary["violations_by_rule"].items())
    rows.append(("rules broken", violations or "none"))
    asked = f", {summary['reprompts']} asked again" if summary["reprompts"] else ""
    rows.append(("replies in the wrong format", f"{summary['format_errors']}{asked}"))
    timed = latency["p50"] is not None
    if timed or not tokens["estimated"]:  # offline players' token counts are estimates of nothing
        per_game = f", {tokens['per_game']:,.0f} per game" if tokens["per_game"] is not None else ""
        estimated = ", some estimated" if tokens["estimated"] else ""
        rows.append(
            ("tokens in / out", f"{tokens['prompt']:,} / {tokens['completion']:,}{per_game}{estimated}")
        )
    if timed:
        rows.append(("model latency p50 / p95", f"{latency['p50']:,.0f} / {latency['p95']:,.0f} ms"))
    rows += _figure_rows(summary.get("rules_figures"))
    not_played = summary.get("not_played") or []
    if not_played:
        shown = ", ".join(not_played[:10]) + (
            f" and {len(not_played) - 10} more" if len(not_played) > 10 else ""
        )
        rows.append(("not played", f"{len(not_played)} ({shown})"))
    for cause, count in (summary.get("errors_by_cause") or {}).items():
        rows.append(("failed", f"{count} × {cause}"))
    for cast, figures in summary.get("by_pairing", {}).items():
        rate = figures["success_rate"]
        shown = _percent(rate) if rate is not None else "none played to the end"
        own = _headline(figures.get("rules_figures"))
        mean = figures["mean_score"]
        score = f", mean score {mean:.1f}".removesuffix(".0") if mean is not None else ""
        rows.append((cast, f"{figures['games']} games, won {shown}{score}{own}"))
    return rows


def _percent(share: float) -> str:
    """A share as a whole percentage ("75%"), with one decimal below 1% and above 99% ("99.5%")."""
    percent = 100 * share
    if 0 < percent < 1 or 99 < percent < 100:
        return f"{percent:.1f}%"
    return f"{percent:.0f}%"


# A rule set's own figures (`rules_figures`): "rules" names the rule set, "headline" its main figure
# (shown per cast too); each other figure is a row, "percent_" written "% ".
_NOT_ROWS = ("rules", "headline")


def _figure_rows(figures: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    if not figures:
        return []
    rules = str(figures.get("rules", "rules"))
    return [
        (f"{rules} {name.replace('percent_', '% ').replace('_', ' ')}", _show(value))
        for name, value in figures.items()
        if name not in _NOT_ROWS
    ]


def _headline(figures: Mapping[str, Any] | None) -> str:
    if not figures or figures.get("headline") not in figures:
        return ""
    name = str(figures["headline"])
    return f", {figures.get('rules', 'rules')} {name} {_show(figures[name])}"


def _mean(values: Sequence[float]) -> float | None:
    return _round(sum(values) / len(values)) if values else None


def _round(value: float) -> float:
    return round(value, 4)


def _show(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"
