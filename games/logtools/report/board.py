"""The leaderboard (one entry per game, rule set and cast) and the breakdowns (per card, band, category
and seat), from the rows. Definitions are the summary's (games/cli/summary.py, docs/report.md): a game is
played when it was won or lost; success rate = successes / played, with its Wilson 95% interval; the main
score is the mean score of the played games; % played = played / games."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from games.cli.registry import catalog_for
from games.logtools.report.rows import GameRow, Latencies
from games.logtools.report.stats import wilson_interval

Group = tuple[str, str | None, str]  # game, rule set, cast


def group_of(row: GameRow) -> Group:
    return (row.game, row.rules, row.cast)


def outcome_figures(rows: Sequence[GameRow]) -> dict[str, Any]:
    """Games, played, successes, success rate with its interval, main score, % played, mean turns."""
    played = [row for row in rows if row.played]
    wins = sum(row.success for row in played)
    low, high = wilson_interval(wins, len(played))
    scores = [row.score for row in played if row.score is not None]
    turns = [row.turns for row in played if row.turns is not None]
    return {
        "games": len(rows),
        "played": len(played),
        "successes": wins,
        "success_rate": _round(wins / len(played)) if played else None,
        "success_low": _round(low) if played else None,
        "success_high": _round(high) if played else None,
        "main_score": _mean(scores),
        "percent_played": _round(100 * len(played) / len(rows)) if rows else None,
        "mean_turns": _mean(turns),
        "outcomes": dict(sorted(Counter(row.outcome for row in rows).items())),
    }


def leaderboard(rows: Iterable[GameRow], latencies: Latencies) -> list[dict[str, Any]]:
    """One entry per (game, rule set, cast), best success rate first within each game and rule set."""
    groups: dict[Group, list[GameRow]] = defaultdict(list)
    for row in rows:
        groups[group_of(row)].append(row)
    board = []
    for (game, rules, cast), members in groups.items():
        violations: Counter[str] = Counter()
        for row in members:
            violations.update(row.violations)
        prompt = sum(row.prompt_tokens for row in members)
        completion = sum(row.completion_tokens for row in members)
        costs = [row.cost for row in members]
        priced = all(cost is not None for cost in costs) and bool(members)
        histogram = latencies.by_cast.get((game, rules, cast))
        entry = {
            "game": game,
            "rules": rules,
            "cast": cast,
            "models": sorted({model for row in members for model in row.models}),
            **outcome_figures(members),
            "rule_figures": _rule_figures(game, members),
            "violations": dict(sorted(violations.items())),
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "tokens_per_game": _round((prompt + completion) / len(members)),
            "tokens_estimated": any(row.tokens_estimated for row in members),
            "latency_p50_ms": histogram.percentile(50) if histogram else None,
            "latency_p95_ms": histogram.percentile(95) if histogram else None,
            "cost": _round(sum(cost or 0.0 for cost in costs), 6) if priced else None,
            "cost_per_game": _round(sum(cost or 0.0 for cost in costs) / len(members), 6) if priced else None,
        }
        board.append(entry)
    board.sort(key=lambda e: (e["game"], e["rules"] or "", -(e["success_rate"] or -1.0), e["cast"]))
    return board


def _rule_figures(game: str, rows: Sequence[GameRow]) -> dict[str, Any] | None:
    """The rule set's own figures of these games (clembench's clemscore...), as the game computes them."""
    declared = catalog_for(game).get("game_ended")
    if declared is None or declared.figures is None:
        return None
    records = [
        {"rules": row.rules, "scores": row.rule_scores, "outcome": row.outcome, "score": row.score}
        for row in rows
        if row.rule_scores is not None
    ]
    figures = declared.figures(records) if records else None
    return dict(figures) if figures else None


BREAKDOWNS: dict[str, Callable[[GameRow], Iterable[str]]] = {
    "card": lambda row: [row.card],
    "band": lambda row: [row.band] if row.band else [],
    "category": lambda row: [row.category] if row.category else [],
    "seat": lambda row: [f"{agent}={player}" for agent, player in sorted(row.players.items())],
}


def breakdowns(rows: Sequence[GameRow]) -> dict[str, list[dict[str, Any]]]:
    """Per breakdown (card, band, category, seat): an entry per game, rule set, cast and key. The seat
    breakdown groups by who sat where, whatever the cast."""
    result = {}
    for name, keys_of in BREAKDOWNS.items():
        groups: dict[tuple[str, str | None, str, str], list[GameRow]] = defaultdict(list)
        for row in rows:
            for key in keys_of(row):
                cast = "" if name == "seat" else row.cast
                groups[(row.game, row.rules, cast, key)].append(row)
        entries = [
            {"game": game, "rules": rules, "cast": cast, name: key, **outcome_figures(members)}
            for (game, rules, cast, key), members in groups.items()
        ]
        entries.sort(key=lambda e: (e["game"], e["rules"] or "", e["cast"], str(e[name])))
        if entries:
            result[name] = entries
    return result


def model_figures(latencies: Latencies) -> list[dict[str, Any]]:
    """Per model: calls, tokens, latency p50/p95 (timed calls only) and cost."""
    entries = []
    for model, use in sorted(latencies.use.items()):
        histogram = latencies.by_model.get(model)
        entries.append(
            {
                "model": model,
                "calls": use.calls,
                "prompt_tokens": use.prompt_tokens,
                "completion_tokens": use.completion_tokens,
                "latency_p50_ms": histogram.percentile(50) if histogram else None,
                "latency_p95_ms": histogram.percentile(95) if histogram else None,
                "cost": _round(use.cost, 6) if use.cost is not None else None,
            }
        )
    return entries


def _mean(values: Sequence[float]) -> float | None:
    return _round(sum(values) / len(values)) if values else None


def _round(value: float, digits: int = 4) -> float:
    return round(value, digits)
