"""The report as one self-contained HTML page: the leaderboard (sortable: click a column's head), the
charts (matplotlib, inline SVG), the comparisons, ratings, models and breakdowns, and every game with a
link to its place on its log's replay page. No network: the CSS, the script and the charts are inline.
Every text from the logs goes through `html.escape`."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from games.logtools.report.build import Report
from games.logtools.report.charts import charts
from games.logtools.report.files import write_whole
from games.logtools.report.ratings import side_terms
from games.logtools.report.terminal import show, title

CSS = """
:root { --ink: #1d2330; --muted: #6b7280; --line: #e5e7eb; --bg: #f8fafc; --ok: #15803d; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  background: var(--bg); }
header, main { max-width: 1200px; margin: 0 auto; padding: 0 16px; }
header h1 { font-size: 1.35rem; margin: 24px 0 4px; }
.meta { color: var(--muted); margin: 0 0 12px; }
main { display: flex; flex-direction: column; gap: 20px; padding-bottom: 40px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 14px 18px;
  overflow-x: auto; }
h2 { font-size: 1.1rem; margin: 0 0 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 3px 10px 3px 0; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { color: var(--muted); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; }
#leaderboard th { cursor: pointer; user-select: none; }
#leaderboard th[aria-sort="ascending"]::after { content: " ▲"; }
#leaderboard th[aria-sort="descending"]::after { content: " ▼"; }
#chart-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 8px 18px; }
figure { margin: 10px 0 18px; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-weight: 600; margin-bottom: 4px; }
.verdict { font-weight: 600; color: var(--ok); }
.note { color: var(--muted); }
"""

# Sorting the leaderboard: a column's head sorts by it (again: the other way); numbers as numbers.
SCRIPT = """
(function () {
  var table = document.getElementById("leaderboard");
  if (!table) { return; }
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function value(row, column) {
    var text = row.cells[column].getAttribute("data-sort");
    var number = parseFloat(text);
    return isNaN(number) ? text : number;
  }
  function sortBy(key, descending) {
    var column = heads.findIndex(function (head) { return head.getAttribute("data-key") === key; });
    if (column < 0) { return; }
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, column), y = value(b, column);
      var numbers = typeof x === "number" && typeof y === "number";
      var order = numbers ? x - y : String(x).localeCompare(String(y));
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    heads.forEach(function (head) {
      var sorted = head.getAttribute("data-key") === key;
      head.setAttribute("aria-sort", sorted ? (descending ? "descending" : "ascending") : "none");
    });
  }
  heads.forEach(function (head) {
    head.addEventListener("click", function () {
      sortBy(head.getAttribute("data-key"), head.getAttribute("aria-sort") !== "descending");
    });
  });
})();
"""
MISSING = "-1e308"  # how a missing number sorts: below every number


def write_page(report: Report, out: str, replays: Mapping[str, str]) -> None:
    """Write the page to `out`; `replays` maps a log's path to its replay page (relative to `out`)."""
    write_whole(out, page_text(report, replays))


def page_text(report: Report, replays: Mapping[str, str]) -> str:
    sections = [
        _warnings(report.warnings),
        _leaderboard(report.leaderboard),
        _charts(report),
        _comparisons(report.comparisons, report.pair_by_seed),
        _ratings(report.ratings),
        _models(report.models),
        *(_breakdown(name, entries) for name, entries in report.breakdowns.items()),
        _games(report, replays),
    ]
    meta = f"{len(report.rows)} game(s) from {len(report.logs)} log(s)"
    if report.unfinished:
        meta += f"; {report.unfinished} game(s) never ended"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Report: {_e(meta)}</title><style>{CSS}</style></head><body>"
        f'<header><h1>Report</h1><p class="meta">{_e(meta)}</p></header><main>'
        + "".join(section for section in sections if section)
        + f"</main><script>{SCRIPT}</script></body></html>\n"
    )


def _e(value: object) -> str:
    return html.escape(str(value))


def _warnings(warnings: Sequence[str]) -> str:
    if not warnings:
        return ""
    items = "".join(f"<li>{_e(warning)}</li>" for warning in warnings)
    return f'<section id="warnings"><h2>Warnings</h2><ul>{items}</ul></section>'


Column = tuple[str, str, Callable[[Mapping[str, Any]], Any], Callable[[Mapping[str, Any]], str]]


def _rate(entry: Mapping[str, Any]) -> str:
    rate = entry["success_rate"]
    if rate is None:
        return "n/a"
    return f"{rate:.1%} ({entry['success_low']:.1%}–{entry['success_high']:.1%})"


def _headline(entry: Mapping[str, Any]) -> Any:
    figures = entry.get("rule_figures") or {}
    return figures.get(figures.get("headline")) if figures.get("headline") else None


LEADERBOARD: list[Column] = [
    ("game", "game", lambda e: title(e["game"], e["rules"]), lambda e: title(e["game"], e["rules"])),
    ("cast", "cast", lambda e: e["cast"], lambda e: e["cast"]),
    ("games", "games", lambda e: e["games"], lambda e: str(e["games"])),
    ("success", "success (95% CI)", lambda e: e["success_rate"], _rate),
    ("score", "main score", lambda e: e["main_score"], lambda e: show(e["main_score"])),
    ("played", "% played", lambda e: e["percent_played"], lambda e: show(e["percent_played"])),
    ("headline", "clemscore / rule set's", _headline, lambda e: show(_headline(e))),
    ("turns", "turns", lambda e: e["mean_turns"], lambda e: show(e["mean_turns"])),
    (
        "violations",
        "violations",
        lambda e: sum(e["violations"].values()),
        lambda e: ", ".join(f"{k} {v}" for k, v in e["violations"].items()) or "none",
    ),
    ("tokens", "tokens/game", lambda e: e["tokens_per_game"], lambda e: show(e["tokens_per_game"])),
    ("p50", "latency p50 ms", lambda e: e["latency_p50_ms"], lambda e: show(e["latency_p50_ms"])),
    ("p95", "latency p95 ms", lambda e: e["latency_p95_ms"], lambda e: show(e["latency_p95_ms"])),
    ("cost", "cost", lambda e: e["cost"], lambda e: show(e["cost"])),
]
_TEXT_KEYS = ("game", "cast", "violations")


def _leaderboard(entries: Sequence[Mapping[str, Any]]) -> str:
    heads = "".join(
        f'<th data-key="{key}" aria-sort="none"{"" if key in _TEXT_KEYS else " class=num"}>{_e(name)}</th>'
        for key, name, _, _ in LEADERBOARD
    )
    rows = []
    for entry in entries:
        cells = []
        for key, _, sort, shown in LEADERBOARD:
            value = sort(entry)
            order = MISSING if value is None else value
            numeric = "" if key in _TEXT_KEYS else ' class="num"'
            cells.append(f'<td data-sort="{_e(order)}"{numeric}>{_e(shown(entry))}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<section id="leaderboards"><h2>Leaderboard</h2><p class="note">Success rate = successes / played '
        "games (won or lost), with its 95% Wilson interval; click a column's head to sort.</p>"
        f'<table id="leaderboard"><thead><tr>{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        "</section>"
    )


def _charts(report: Report) -> str:
    drawn = charts(report)
    if not drawn:
        return ""
    figures = "".join(
        f'<figure class="chart" data-chart="{index}"><figcaption>{_e(name)}</figcaption>{svg}</figure>'
        for index, (name, svg) in enumerate(drawn)
    )
    timed = any(model["latency_p50_ms"] is not None for model in report.models)
    note = (
        "" if timed else '<p class="note">No timed model calls (offline or replayed players): no latency.</p>'
    )
    return f'<section id="charts"><h2>Charts</h2>{note}<div id="chart-grid">{figures}</div></section>'


def _table(
    section: str, heading: str, heads: Sequence[str], rows: Sequence[Sequence[str]], note: str = ""
) -> str:
    head = "".join(f"<th>{_e(name)}</th>" for name in heads)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    note = f'<p class="note">{note}</p>' if note else ""
    return (
        f'<section id="{section}"><h2>{_e(heading)}</h2>{note}<table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></section>"
    )


def _comparisons(items: Sequence[Mapping[str, Any]], by_seed: bool) -> str:
    if not items:
        return ""
    rows = [
        [
            _e(title(item["game"], item["rules"])),
            _e(item["a"]),
            _e(item["b"]),
            str(item["pairs"]),
            f"{item['only_a']} / {item['only_b']}",
            f"{item['difference']:+.1%} ({item['low']:+.1%} to {item['high']:+.1%})",
            f"{item['p_value']:.3g}",
            f'<span class="verdict">{_e(item["verdict"])}</span>',
        ]
        for item in items
    ]
    paired = "card and game seed" if by_seed else "card"
    note = (
        f"Games paired by {paired}; A − B is the difference in success rate with Newcombe's paired 95% "
        "interval; p is McNemar's exact test. A verdict is given only when p &lt; 0.05."
    )
    heads = ["game", "A", "B", "pairs", "A only / B only", "A − B (95% CI)", "p", "verdict"]
    return _table("comparisons", "Paired comparisons", heads, rows, note)


def _ratings(ratings: Sequence[Mapping[str, Any]]) -> str:
    parts = []
    for rating in ratings:
        name = title(rating["game"], rating["rules"])
        if not rating["competitors"]:
            parts.append(f"<p><b>{_e(name)}</b>: {_e(rating['note'])}</p>")
            continue
        rows = "".join(
            f"<tr><td>{_e(c['name'])}</td><td>{c['rating']:.0f} ({c['low']:.0f}–{c['high']:.0f})</td>"
            f"<td>{c['games']}</td><td>{c['wins']}</td></tr>"
            for c in rating["competitors"]
        )
        parts.append(
            f"<h3>{_e(name)}</h3><table><thead><tr><th>competitor</th><th>rating (95% CI)</th><th>games</th>"
            f"<th>wins</th></tr></thead><tbody>{rows}</tbody></table>"
            f'<p class="note">{rating["matches"]} match(es) between models, '
            f"{rating['self_play']} self-play. {_e(side_terms(rating))}</p>"
        )
    if not parts:
        return ""
    note = "Bradley-Terry ratings with a term per side, Elo scale; 95% intervals from a bootstrap over games."
    return f'<section id="ratings"><h2>Ratings</h2><p class="note">{note}</p>{"".join(parts)}</section>'


def _models(models: Sequence[Mapping[str, Any]]) -> str:
    if not models:
        return ""
    rows = [
        [
            _e(m["model"]),
            str(m["calls"]),
            f"{m['prompt_tokens']:,} / {m['completion_tokens']:,}",
            f"{show(m['latency_p50_ms'])} / {show(m['latency_p95_ms'])}",
            show(m["cost"]),
        ]
        for m in models
    ]
    return _table(
        "models", "Models", ["model", "calls", "tokens in / out", "latency p50 / p95 ms", "cost"], rows
    )


def _breakdown(name: str, entries: Sequence[Mapping[str, Any]]) -> str:
    rows = [
        [
            _e(title(e["game"], e["rules"])),
            _e(e["cast"] or "any"),
            _e(e[name]),
            str(e["games"]),
            _e(_rate(e)),
            show(e["main_score"]),
        ]
        for e in entries
    ]
    return _table(
        f"by-{name}", f"By {name}", ["game", "cast", name, "games", "success (95% CI)", "main score"], rows
    )


def _games(report: Report, replays: Mapping[str, str]) -> str:
    rows = []
    for row in report.rows:
        page = replays.get(row.log)
        link = (
            f'<a href="{_e(page)}#game-{_e(row.game_id)}">{_e(row.game_id)}</a>' if page else _e(row.game_id)
        )
        rows.append(
            [
                link,
                _e(title(row.game, row.rules)),
                _e(row.cast),
                _e(row.card),
                _e(row.outcome),
                show(row.score),
                show(row.turns),
                _e(Path(row.log).name),
            ]
        )
    note = "Each game links to its place on its log's replay page."
    heads = ["game id", "game", "cast", "card", "outcome", "score", "turns", "log"]
    return _table("games", "Games", heads, rows, note)
