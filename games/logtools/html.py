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

from games.cli.summary import RunStats, summarize
from runtime.logread import ts_seconds

MODERATORS = frozenset({"referee", "moderator"})
INTERRUPTED = "interrupted"  # an older log's game_ended reason for a game stopped mid-play
# The events drawn on the page, each by the method of its name with a "_" before it.
DRAWN = frozenset(
    {
        "game_started",
        "turn_started",
        "message_sent",
        "message_dropped",
        "clue_approved",
        "guess_judged",
        "verdict_given",
        "rule_violation",
        "reply_malformed",
        "agent_failed",
        "llm_call",
        "llm_retry",
        "llm_failed",
        "game_ended",
        "game_interrupted",
    }
)
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
.outcome.success { color: var(--ok); } .outcome.lost { color: var(--bad); }
.outcome.other { color: var(--warn); }
.timeline svg { width: 100%; height: auto; display: block; }
.timeline text { font: 12px system-ui, sans-serif; fill: var(--muted); }
footer { color: var(--muted); padding: 16px; font-size: .85rem; }
"""


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def marked(text: str, span: object) -> str:
    """`text` escaped, with the [start, end) `span` in <mark>."""
    if isinstance(span, list | tuple) and len(span) == 2 and all(isinstance(i, int) for i in span):
        start, end = span
        if 0 <= start < end <= len(text):
            return f"{esc(text[:start])}<mark>{esc(text[start:end])}</mark>{esc(text[end:])}"
    return esc(text)


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

    # -- events ----------------------------------------------------------------------------------

    def __call__(self, record: Mapping[str, Any]) -> None:
        event = str(record.get("event"))
        if event == "run_started":
            self._head(record)
            return
        if not self._opened:
            self._head({})
        if event == "run_ended":
            self._run_ended = record
            return
        if event == "game_started" and record.get("game_id") is not None:
            self._started_ids[str(record.get("game_id"))] = None
        if event == "game_ended" and record.get("reason") == INTERRUPTED:
            event = "game_interrupted"  # an older log's game stopped mid-play: it never ended
        elif event == "game_ended":
            self._ended_ids.add(str(record.get("game_id")))
            slim = {key: record.get(key) for key in ("outcome", "turns", "score")}
            self.stats.games[str(record.get("game_id"))] = slim
        else:
            self.stats(record)
        if event in DRAWN:
            getattr(self, "_" + event)(record, self._game(record))

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

    def _game_started(self, record: Mapping[str, Any], game: _Game) -> None:
        game.title = f"Game {record.get('game_id')} · {record.get('game', 'game')}"
        card = record.get("card")
        if isinstance(card, Mapping) and self.viewer in (None, "hinter", "referee"):
            taboo = ", ".join(str(word) for word in card.get("taboo", []))
            game.title += f" · {card.get('target')}"
            game.card = f"taboo words: {taboo}"
        secret = record.get("secret")  # another game's secret, for the agents in `secret_for` (all if absent)
        if secret is not None and self.viewer in (None, *record.get("secret_for", (self.viewer,))):
            game.title += f" · {secret}"
            game.card = f"secret: {secret}"
        game.lane("referee")

    def _turn_started(self, record: Mapping[str, Any], game: _Game) -> None:
        game.items.append(f'<li class="turn">turn {esc(record.get("turn"))}/{esc(record.get("turns"))}</li>')

    def _message_sent(self, record: Mapping[str, Any], game: _Game, dropped: bool = False) -> None:
        sender, recipient = str(record.get("sender")), str(record.get("recipient"))
        if self.viewer is not None and self.viewer not in (sender, recipient):
            return
        self.counts["messages"] += 1
        game.lane(sender)
        game.lane(recipient)
        css = f"msg {self._side(sender)} {self._colour(sender)}" + (" dropped" if dropped else "")
        note = f" · dropped: {esc(record.get('reason'))}" if dropped else ""
        game.items.append(
            f'<li class="{css}" data-sender="{esc(sender)}"><div class="who"><b>{esc(sender)}</b> → '
            f'{esc(recipient)} <span class="kind">{esc(record.get("kind"))}</span>'
            f"{self._offset(record, game)}{note}</div>"
            f'<div class="text">{esc(record.get("text", ""))}</div></li>'
        )
        self._point(game, sender, record, f"{sender} → {recipient} [{record.get('kind')}]", "m")

    def _message_dropped(self, record: Mapping[str, Any], game: _Game) -> None:
        self._message_sent(record, game, dropped=True)

    def _clue_approved(self, record: Mapping[str, Any], game: _Game) -> None:
        self._verdict(game, record, "ok", "✓ clue approved")

    def _guess_judged(self, record: Mapping[str, Any], game: _Game) -> None:
        if record.get("correct"):
            self._verdict(game, record, "ok", f"✓ {esc(record.get('guess'))} is right")
        else:
            self._verdict(game, record, "bad", f"✗ {esc(record.get('guess'))} is wrong")

    def _verdict_given(self, record: Mapping[str, Any], game: _Game) -> None:
        ok = bool(record.get("ok"))
        self._verdict(game, record, "ok" if ok else "bad", f"{'✓' if ok else '✗'} {esc(record.get('text'))}")

    def _rule_violation(self, record: Mapping[str, Any], game: _Game) -> None:
        clue = str(record.get("clue", record.get("reply", record.get("text", ""))))  # what `span` points into
        text = (
            f"✗ rule broken: {esc(record.get('rule'))} ({esc(record.get('word'))}) by "
            f"{esc(record.get('agent'))} in “{marked(clue, record.get('span'))}”"
        )
        self._verdict(game, record, "bad", text)

    def _reply_malformed(self, record: Mapping[str, Any], game: _Game) -> None:
        left = record.get("reprompts_left")
        tail = f", re-prompting ({esc(left)} left)" if left else ", no re-prompts left"
        text = f"! {esc(record.get('offender'))}'s reply is malformed: {esc(record.get('problem'))}{tail}"
        self._verdict(game, record, "warn", text)

    def _agent_failed(self, record: Mapping[str, Any], game: _Game) -> None:
        text = f"✗ {esc(record.get('agent'))} failed: {esc(record.get('error'))}: {esc(record.get('reason'))}"
        self._verdict(game, record, "bad", text)

    def _llm_call(self, record: Mapping[str, Any], game: _Game) -> None:
        agent = str(record.get("agent"))
        usage = record.get("usage") or {}
        tokens = int(usage.get("prompt_tokens", 0)) + int(usage.get("completion_tokens", 0))
        approx = "~" if usage.get("estimated") else ""
        attempts = record.get("attempts", 1)
        tries = f" · {esc(attempts)} attempts" if isinstance(attempts, int) and attempts > 1 else ""
        request = "\n\n".join(
            f"[{message.get('role')}]\n{message.get('content')}"
            for message in record.get("messages") or []
            if isinstance(message, Mapping)
        )
        game.items.append(
            f'<li class="call {self._side(agent)}">{esc(agent)} · {esc(record.get("model"))} '
            f"({esc(record.get('backend'))}) · {approx}{tokens} tokens · {esc(record.get('latency_ms'))} ms"
            f"{tries} <details><summary>request</summary><pre>{esc(request)}</pre></details></li>"
        )
        end = ts_seconds(record.get("ts"))
        latency = record.get("latency_ms")
        if end is not None and isinstance(latency, int | float):
            label = f"{agent}: {record.get('model')}, {tokens} tokens, {latency} ms"
            game.lane(agent)
            game.marks.append(_Mark(agent, end - latency / 1000, end, label, "c"))

    def _llm_retry(self, record: Mapping[str, Any], game: _Game) -> None:
        text = f"↻ {esc(record.get('agent'))}'s model: {esc(record.get('reason'))}, retrying"
        game.items.append(f'<li class="note warn">{text} in {esc(record.get("wait_s"))}s</li>')

    def _llm_failed(self, record: Mapping[str, Any], game: _Game) -> None:
        text = f"✗ {esc(record.get('agent'))}'s model failed: {esc(record.get('error'))}"
        game.items.append(f'<li class="note bad">{text}</li>')

    def _game_interrupted(self, record: Mapping[str, Any], game: _Game) -> None:
        line = f"stopped mid-play after {esc(record.get('turns'))} turn(s): the game never ended"
        self._section(game, f'<p class="outcome other">{line}</p>')

    def _game_ended(self, record: Mapping[str, Any], game: _Game) -> None:
        outcome = str(record.get("outcome"))
        score = record.get("score")
        scored = f", score {score:g}" if isinstance(score, int | float) else ""
        reason = f" — {esc(record.get('reason'))}" if record.get("reason") else ""
        css = "success" if outcome == "success" else "lost" if outcome.startswith("lose") else "other"
        line = f"{esc(outcome)} after {esc(record.get('turns'))} turn(s){esc(scored)}{reason}"
        self._point(game, "referee", record, f"game ended: {outcome}", "e")
        self._section(game, f'<p class="outcome {css}">{line}</p>')
        self._index.append(
            f'<tr><td><a href="#game-{esc(game.game_id)}">{esc(record.get("game_id"))}</a></td>'
            f"<td>{esc(record.get('subject', ''))}</td><td>{esc(outcome)}</td>"
            f"<td>{esc(record.get('turns'))}</td><td>{esc(_show(score) if score is not None else '–')}</td>"
            f"<td>{esc(record.get('reason', ''))}</td></tr>"
        )

    # -- helpers ---------------------------------------------------------------------------------

    def _verdict(self, game: _Game, record: Mapping[str, Any], css: str, markup: str) -> None:
        """A referee's verdict: `markup` is HTML whose texts are already escaped."""
        game.items.append(f'<li class="verdict {css}">{markup}</li>')
        self._point(game, str(record.get("agent") or "referee"), record, str(record.get("event")), css)

    def _point(self, game: _Game, agent: str, record: Mapping[str, Any], label: str, css: str) -> None:
        at = ts_seconds(record.get("ts"))
        if at is None:
            return
        game.lane(agent)
        game.marks.append(_Mark(agent, at, at, label, css))

    def _side(self, agent: str) -> str:
        if agent in MODERATORS:
            return "mod"
        if agent not in self._sides:
            self._sides[agent] = "left" if len(self._sides) % 2 == 0 else "right"
        return self._sides[agent]

    def _colour(self, agent: str) -> str:
        if agent in MODERATORS:
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
        for key in ("seed", "card", "turns", "games"):
            if config.get(key) is not None:
                meta.append(f"{key} {config[key]}")
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
            self._section(game, '<p class="outcome other">the game did not end in this log</p>')
        unfinished = [game_id for game_id in self._started_ids if game_id not in self._ended_ids]
        if self._run_ended is None or unfinished:
            self.out.write(_cut_short(self._run_ended, unfinished))
        summary = summarize(self.stats)
        rows = _figure_rows(summary, self._run_ended)
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


def _figure_rows(summary: Mapping[str, Any], ended: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    outcomes = ", ".join(f"{name} {n}" for name, n in summary["outcomes"].items() if n) or "none"
    rate, ci = summary["success_rate"], summary["success_rate_ci95"]
    tokens, latency = summary["tokens"], summary["latency_ms"]
    rows = [
        ("games", str(summary["games"])),
        ("outcomes", outcomes),
        ("success rate", f"{rate:.1%} (95% CI {ci[0]:.1%}–{ci[1]:.1%})" if rate is not None else "n/a"),
        ("mean turns to success", _show(summary["mean_turns_to_success"])),
        ("mean score", _show(summary["mean_score"])),
        ("violations", ", ".join(f"{k} {v}" for k, v in summary["violations_by_rule"].items()) or "none"),
        ("format errors / re-prompts", f"{summary['format_errors']} / {summary['reprompts']}"),
        (
            "tokens in / out",
            f"{tokens['prompt']:,} / {tokens['completion']:,}{' (estimated)' if tokens['estimated'] else ''}",
        ),
        ("model latency p50 / p95", f"{_show(latency['p50'])} / {_show(latency['p95'])} ms"),
        ("run", _ending(ended)),
    ]
    return rows


def _ending(ended: Mapping[str, Any] | None) -> str:
    if ended is None:
        return "no run_ended: the run was cut short"
    reason = f" — {ended.get('reason')}" if ended.get("reason") else ""
    return f"ended {ended.get('status')} after {ended.get('duration_ms')} ms{reason}"


def _show(value: object) -> str:
    return "n/a" if value is None else f"{value:g}" if isinstance(value, int | float) else str(value)


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
