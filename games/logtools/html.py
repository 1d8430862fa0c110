"""A run's log as one self-contained HTML page: each game's conversation as a chat between its agents,
the referee's verdicts, a timeline, the outcome and the figures. No network assets: the CSS is inline
and the page needs no script. Every text from the log goes through `html.escape`.

`HtmlReport` takes the events one at a time and writes each game's section once the game has ended, so
memory holds only the games in flight; the figures, written last, are shown first (CSS `order`).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

import orjson

from games.cli.registry import FollowedCatalog
from games.cli.summary import SUMMARY_FIELDS, RunStats, summarize, summary_rows
from games.kit.common_events import INTERRUPTED
from games.kit.events import Audience, EventCatalog
from games.kit.shown import MARK, Call, Chat, Divider, Ending, Heading, Note, Part, Verdict
from runtime.logread import ts_seconds

PALETTE = 6  # agent colour classes a0 … a5
TIMELINE_WIDTH = 1000
LANE_HEIGHT = 26
LABEL_WIDTH = 90

CSS = """
:root { --ink: #1d2330; --muted: #6b7280; --line: #e5e7eb; --bg: #f8fafc; --ok: #15803d; --bad: #b91c1c;
  --warn: #a16207; --mod: #fef9c3; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  background: var(--bg); }
header, main, footer { max-width: 980px; margin: 0 auto; padding: 0 16px; }
header h1 { font-size: 1.35rem; margin: 24px 0 4px; }
.meta { color: var(--muted); margin: 0 0 12px; display: flex; flex-wrap: wrap; gap: 2px 14px; }
main { display: flex; flex-direction: column; gap: 20px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 14px 18px; }
#figures { order: -1; }
#cut-short { order: -2; border-color: var(--warn); background: #fffbeb; color: var(--warn); }
h2 { font-size: 1.1rem; margin: 0 0 8px; }
h3 { font-size: .95rem; margin: 14px 0 6px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 3px 10px 3px 0; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { color: var(--muted); font-weight: 600; white-space: nowrap; }
.card { color: var(--muted); margin: 0 0 8px; }
.chat { list-style: none; margin: 8px 0 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
.msg { max-width: 72%; padding: 6px 10px; border-radius: 12px; border: 1px solid var(--line); }
.msg .who { font-size: .8rem; color: var(--muted); }
.msg .who b { color: var(--ink); }
.msg .text { white-space: pre-wrap; overflow-wrap: anywhere; }
.left { align-self: flex-start; border-bottom-left-radius: 2px; }
.right { align-self: flex-end; border-bottom-right-radius: 2px; }
.mod { align-self: center; background: var(--mod); max-width: 86%; }
.a0 { background: #e0f2fe; } .a1 { background: #fce7f3; } .a2 { background: #dcfce7; }
.a3 { background: #ede9fe; } .a4 { background: #ffedd5; } .a5 { background: #ccfbf1; }
.kind { font-size: .72rem; border: 1px solid var(--line); border-radius: 6px; padding: 0 5px;
  background: #fff; }
.dropped { opacity: .6; border-style: dashed; }
.verdict, .turn, .note, .call { align-self: center; font-size: .85rem; }
.turn { color: var(--muted); border-top: 1px dashed var(--line); width: 100%; text-align: center;
  padding-top: 4px; }
.ok { color: var(--ok); } .bad { color: var(--bad); } .warn { color: var(--warn); }
.call { color: var(--muted); font-size: .78rem; }
.call.left { align-self: flex-start; } .call.right { align-self: flex-end; }
.call details { display: inline; }
.call pre { white-space: pre-wrap; max-width: 760px; background: var(--bg); padding: 6px;
  border-radius: 6px; }
mark { background: #fecaca; color: var(--bad); font-weight: 600; padding: 0 2px; border-radius: 3px; }
.outcome { font-weight: 600; margin: 12px 0 0; padding: 8px 10px; border-radius: 8px;
  background: var(--bg); }
.outcome.ok { color: var(--ok); } .outcome.bad { color: var(--bad); }
.outcome.warn { color: var(--warn); }
.timeline svg { width: 100%; height: auto; display: block; }
.timeline text { font: 12px system-ui, sans-serif; fill: var(--muted); }
footer { color: var(--muted); padding: 16px; font-size: .85rem; }
"""


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def parts_html(parts: tuple[Part, ...]) -> str:
    """Shown parts as escaped HTML, the offending part of a text in <mark>."""
    return "".join(
        f"<mark>{esc(part.text)}</mark>" if part.tone == MARK else esc(part.text) for part in parts
    )


@dataclass
class _Mark:
    """One thing on a game's timeline: a point (message, verdict) or a bar (model call)."""

    agent: str
    start: float
    end: float
    label: str
    css: str


@dataclass
class _Game:
    """A game being collected: its chat items and timeline marks, until it ends."""

    game_id: str
    title: str = ""
    card: str = ""
    start: float | None = None
    items: list[str] = field(default_factory=list)
    marks: list[_Mark] = field(default_factory=list)
    lanes: list[str] = field(default_factory=list)

    def lane(self, agent: str) -> None:
        if agent not in self.lanes:
            self.lanes.append(agent)


class HtmlReport:
    """Call with each event record in order; `finish()` writes the figures and closes the page."""

    def __init__(self, out: TextIO, *, viewer: str | None = None) -> None:
        self.out = out
        self.viewer = viewer
        self.stats = RunStats()
        self.counts = {"games": 0, "messages": 0}
        self._games: dict[str | None, _Game] = {}
        self._index: list[str] = []
        self._sides: dict[str, str] = {}
        self._colours: dict[str, str] = {}
        self._started: Mapping[str, Any] = {}
        self._run_ended: Mapping[str, Any] | None = None
        self._opened = False
        self._started_ids: dict[str, None] = {}
        self._ended_ids: set[str] = set()
        self._catalog = FollowedCatalog()
        self._audience: tuple[EventCatalog | None, Audience] = (None, Audience(viewer))

    # -- events ----------------------------------------------------------------------------------

    def __call__(self, record: Mapping[str, Any]) -> None:
        event = str(record.get("event"))
        catalog = self._catalog(record)
        if event == "run_started":
            self.stats.rules_from(record)
            self._head(record)
            return
        if not self._opened:
            self._head({})
        if event == "run_ended":
            self._run_ended = record
            return
        if event == "game_started" and record.get("game_id") is not None:
            self._started_ids[str(record.get("game_id"))] = None
        if event == "game_ended" and record.get("reason") != INTERRUPTED:
            self._ended_ids.add(str(record.get("game_id")))
            slim = {key: record.get(key) for key in SUMMARY_FIELDS if key in record}
            self.stats.games[str(record.get("game_id"))] = slim
        elif event != "game_ended":
            self.stats(record)
        declared = catalog.get(event)
        if catalog is not self._audience[0]:
            self._audience = (catalog, catalog.audience(self.viewer))
        shown = declared.shown(record, self._audience[1]) if declared is not None else None
        if shown is None:
            return
        game = self._game(record)
        if isinstance(shown, Chat):
            self._chat(shown, record, game, catalog.officials)
        elif isinstance(shown, Heading):
            game.title, game.card = shown.title, shown.note
            for official in sorted(catalog.officials):
                game.lane(official)
        elif isinstance(shown, Divider):
            game.items.append(f'<li class="turn">{esc(shown.text)}</li>')
        elif isinstance(shown, Verdict):
            agent = shown.agent or str(record.get("agent") or _first(catalog.officials))
            game.items.append(f'<li class="verdict {shown.tone}">{parts_html(shown.parts)}</li>')
            self._point(game, agent, record, event, shown.tone)
        elif isinstance(shown, Note):
            game.items.append(f'<li class="note {shown.tone}">{esc(shown.text)}</li>')
        elif isinstance(shown, Call):
            self._call(shown, record, game)
        elif isinstance(shown, Ending):
            self._ending(shown, record, game, _first(catalog.officials))

    def _game(self, record: Mapping[str, Any]) -> _Game:
        key = record.get("game_id")
        key = None if key is None else str(key)
        game = self._games.get(key)
        if game is None:
            game = self._games[key] = _Game(key or "run", title=f"Game {key}" if key else "Outside any game")
        when = ts_seconds(record.get("ts"))
        if game.start is None and when is not None:
            game.start = when
        return game

    def _chat(self, chat: Chat, record: Mapping[str, Any], game: _Game, officials: frozenset[str]) -> None:
        sender, recipient = chat.sender, chat.recipient
        self.counts["messages"] += 1
        game.lane(sender)
        game.lane(recipient)
        dropped = chat.dropped is not None
        css = f"msg {self._side(sender, officials)} {self._colour(sender, officials)}" + (
            " dropped" if dropped else ""
        )
        note = f" · dropped: {esc(chat.dropped)}" if dropped else ""
        game.items.append(
            f'<li class="{css}" data-sender="{esc(sender)}"><div class="who"><b>{esc(sender)}</b> → '
            f'{esc(recipient)} <span class="kind">{esc(chat.kind)}</span>'
            f"{self._offset(record, game)}{note}</div>"
            f'<div class="text">{esc(chat.text)}</div></li>'
        )
        self._point(game, sender, record, f"{sender} → {recipient} [{chat.kind}]", "m")

    def _call(self, call: Call, record: Mapping[str, Any], game: _Game) -> None:
        side = self._sides.get(call.agent, "left")
        game.items.append(
            f'<li class="call {side}">{esc(call.summary)} '
            f"<details><summary>request</summary><pre>{esc(call.request)}</pre></details></li>"
        )
        end = ts_seconds(record.get("ts"))
        if end is not None and call.latency_ms is not None:
            game.lane(call.agent)
            game.marks.append(_Mark(call.agent, end - call.latency_ms / 1000, end, call.summary, "c"))

    def _ending(self, ending: Ending, record: Mapping[str, Any], game: _Game, official: str) -> None:
        reason = f" — {esc(ending.reason)}" if ending.reason else ""
        line = f'<p class="outcome {ending.tone}">{esc(ending.text)}{reason}</p>'
        if not ending.ended:
            self._section(game, line)
            return
        self._point(game, official, record, f"game ended: {record.get('outcome')}", "e")
        self._section(game, line)
        score = record.get("score")
        self._index.append(
            f'<tr><td><a href="#game-{esc(game.game_id)}">{esc(record.get("game_id"))}</a></td>'
            f"<td>{esc(record.get('subject', ''))}</td><td>{esc(record.get('outcome'))}</td>"
            f"<td>{esc(record.get('turns'))}</td><td>{esc(_show(score) if score is not None else '–')}</td>"
            f"<td>{esc(record.get('reason', ''))}</td></tr>"
        )

    # -- helpers ---------------------------------------------------------------------------------

    def _point(self, game: _Game, agent: str, record: Mapping[str, Any], label: str, css: str) -> None:
        at = ts_seconds(record.get("ts"))
        if at is None:
            return
        game.lane(agent)
        game.marks.append(_Mark(agent, at, at, label, css))

    def _side(self, agent: str, officials: frozenset[str]) -> str:
        if agent in officials:
            return "mod"
        if agent not in self._sides:
            self._sides[agent] = "left" if len(self._sides) % 2 == 0 else "right"
        return self._sides[agent]

    def _colour(self, agent: str, officials: frozenset[str]) -> str:
        if agent in officials:
            return ""
        if agent not in self._colours:
            self._colours[agent] = f"a{len(self._colours) % PALETTE}"
        return self._colours[agent]

    def _offset(self, record: Mapping[str, Any], game: _Game) -> str:
        at = ts_seconds(record.get("ts"))
        if at is None or game.start is None:
            return ""
        return f" <time>+{at - game.start:.3f}s</time>"

    # -- writing ---------------------------------------------------------------------------------

    def _head(self, started: Mapping[str, Any]) -> None:
        self._started = started
        self._opened = True
        config = started.get("config") if isinstance(started.get("config"), Mapping) else {}
        game = config.get("game") or started.get("command") or "run"
        title = f"{game} run {started.get('run_id', '')}".strip()
        meta = [f"started {started.get('ts', '?')}", f"command {started.get('command', '?')}"]
        for key, value in config.items():  # the run's settings, the game's own among them
            if key != "game" and isinstance(value, str | int | float) and value is not False:
                meta.append(f"{key} {value}")
        models = config.get("models")
        if isinstance(models, Mapping):
            meta += [f"{role}: {_model_name(choice)}" for role, choice in models.items()]
        personas = config.get("personas")
        if isinstance(personas, Mapping):
            meta += [f"{role} persona: {_persona_name(p)}" for role, p in personas.items()]
        if started.get("rerun_of"):
            meta.append(f"rerun of {_short(started['rerun_of'])}")
        spans = "".join(f"<span>{esc(item)}</span>" for item in meta)
        self.out.write(
            f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head>\n<body><header>"
            f'<h1>{esc(title)}</h1><p class="meta">{spans}</p></header>\n<main>\n'
        )

    def _section(self, game: _Game, outcome: str) -> None:
        self.counts["games"] += 1
        card = f'<p class="card">{esc(game.card)}</p>' if game.card else ""
        self.out.write(
            f'<section class="game" id="game-{esc(game.game_id)}"><h2>{esc(game.title)}</h2>{card}'
            f'<div class="timeline">{self._timeline(game)}</div>'
            f'<ol class="chat">{"".join(game.items)}</ol>{outcome}</section>\n'
        )
        self._games = {key: value for key, value in self._games.items() if value is not game}

    def _timeline(self, game: _Game) -> str:
        if not game.marks or game.start is None:
            return ""
        start = min(game.start, *(mark.start for mark in game.marks))
        span = max(max(mark.end for mark in game.marks) - start, 0.001)
        scale = (TIMELINE_WIDTH - LABEL_WIDTH - 10) / span
        height = LANE_HEIGHT * len(game.lanes) + 22
        parts = [
            f'<svg viewBox="0 0 {TIMELINE_WIDTH} {height}" role="img" '
            f'aria-label="timeline of game {esc(game.game_id)}">'
        ]
        for row, agent in enumerate(game.lanes):
            y = row * LANE_HEIGHT + LANE_HEIGHT / 2
            parts.append(
                f'<text x="0" y="{y + 4:.0f}">{esc(agent)}</text><line x1="{LABEL_WIDTH}" y1="{y:.0f}" '
                f'x2="{TIMELINE_WIDTH}" y2="{y:.0f}" stroke="#e5e7eb"/>'
            )
        colours = {"m": "#2563eb", "c": "#9ca3af", "ok": "#15803d", "bad": "#b91c1c", "warn": "#a16207"}
        for mark in game.marks:
            row = game.lanes.index(mark.agent) if mark.agent in game.lanes else 0
            y = row * LANE_HEIGHT + LANE_HEIGHT / 2
            x = LABEL_WIDTH + (mark.start - start) * scale
            colour = colours.get(mark.css, "#111827")
            tip = f"<title>{esc(mark.label)} (+{(mark.end - start) * 1000:.0f} ms)</title>"
            if mark.end > mark.start:
                width = max((mark.end - mark.start) * scale, 2)
                parts.append(
                    f'<rect x="{x:.1f}" y="{y - 6:.0f}" width="{width:.1f}" height="12" rx="3" '
                    f'fill="{colour}" opacity=".55">{tip}</rect>'
                )
            else:
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.0f}" r="5" fill="{colour}">{tip}</circle>')
        bottom = LANE_HEIGHT * len(game.lanes) + 16
        parts.append(
            f'<text x="{LABEL_WIDTH}" y="{bottom}">0 ms</text>'
            f'<text x="{TIMELINE_WIDTH}" y="{bottom}" text-anchor="end">{span * 1000:.0f} ms</text></svg>'
        )
        return "".join(parts)

    def finish(self) -> None:
        """Write the games that never ended, the figures, and close the page."""
        if not self._opened:
            self._head({})
        for game in list(self._games.values()):
            self._section(game, '<p class="outcome warn">the game did not end in this log</p>')
        unfinished = [game_id for game_id in self._started_ids if game_id not in self._ended_ids]
        if self._run_ended is None or unfinished:
            self.out.write(_cut_short(self._run_ended, unfinished))
        summary = summarize(self.stats)
        rows = [*summary_rows(summary), ("run", _ending(self._run_ended))]
        table = "".join(f"<tr><th>{esc(name)}</th><td>{esc(value)}</td></tr>" for name, value in rows)
        games = ""
        if self._index:
            games = (
                "<h3>Games</h3><table><tr><th>game</th><th>subject</th><th>outcome</th><th>turns</th>"
                f"<th>score</th><th>reason</th></tr>{''.join(self._index)}</table>"
            )
        self.out.write(
            f'<section id="figures"><h2>Outcome and figures</h2><table>{table}</table>{games}</section>\n'
            f"</main>\n<footer>{esc(_ending(self._run_ended))}</footer></body></html>\n"
        )


def _cut_short(ended: Mapping[str, Any] | None, unfinished: list[str]) -> str:
    """The notice at the top of the page of a run that was cut short, naming the games that never ended."""
    why = "the log has no run_ended: the run was killed or is still running" if ended is None else ""
    why = why or f"the run ended {ended.get('status') if ended else ''} before every game ended"
    games = ""
    if unfinished:
        links = ", ".join(f'<a href="#game-{esc(game_id)}">{esc(game_id)}</a>' for game_id in unfinished)
        games = f"<p>{len(unfinished)} game(s) never ended: {links}.</p>"
    return f'<section id="cut-short"><h2>This run was cut short</h2><p>{esc(why)}.</p>{games}</section>\n'


def _ending(ended: Mapping[str, Any] | None) -> str:
    if ended is None:
        return "no run_ended: the run was cut short"
    reason = f" — {ended.get('reason')}" if ended.get("reason") else ""
    return f"ended {ended.get('status')} after {ended.get('duration_ms')} ms{reason}"


def _show(value: object) -> str:
    return "n/a" if value is None else f"{value:g}" if isinstance(value, int | float) else str(value)


def _first(officials: frozenset[str]) -> str:
    """The lane of a game's officials' marks (the first of them, by name)."""
    return min(officials, default="game")


def _model_name(choice: object) -> str:
    if isinstance(choice, Mapping):
        return f"{choice.get('model')} ({choice.get('backend')})"
    return str(choice)


def _persona_name(persona: object) -> str:
    if isinstance(persona, Mapping):
        return f"{persona.get('name')} ({persona.get('source')})"
    return str(persona)


def _short(value: object) -> str:
    if isinstance(value, Mapping):
        return str(value.get("run_id") or value.get("path") or orjson.dumps(value).decode())
    return str(value)
