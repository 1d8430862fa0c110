"""The report at the terminal: a leaderboard per game and rule set, the comparisons, the ratings, the
models, and the band/category/seat breakdowns (the per-card one is in --csv/--json/--html)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from games.logtools.report.build import Report
from games.logtools.report.ratings import side_terms

TERMINAL_BREAKDOWNS = ("band", "category", "seat")


def print_report(report: Report, console: Console) -> None:
    if not report.rows:
        console.print(f"no finished games in {len(report.logs)} log(s)")
        return
    for (game, rules), entries in _by_game(report.leaderboard).items():
        console.print(leaderboard_table(game, rules, entries))
    if report.comparisons:
        console.print(comparisons_table(report.comparisons, report.pair_by_seed))
    for rating in report.ratings:
        if rating["competitors"]:
            console.print(rating_table(rating))
        else:
            console.print(f"Ratings: {title(rating['game'], rating['rules'])}: {rating['note']}")
    console.print(models_table(report.models))
    for name in TERMINAL_BREAKDOWNS:
        entries = report.breakdowns.get(name)
        if entries:
            console.print(breakdown_table(name, entries))
    unfinished = f", {report.unfinished} game(s) never ended" if report.unfinished else ""
    console.print(f"{len(report.rows)} game(s) from {len(report.logs)} log(s){unfinished}")


def _by_game(entries: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str | None], list[Mapping[str, Any]]]:
    groups: dict[tuple[str, str | None], list[Mapping[str, Any]]] = defaultdict(list)
    for entry in entries:
        groups[(entry["game"], entry["rules"])].append(entry)
    return groups


def title(game: str, rules: str | None) -> str:
    return f"{game} · {rules} rules" if rules else game


def leaderboard_table(game: str, rules: str | None, entries: Sequence[Mapping[str, Any]]) -> Table:
    headline = _headline(entries)
    columns: list[tuple[str, list[str]]] = [
        ("cast", [entry["cast"] for entry in entries]),
        ("games", [str(entry["games"]) for entry in entries]),
        ("success (95% CI)", [rate_text(entry) for entry in entries]),
        ("main score", [show(entry["main_score"]) for entry in entries]),
        ("played to the end", [_percent(entry["percent_played"]) for entry in entries]),
    ]
    if headline:
        figures = [show((entry.get("rule_figures") or {}).get(headline)) for entry in entries]
        columns.append((headline, figures))
    columns += [
        ("turns", [show(entry["mean_turns"]) for entry in entries]),
        ("violations", [_violations(entry) for entry in entries]),
        ("tokens/game", [_tokens(entry) for entry in entries]),
        ("latency p50/p95 ms", [_latency(entry) for entry in entries]),
        ("cost", [show(entry["cost"]) for entry in entries]),
    ]
    return _table(f"Leaderboard: {title(game, rules)}", columns, left=("cast", "violations"))


def _table(heading: str, columns: list[tuple[str, list[str]]], left: Sequence[str]) -> Table:
    """A table of the columns that have something to show: one with nothing but `n/a` (no model was
    timed, no prices given) is left out rather than printed empty."""
    shown = [(name, cells) for name, cells in columns if any(cell != "n/a" for cell in cells)]
    table = Table(title=heading, title_justify="left")
    for name, _ in shown:
        if name in left:  # a long cast folds onto more lines rather than being cut
            table.add_column(name, justify="left", overflow="fold")
        else:
            table.add_column(name, justify="right")
    for row in zip(*(cells for _, cells in shown), strict=True):
        table.add_row(*row)
    return table


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}%"


def _violations(entry: Mapping[str, Any]) -> str:
    return ", ".join(f"{rule} {n}" for rule, n in entry["violations"].items()) or "none"


def _tokens(entry: Mapping[str, Any]) -> str:
    return show(entry["tokens_per_game"]) + ("~" if entry["tokens_estimated"] else "")


def _latency(entry: Mapping[str, Any]) -> str:
    if entry["latency_p50_ms"] is None and entry["latency_p95_ms"] is None:
        return "n/a"
    return f"{show(entry['latency_p50_ms'])} / {show(entry['latency_p95_ms'])}"


def _headline(entries: Sequence[Mapping[str, Any]]) -> str | None:
    for entry in entries:
        figures = entry.get("rule_figures") or {}
        if figures.get("headline"):
            return str(figures["headline"])
    return None


def rate_text(entry: Mapping[str, Any]) -> str:
    rate = entry["success_rate"]
    if rate is None:
        return "n/a"
    return f"{rate:.1%} ({entry['success_low']:.1%}–{entry['success_high']:.1%})"


def comparisons_table(comparisons: Sequence[Mapping[str, Any]], by_seed: bool) -> Table:
    paired = "card and seed" if by_seed else "card"
    table = Table(title=f"Paired comparisons (games paired by {paired})", title_justify="left")
    for column in ("game", "A", "B", "pairs", "A only / B only", "A − B (95% CI)", "p (McNemar)"):
        table.add_column(column, justify="right" if column in ("pairs", "p (McNemar)") else "left")
    table.add_column("verdict", no_wrap=True)
    for item in comparisons:
        table.add_row(
            title(item["game"], item["rules"]),
            item["a"],
            item["b"],
            str(item["pairs"]),
            f"{item['only_a']} / {item['only_b']}",
            f"{item['difference']:+.1%} ({item['low']:+.1%} to {item['high']:+.1%})",
            f"{item['p_value']:.3g}",
            item["verdict"],
        )
    return table


def rating_table(rating: Mapping[str, Any]) -> Table:
    table = Table(title=f"Ratings: {title(rating['game'], rating['rules'])}", title_justify="left")
    table.add_column("competitor")
    table.add_column("rating (95% CI)", justify="right")
    table.add_column("games", justify="right")
    table.add_column("wins", justify="right")
    for item in rating["competitors"]:
        table.add_row(
            item["name"], f"{item['rating']:.0f} ({item['low']:.0f}–{item['high']:.0f})", str(item["games"]),
            str(item["wins"]),
        )  # fmt: skip
    caption = f"{rating['matches']} match(es) between models, {rating['self_play']} self-play game(s)"
    table.caption = "; ".join(filter(None, [caption, side_terms(rating)]))
    return table


def models_table(models: Sequence[Mapping[str, Any]]) -> Table:
    columns: list[tuple[str, list[str]]] = [
        ("model", [item["model"] for item in models]),
        ("calls", [str(item["calls"]) for item in models]),
        ("tokens in / out", [f"{m['prompt_tokens']:,} / {m['completion_tokens']:,}" for m in models]),
        ("latency p50/p95 ms", [_latency(item) for item in models]),
        ("cost", [show(item["cost"]) for item in models]),
    ]
    return _table("Models", columns, left=("model",))


def breakdown_table(name: str, entries: Sequence[Mapping[str, Any]]) -> Table:
    table = Table(title=f"By {name}", title_justify="left")
    for column in ("game", "cast", name, "games", "success (95% CI)", "main score"):
        table.add_column(column, justify="right" if column == "games" else "left")
    for entry in entries:
        table.add_row(
            title(entry["game"], entry["rules"]),
            entry["cast"] or "any",
            str(entry[name]),
            str(entry["games"]),
            rate_text(entry),
            show(entry["main_score"]),
        )
    return table


def show(value: object) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.4g}"
    return str(value)
