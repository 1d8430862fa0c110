"""The page's charts, drawn with matplotlib (its object API, no pyplot state) and written as SVG text to
put inline: success rate per cast with its 95% interval, score and turn distributions per cast, latency
and cost per model. Each chart's ids are prefixed so that many SVGs can share one page."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib import rcParams
from matplotlib.figure import Figure

from games.logtools.report.build import Report
from games.logtools.report.rows import GameRow

rcParams["svg.fonttype"] = "none"  # text stays text: smaller, selectable, searchable
rcParams["svg.hashsalt"] = "report"  # the same report draws the same SVG
BAR = "#2563eb"
ACCENT = "#f97316"
WIDTH = 6.5
_METADATA = {"Creator": None, "Date": None, "Format": None, "Type": None}


def charts(report: Report) -> list[tuple[str, str]]:
    """(title, svg) for every chart the report has data for, in page order."""
    drawn = []
    for (game, rules), entries in _groups(report.leaderboard).items():
        name = f"{game} · {rules} rules" if rules else game
        members = [row for row in report.rows if (row.game, row.rules) == (game, rules)]
        drawn.append((f"Success rate per cast: {name}", success_chart(entries)))
        if any(row.score is not None for row in members):
            drawn.append((f"Scores per cast: {name}", distribution_chart(members, "score", "score")))
        if any(row.turns is not None and row.played for row in members):
            drawn.append((f"Turns per cast: {name}", distribution_chart(members, "turns", "turns")))
    timed = [model for model in report.models if model["latency_p50_ms"] is not None]
    if timed:
        drawn.append(("Model latency per model (ms)", latency_chart(timed)))
    priced = [model for model in report.models if model["cost"] is not None]
    if priced:
        drawn.append(("Cost per model", cost_chart(priced)))
    return [(title, _prefixed(svg, f"c{index}")) for index, (title, svg) in enumerate(drawn)]


def _groups(entries: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str | None], list[Mapping[str, Any]]]:
    groups: dict[tuple[str, str | None], list[Mapping[str, Any]]] = defaultdict(list)
    for entry in entries:
        groups[(entry["game"], entry["rules"])].append(entry)
    return groups


def success_chart(entries: Sequence[Mapping[str, Any]]) -> str:
    shown = [entry for entry in entries if entry["success_rate"] is not None]
    figure = _figure(len(shown))
    axes = figure.add_subplot()
    labels = [_label(entry["cast"]) for entry in shown]
    rates = [100 * entry["success_rate"] for entry in shown]
    below = [100 * (entry["success_rate"] - entry["success_low"]) for entry in shown]
    above = [100 * (entry["success_high"] - entry["success_rate"]) for entry in shown]
    positions = range(len(shown))
    axes.barh(positions, rates, color=BAR, xerr=[below, above], capsize=4, ecolor="#111827")
    axes.set_yticks(list(positions), labels)
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("success rate, % of played games (whiskers: 95% Wilson interval)")
    return _svg(figure)


def distribution_chart(rows: Sequence[GameRow], field: str, label: str) -> str:
    by_cast: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        value = getattr(row, field)
        if row.played and value is not None:
            by_cast[row.cast].append(float(value))
    casts = sorted(by_cast)
    figure = _figure(len(casts))
    axes = figure.add_subplot()
    values = [by_cast[cast] for cast in casts]
    parts = axes.boxplot(values, orientation="horizontal", patch_artist=True, widths=0.6)
    for box in parts["boxes"]:
        box.set_facecolor("#bfdbfe")
        box.set_edgecolor(BAR)
    for median in parts["medians"]:
        median.set_color(ACCENT)
    axes.set_yticks(range(1, len(casts) + 1), [_label(cast) for cast in casts])
    axes.invert_yaxis()
    axes.set_xlabel(f"{label} of each played game (box: quartiles, line: median)")
    return _svg(figure)


def latency_chart(models: Sequence[Mapping[str, Any]]) -> str:
    figure = _figure(len(models))
    axes = figure.add_subplot()
    positions = list(range(len(models)))
    axes.barh(
        [p - 0.2 for p in positions], [m["latency_p50_ms"] for m in models], 0.4, color=BAR, label="p50"
    )
    axes.barh(
        [p + 0.2 for p in positions], [m["latency_p95_ms"] for m in models], 0.4, color=ACCENT, label="p95"
    )
    axes.set_yticks(positions, [_label(m["model"]) for m in models])
    axes.invert_yaxis()
    axes.set_xlabel("latency of one model call, ms")
    axes.legend(loc="lower right")
    return _svg(figure)


def cost_chart(models: Sequence[Mapping[str, Any]]) -> str:
    figure = _figure(len(models))
    axes = figure.add_subplot()
    positions = list(range(len(models)))
    axes.barh(positions, [m["cost"] for m in models], color=BAR)
    axes.set_yticks(positions, [_label(m["model"]) for m in models])
    axes.invert_yaxis()
    axes.set_xlabel("cost of all calls (the prices file's currency)")
    return _svg(figure)


def _figure(bars: int) -> Figure:
    figure = Figure(figsize=(WIDTH, 1.2 + 0.45 * max(bars, 1)), layout="constrained")
    return figure


def _label(text: str) -> str:
    """A name as a chart label: plain text (a `$` would start matplotlib's math), cut to 40 characters."""
    text = text if len(text) <= 40 else text[:39] + "…"
    return text.replace("$", r"\$")


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata=_METADATA)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


_ID = re.compile(r'id="([^"]+)"')
_REF = re.compile(r'(url\(#|href="#)([^")]+)')


def _prefixed(svg: str, prefix: str) -> str:
    """The SVG with its ids, and the references to them, prefixed: ids stay unique on the page."""
    svg = _ID.sub(lambda match: f'id="{prefix}-{match.group(1)}"', svg)
    return _REF.sub(lambda match: f"{match.group(1)}{prefix}-{match.group(2)}", svg)
