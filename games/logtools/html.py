"""A run's log as one self-contained HTML page: each game's conversation as a chat between its agents,
the referee's verdicts, a timeline (with its legend), the outcome and the figures. No network assets: the
CSS is inline, and the one inline script only filters the games (by outcome, card or cast); without it
every game shows. Every text from the log goes through `html.escape`.

Kept small for a run of hundreds of games: a model call shows only the messages its request adds to
the agent's previous one in that game, the timelines' colours are CSS classes, and the browser renders a
game's section only when it scrolls into view (`content-visibility`).

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
from games.cli.summary import OUTCOME_WORDS, SUMMARY_FIELDS, RunStats, summarize, summary_rows
from games.kit.common_events import INTERRUPTED
from games.kit.events import Audience, EventCatalog
from games.kit.shown import MARK, Call, Chat, Divider, Ending, Heading, Note, Part, Verdict
from runtime.logread import ts_seconds

PALETTE = 6  # agent colour classes a0 … a5
TIMELINE_WIDTH = 1000
LANE_HEIGHT = 26
LABEL_WIDTH = 90
LEGEND_HEIGHT = 26
MARK_CLASSES = frozenset({"m", "c", "ok", "bad", "warn", "e"})
# What a timeline's marks mean: drawn once per page, under every timeline by reference (<use>).
LEGEND = (  # attributes, not classes: a page's CSS does not reach into what <use> draws
    '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
    '<g id="legend" font-size="12" font-family="system-ui, sans-serif" fill="#6b7280">'
    '<circle cx="95" cy="6" r="5" fill="#2563eb"/><text x="105" y="10">message</text>'
    '<rect x="185" y="0" width="22" height="12" rx="3" fill="#9ca3af" opacity=".55"/>'
    '<text x="213" y="10">model call</text>'
    '<circle cx="310" cy="6" r="5" fill="#15803d"/><text x="320" y="10">approved, right</text>'
    '<circle cx="445" cy="6" r="5" fill="#b91c1c"/><text x="455" y="10">rule broken, wrong</text>'
    '<circle cx="590" cy="6" r="5" fill="#a16207"/><text x="600" y="10">malformed reply</text>'
    '<circle cx="725" cy="6" r="5" fill="#111827"/><text x="735" y="10">game ended</text>'
    "</g></defs></svg>"
)

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
section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 14px 18px;
  min-width: 0; }
section.game { content-visibility: auto; contain-intrinsic-size: auto 900px; }
.wide { overflow-x: auto; }
#filter { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; }
#filter input { min-width: 16em; }
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
.msg { max-width: 72%; min-width: 0; padding: 6px 10px; border-radius: 12px; border: 1px solid var(--line); }
.msg small { display: block; font-size: .8rem; color: var(--muted); }
.msg small b { color: var(--ink); }
.msg div { white-space: pre-wrap; overflow-wrap: anywhere; }
.left { align-self: flex-start; border-bottom-left-radius: 2px; }
.right { align-self: flex-end; border-bottom-right-radius: 2px; }
.mod { align-self: center; background: var(--mod); max-width: 86%; }
.a0 { background: #e0f2fe; } .a1 { background: #fce7f3; } .a2 { background: #dcfce7; }
.a3 { background: #ede9fe; } .a4 { background: #ffedd5; } .a5 { background: #ccfbf1; }
.msg i { font-style: normal; font-size: .72rem; border: 1px solid var(--line); border-radius: 6px;
  padding: 0 5px; background: #fff; }
.dropped { opacity: .6; border-style: dashed; }
.verdict, .turn, .note, .call { align-self: center; font-size: .85rem; }
.turn { color: var(--muted); border-top: 1px dashed var(--line); width: 100%; text-align: center;
  padding-top: 4px; }
.ok { color: var(--ok); } .bad { color: var(--bad); } .warn { color: var(--warn); }
.call { color: var(--muted); font-size: .78rem; max-width: 100%; min-width: 0; }
.call.left { align-self: flex-start; } .call.right { align-self: flex-end; }
.call details { display: inline; }
.call pre { white-space: pre-wrap; overflow-wrap: anywhere; max-width: 100%; background: var(--bg);
  padding: 6px; border-radius: 6px; }
mark { background: #fecaca; color: var(--bad); font-weight: 600; padding: 0 2px; border-radius: 3px; }
.outcome { font-weight: 600; margin: 12px 0 0; padding: 8px 10px; border-radius: 8px;
  background: var(--bg); }
.outcome.ok { color: var(--ok); } .outcome.bad { color: var(--bad); }
.outcome.warn { color: var(--warn); }
.timeline svg { width: 100%; height: auto; display: block; }
svg text { font: 12px system-ui, sans-serif; fill: var(--muted); }
svg line { stroke: var(--line); }
svg circle { r: 5px; } svg rect { rx: 3px; }
svg .m { fill: #2563eb; } svg .c { fill: #9ca3af; opacity: .55; }
svg .ok { fill: #15803d; } svg .bad { fill: #b91c1c; } svg .warn { fill: #a16207; }
svg .e { fill: #111827; }
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
    cast: str = ""  # who played ("model/persona" per agent), for the filter
    sent: dict[str, int] = field(default_factory=dict)  # agent -> messages its calls have shown so far

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
        self._index: list[tuple[int, str]] = []  # (place in the plan, row) of each ended game
        self._order: dict[str, int] = {}  # game id -> its place in the run's plan
        self._cast_said = ""  # the last game's players, as its note said them
        self._systems: dict[str, tuple[str, frozenset[str]]] = {}  # agent -> first system prompt shown
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
        if event == "game_cast" and isinstance(record.get("players"), Mapping):
            game.cast = " ".join(f"{agent} {label}" for agent, label in record["players"].items())
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
            if event == "game_cast":  # the players: said again only when they change from game to game
                if shown.text == self._cast_said:
                    return
                self._cast_said = shown.text
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
        css = " ".join(
            part for part in ("msg", self._side(sender, officials), self._colour(sender, officials)) if part
        ) + (" dropped" if dropped else "")
        note = f" · dropped: {esc(chat.dropped)}" if dropped else ""
        game.items.append(
            f'<li class="{css}"><small><b>{esc(sender)}</b> → {esc(recipient)} <i>{esc(chat.kind)}</i>'
            f"{self._offset(record, game)}{note}</small><div>{esc(chat.text)}</div></li>"
        )
        self._point(game, sender, record, f"→ {recipient} [{chat.kind}]", "m")  # on the sender's lane

    def _call(self, call: Call, record: Mapping[str, Any], game: _Game) -> None:
        """A model's call with its request (the messages new since the agent's last call in the game).
        As in the terminal's transcript, calls that took no model time (offline players, people, replies
        served from a log) are not shown: their requests are what a model would have been sent."""
        if not call.live:
            return
        side = self._sides.get(call.agent, "left")
        messages = call.messages if isinstance(call.messages, list) else []
        before = game.sent.get(call.agent, 0)
        if before > len(messages):  # not a continuation of the agent's previous request: all of it
            before = 0
        game.sent[call.agent] = len(messages)
        new = messages[before:]
        label = "request" if before == 0 else f"request: {len(new)} new message{'' if len(new) == 1 else 's'}"
        text = "\n\n".join(
            f"[{message.get('role')}]\n{self._said(message, call.agent, game)}"
            for message in new
            if isinstance(message, dict)
        )
        game.items.append(
            f'<li class="call {side}">{esc(call.summary)} '
            f"<details><summary>{label}</summary><pre>{esc(text)}</pre></details></li>"
        )
        end = ts_seconds(record.get("ts"))
        if end is not None and call.latency_ms is not None:
            game.lane(call.agent)
            game.marks.append(_Mark(call.agent, end - call.latency_ms / 1000, end, call.summary, "c"))

    def _ending(self, ending: Ending, record: Mapping[str, Any], game: _Game, official: str) -> None:
        reason = f": {esc(ending.reason)}" if ending.reason else ""  # as the terminal says it
        line = f'<p class="outcome {ending.tone}">{esc(ending.text)}{reason}</p>'
        if not ending.ended:
            self._section(game, line)
            return
        self._point(game, official, record, f"game ended: {ending.text}", "e")
        outcome = OUTCOME_WORDS.get(str(record.get("outcome")), str(record.get("outcome")))
        self._section(game, line, outcome)
        row = (
            f'<tr><td><a href="#game-{esc(game.game_id)}">'
            f"{esc(record.get('game_id'))}</a></td><td>{esc(record.get('subject', ''))}</td>"
            f"<td>{esc(ending.text)}</td><td>{esc(record.get('reason', ''))}</td></tr>"
        )
        self._index.append((self._place(game.game_id), row))

    def _said(self, message: Mapping[str, Any], agent: str, game: _Game) -> str:
        """A message's text for the page. A system prompt of an agent already shown in full on this
        page (most of it the same in every game) is shown as the lines that differ from that one."""
        content = str(message.get("content"))
        if message.get("role") != "system":
            return content
        first = self._systems.get(agent)
        if first is None:
            self._systems[agent] = (game.game_id, frozenset(content.splitlines()))
            return content
        shown_in, lines = first
        if shown_in == game.game_id:
            return content
        differ = [line for line in content.splitlines() if line.strip() and line not in lines]
        if len(differ) * 3 > len(content.splitlines()):
            return content
        return f"(as in game {shown_in}, but for these lines)\n" + "\n".join(differ)

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
        return f" +{at - game.start:.3f}s"

    # -- writing ---------------------------------------------------------------------------------

    def _place(self, game_id: str) -> int:
        """Where a game stands in the run's plan (games the plan does not name come after)."""
        return self._order.get(game_id, len(self._order))

    def _head(self, started: Mapping[str, Any]) -> None:
        self._started = started
        self._opened = True
        plan = started.get("plan")
        if isinstance(plan, list):
            ids = [str(game.get("game_id")) for game in plan if isinstance(game, Mapping)]
            self._order = {game_id: place for place, game_id in enumerate(ids)}
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
            f'<h1>{esc(title)}</h1><p class="meta">{spans}</p>{FILTER_FORM}</header>\n{LEGEND}<main>\n'
        )

    def _section(self, game: _Game, outcome: str, ended: str = "not ended") -> None:
        self.counts["games"] += 1
        card = f'<p class="card">{esc(game.card)}</p>' if game.card else ""
        self.out.write(
            f'<section class="game" id="game-{esc(game.game_id)}" style="order:{self._place(game.game_id)}" '
            f"{_found_by(game, ended)}>"
            f"<h2>{esc(game.title)}</h2>{card}"
            f'<div class="timeline">{self._timeline(game)}</div>'
            f'<ol class="chat">{"".join(game.items)}</ol>{outcome}</section>\n'
        )
        self._games = {key: value for key, value in self._games.items() if value is not game}

    def _timeline(self, game: _Game) -> str:
        """The game's marks on one lane per agent, in a compact SVG (colours are CSS classes), with the
        page's one legend drawn under it by reference."""
        if not game.marks or game.start is None:
            return ""
        start = min(game.start, *(mark.start for mark in game.marks))
        span = max(max(mark.end for mark in game.marks) - start, 0.001)
        scale = (TIMELINE_WIDTH - LABEL_WIDTH - 10) / span
        bottom = LANE_HEIGHT * len(game.lanes) + 16
        height = bottom + LEGEND_HEIGHT
        game.lanes.extend(
            agent for agent in {mark.agent: None for mark in game.marks} if agent not in game.lanes
        )
        parts = [
            f'<svg viewBox="0 0 {TIMELINE_WIDTH} {height}" role="img" '
            f'aria-label="timeline of game {esc(game.game_id)}">'
        ]
        lanes: dict[str, list[str]] = {agent: [] for agent in game.lanes}
        for mark in game.marks:
            x = LABEL_WIDTH + (mark.start - start) * scale
            css = mark.css if mark.css in MARK_CLASSES else "e"
            # A bar (a call) and the end have a tooltip; the chat below says all about the other marks.
            at = f"+{(mark.end - start) * 1000:.0f} ms"
            tipped = css == "e" or mark.end > mark.start
            tip = f"<title>{esc(mark.label)} {at}</title>" if tipped else ""
            drawn = lanes.setdefault(mark.agent, [])
            if mark.end > mark.start:
                width = max((mark.end - mark.start) * scale, 2)
                drawn.append(
                    f'<rect class="c" x="{x:.0f}" y="-6" width="{width:.0f}" height="12">{tip}</rect>'
                )
            else:
                end = f">{tip}</circle>" if tip else "/>"
                drawn.append(f'<circle class="{css}" cx="{x:.0f}"{end}')
        for row, (agent, drawn) in enumerate(lanes.items()):  # a lane: its name, its line, its marks
            y = row * LANE_HEIGHT + LANE_HEIGHT // 2
            parts.append(
                f'<g transform="translate(0 {y})"><text y="4">{esc(agent)}</text>'
                f'<line x1="{LABEL_WIDTH}" x2="{TIMELINE_WIDTH}"/>{"".join(drawn)}</g>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH}" y="{bottom}">0 ms</text>'
            f'<text x="{TIMELINE_WIDTH}" y="{bottom}" text-anchor="end">{span * 1000:.0f} ms</text>'
            f'<use href="#legend" y="{bottom + 8}"/></svg>'
        )
        return "".join(parts)

    def finish(self) -> None:
        """Write the games that never ended, the figures, and close the page."""
        if not self._opened:
            self._head({})
        for game in list(self._games.values()):
            self._section(game, '<p class="outcome warn">the game did not end in this log</p>', "not ended")
        unfinished = [game_id for game_id in self._started_ids if game_id not in self._ended_ids]
        if self._run_ended is None or unfinished:
            self.out.write(_cut_short(self._run_ended, unfinished))
        summary = summarize(self.stats)
        rows = [*summary_rows(summary), ("run", _ending(self._run_ended))]
        table = "".join(f"<tr><th>{esc(name)}</th><td>{esc(value)}</td></tr>" for name, value in rows)
        games = ""
        if self._index:
            games = (
                '<h3>Games</h3><div class="wide"><table id="games"><tr><th>game</th><th>subject</th>'
                f"<th>ending</th><th>why</th></tr>{''.join(row for _, row in sorted(self._index))}"
                "</table></div>"
            )
        self.out.write(
            '<section id="figures"><h2>Outcome and figures</h2>'
            f'<div class="wide"><table>{table}</table></div>{games}</section>\n</main>\n'
            f"<footer>{esc(_ending(self._run_ended))}</footer>"
            f"<script>{FILTER_SCRIPT}</script></body></html>\n"
        )


def _found_by(game: _Game, outcome: str) -> str:
    """A game's attributes for the filter: its outcome in words, and the words it is found by (its id,
    title, card and cast)."""
    words = " ".join((game.game_id, game.card, game.cast)).lower()
    return f'data-outcome="{esc(outcome)}" data-find="{esc(words)}"'


# The games filter: an outcome and words (a card, a model, a persona, a game id). Without the script,
# the form does nothing and every game shows.
FILTER_FORM = (
    '<form id="filter" hidden><label>outcome <select name="outcome"><option value="">any</option>'
    + "".join(f'<option value="{esc(w)}">{esc(w)}</option>' for w in (*OUTCOME_WORDS.values(), "not ended"))
    + '</select></label><label>card or cast <input name="find" type="search" '
    'placeholder="a card, a model, a persona, g12"></label><output name="shown"></output></form>'
)
FILTER_SCRIPT = """
(function () {
  var form = document.getElementById("filter");
  if (!form) return;
  form.hidden = false;
  function apply() {
    var outcome = form.outcome.value, words = form.find.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    document.querySelectorAll("section.game").forEach(function (game) {
      var find = game.getAttribute("data-find");
      var ok = (!outcome || game.getAttribute("data-outcome") === outcome) &&
        words.every(function (word) { return find.indexOf(word) >= 0; });
      game.hidden = !ok;
      shown += ok ? 1 : 0;
    });
    document.querySelectorAll("#games a").forEach(function (link) {  // the table's row of each game
      var game = document.getElementById(link.getAttribute("href").slice(1));
      link.closest("tr").hidden = !game || game.hidden;
    });
    form.shown.value = shown + " game(s) shown";
  }
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  apply();
})();
"""


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
