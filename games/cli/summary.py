"""The figures of a run of many games, gathered from its log events (live, or read back from a log).

Definitions (docs/batch.md): a game is *played* when it ended in a win or a loss (not aborted, not
error). Success rate = successes / played games, with a 95% Wilson interval. Mean score is over played
games (clembench's Main Score); %played = played / all games (clembench's %Played). Games that ended in
error are counted and shown, never scored, never dropped.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.table import Table

from games.kit.outcome import Outcome

Z_95 = 1.959964


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


@dataclass
class RunStats:
    """Collects what the summary needs from event records; use it as a RunLog listener."""

    games: dict[str, Mapping[str, Any]] = field(default_factory=dict)  # game_id -> game_ended record
    violations: Counter[str] = field(default_factory=Counter)
    malformed: int = 0
    reprompts: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated_tokens: bool = False
    latencies_ms: list[float] = field(default_factory=list)
    casts: dict[str, str] = field(default_factory=dict)  # game_id -> "agent=model/persona, ..."
    planned: list[str] = field(default_factory=list)  # every game of the run's plan, in order

    def __call__(self, record: Mapping[str, Any]) -> None:
        event = record.get("event")
        if event == "game_ended":
            if record.get("reason") != "interrupted":  # logs before game_interrupted wrote these
                self.games[str(record.get("game_id"))] = record
        elif event == "game_cast":
            self._cast(record.get("game_id"), record.get("players"))
        elif event == "run_started":
            self._started(record)
        elif event == "rule_violation":
            self.violations[str(record.get("rule"))] += 1
        elif event == "reply_malformed":
            self.malformed += 1
            self.reprompts += 1 if record.get("reprompts_left") else 0
        elif event == "llm_call":
            usage = record.get("usage") or {}
            self.prompt_tokens += int(usage.get("prompt_tokens", 0))
            self.completion_tokens += int(usage.get("completion_tokens", 0))
            self.estimated_tokens = self.estimated_tokens or bool(usage.get("estimated"))
            if record.get("backend") not in ("offline", "human", "replay"):
                self.latencies_ms.append(float(record.get("latency_ms", 0)))

    def _started(self, record: Mapping[str, Any]) -> None:
        """The plan (its games and casts) and the games finished in the logs this run resumes."""
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


def summarize(stats: RunStats) -> dict[str, Any]:
    """The summary figures as plain JSON (what --summary-json writes)."""
    ended = list(stats.games.values())
    outcomes = Counter(str(record.get("outcome")) for record in ended)
    played = [r for r in ended if Outcome(str(r.get("outcome"))).played]
    successes = [r for r in played if r.get("outcome") == Outcome.SUCCESS]
    low, high = wilson_interval(len(successes), len(played))
    scores = [float(r["score"]) for r in played if isinstance(r.get("score"), int | float)]
    count = len(ended)
    errors = Counter(str(r.get("reason")) for r in ended if r.get("outcome") == Outcome.ERROR)
    return {
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
        "violations_by_rule": dict(sorted(stats.violations.items())),
        "format_errors": stats.malformed,
        "reprompts": stats.reprompts,
        "tokens": {
            "prompt": stats.prompt_tokens,
            "completion": stats.completion_tokens,
            "per_game": _round((stats.prompt_tokens + stats.completion_tokens) / count) if count else None,
            "estimated": stats.estimated_tokens,
        },
        "latency_ms": {"p50": percentile(stats.latencies_ms, 50), "p95": percentile(stats.latencies_ms, 95)},
        "by_pairing": _by_pairing(stats, ended),
        "errors_by_cause": dict(errors.most_common()),
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
    return table


def summary_table(summary: Mapping[str, Any]) -> Table:
    """The summary as a two-column table for the terminal."""
    table = Table(title="Summary", show_header=False, title_justify="left")
    table.add_column("figure", style="bold")
    table.add_column("value")
    outcomes = ", ".join(f"{name} {n}" for name, n in summary["outcomes"].items() if n)
    rate, ci = summary["success_rate"], summary["success_rate_ci95"]
    tokens = summary["tokens"]
    latency = summary["latency_ms"]
    rows = [
        ("games", str(summary["games"])),
        ("outcomes", outcomes or "none"),
        ("success rate", f"{rate:.1%} (95% CI {ci[0]:.1%}–{ci[1]:.1%})" if rate is not None else "n/a"),
        ("mean turns to success", _show(summary["mean_turns_to_success"])),
        ("mean score", _show(summary["mean_score"])),
        ("% played", _show(summary["percent_played"])),
        ("violations", ", ".join(f"{k} {v}" for k, v in summary["violations_by_rule"].items()) or "none"),
        ("format errors / re-prompts", f"{summary['format_errors']} / {summary['reprompts']}"),
        (
            "tokens in / out",
            f"{tokens['prompt']:,} / {tokens['completion']:,} ({_show(tokens['per_game'])} per game"
            f"{', estimated' if tokens['estimated'] else ''})",
        ),
        ("model latency p50 / p95", f"{_show(latency['p50'])} / {_show(latency['p95'])} ms"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    not_played = summary.get("not_played") or []
    if not_played:
        shown = ", ".join(not_played[:10]) + (
            f" and {len(not_played) - 10} more" if len(not_played) > 10 else ""
        )
        table.add_row("not played", f"{len(not_played)} ({shown})")
    for cause, count in (summary.get("errors_by_cause") or {}).items():
        table.add_row("error", f"{count} × {cause}")
    for cast, figures in summary.get("by_pairing", {}).items():
        rate = figures["success_rate"]
        shown = f"{rate:.1%}" if rate is not None else "n/a"
        table.add_row(
            cast, f"{figures['games']} games, success {shown}, mean score {_show(figures['mean_score'])}"
        )
    return table


def _mean(values: Sequence[float]) -> float | None:
    return _round(sum(values) / len(values)) if values else None


def _round(value: float) -> float:
    return round(value, 4)


def _show(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"
