"""`python main.py replay LOG`: a run's log shown again, streamed event by event in constant memory.

The default view is the live game's transcript, drawn by the same `Transcript` class; a log of many
games lists its games instead (pick one with `--game`). `--events` is a compact table of the raw events,
`--json` the normalised events for jq, `--html OUT` a self-contained page (games/common/html.py).
`--follow` reads a log that a running game is still writing; `--speed X` replays the recorded timing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console
from rich.text import Text

from games.common.exits import OK, UsageError
from games.common.html import HtmlReport
from games.common.outcome import GameResult, Outcome
from games.common.session import outcome_line
from games.common.summary import RunStats, summarize, summary_table
from games.common.transcript import Transcript, plain_console
from runtime.logread import LogFileError, ReadReport, follow_events, read_events

COMMON_FIELDS = ("v", "ts", "seq", "run_id", "event", "game_id", "agent")
# Events that frame a game rather than belong to one agent: kept by --agent.
FRAME_EVENTS = frozenset({"run_started", "run_ended", "game_started", "turn_started", "game_ended"})
MESSAGE_EVENTS = frozenset({"message_sent", "message_dropped"})
DETAILS_CHARS = 100
SHOWN_IDS = 5

Sink = Callable[[Mapping[str, Any]], None]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "replay",
        help="show a run's log as a transcript, a table of events, JSON or an HTML page",
        description=(
            "Show a run's log (JSON Lines) as the live game showed it. A log of many games lists them "
            "with their outcomes; --game ID shows one."
        ),
    )
    parser.add_argument("log", metavar="LOG", help="the run log (JSON Lines)")
    parser.add_argument(
        "--speed",
        type=_speed,
        metavar="X",
        help="replay with the recorded timing, X times as fast (default: all at once)",
    )
    parser.add_argument(
        "--follow",
        action="store_true",
        help="watch a log that a running game is writing, like tail -f, until the run ends",
    )
    parser.add_argument("--agent", metavar="NAME", help="only what agent NAME sent and received")
    parser.add_argument("--game", metavar="ID", help="only game ID (of a log of many games)")
    views = parser.add_mutually_exclusive_group()
    views.add_argument("--events", action="store_true", help="a compact table of the raw events")
    views.add_argument(
        "--json", action="store_true", help="the normalised events, one JSON object per line (for jq)"
    )
    views.add_argument("--html", metavar="OUT", help="write a self-contained HTML page to OUT")
    parser.add_argument(
        "--lenient", action="store_true", help="skip corrupt lines (and count them) instead of stopping"
    )
    parser.set_defaults(command=run)


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a speed above 0, got {text}")
    return value


async def run(args: argparse.Namespace, console: Console) -> int:
    try:
        return await _replay(args, console)
    except BrokenPipeError:
        # The reader went away (`replay LOG | head`): stop quietly, as command-line tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return OK


async def _replay(args: argparse.Namespace, console: Console) -> int:
    report = ReadReport()
    records = _records(args, report)
    view: _View | None = None
    try:
        try:
            started = await anext(records)
        except StopAsyncIteration:
            raise UsageError(f"{args.log}: the file is empty, not a run log") from None
        view = _view(args, console, started)
        keep = _Filter(args.game, args.agent)
        pace = _Pace(args.speed) if args.speed else None
        keep(started)
        view.draw(started)
        async for record in records:
            if not keep(record):
                continue
            if pace is not None:
                await pace.wait(record)
            view.draw(record)
        keep.check(args.log)
        view.finish()
    except BaseException as exc:
        if view is not None:
            view.discard()
        if isinstance(exc, LogFileError):
            raise UsageError(str(exc)) from None
        raise
    finally:
        await records.aclose()
        for warning in report.warnings:
            print(f"warning: {args.log}: {warning}", file=sys.stderr)
    return OK


async def _records(args: argparse.Namespace, report: ReadReport) -> AsyncIterator[dict[str, Any]]:
    if args.follow:
        async for record in follow_events(args.log, lenient=args.lenient, report=report):
            yield record
        return
    for record in read_events(args.log, lenient=args.lenient, report=report):
        yield record


def _many_games(config: Mapping[str, Any]) -> bool:
    games = config.get("games", 1)
    return (isinstance(games, int) and games > 1) or bool(config.get("swap"))


def _view(args: argparse.Namespace, console: Console, started: Mapping[str, Any]) -> _View:
    path = Path(args.log)
    if args.json:
        return _JsonView(console)
    if args.events:
        return _EventsView(console)
    if args.html:
        return _HtmlView(console, Path(args.html), viewer=args.agent)
    config = started.get("config")
    if args.game is None and isinstance(config, Mapping) and _many_games(config):
        return _GamesView(console, path)
    return _TranscriptView(console, path, viewer=args.agent)


# -- which events are shown ----------------------------------------------------------------------


class _Filter:
    """--game and --agent. Remembers (a few of) the games and agents it saw, to explain an empty view."""

    def __init__(self, game: str | None, agent: str | None) -> None:
        self.game = game
        self.agent = agent
        self.game_ids: list[str] = []
        self.game_count = 0
        self.agents: set[str] = set()
        self.matched_game = game is None
        self.matched_agent = agent is None

    def __call__(self, record: Mapping[str, Any]) -> bool:
        event = record.get("event")
        game_id = record.get("game_id")
        if event == "game_started":
            self.game_count += 1
            if len(self.game_ids) < SHOWN_IDS:
                self.game_ids.append(str(game_id))
        if self.game is not None and game_id is not None:
            if str(game_id) != self.game:
                return False
            self.matched_game = True
        if self.agent is None:
            return True
        if event in MESSAGE_EVENTS:
            parties = (str(record.get("sender")), str(record.get("recipient")))
            self.agents.update(parties)
            mine = self.agent in parties
        else:
            if record.get("agent") is not None:
                self.agents.add(str(record.get("agent")))
            seen_by = record.get("seen_by")  # who could see the event, where the game says so
            if isinstance(seen_by, list):
                mine = event in FRAME_EVENTS or self.agent in seen_by
            else:
                mine = event in FRAME_EVENTS or record.get("agent") == self.agent
        self.matched_agent = self.matched_agent or self.agent in self.agents
        return mine

    def check(self, log: str) -> None:
        """UsageError when --game or --agent named something the log does not have."""
        if not self.matched_game:
            more = ", …" if self.game_count > len(self.game_ids) else ""
            shown = ", ".join(self.game_ids) + more if self.game_ids else "none"
            raise UsageError(
                f"{log}: no game {self.game!r}; its {self.game_count} game(s): {shown}"
                if self.game_count
                else f"{log}: no game {self.game!r}: the log has no games"
            )
        if not self.matched_agent:
            known = ", ".join(sorted(self.agents)) or "none"
            raise UsageError(f"{log}: no agent {self.agent!r}; its agents: {known}")


class _Pace:
    """--speed X: waits so that events come X times as fast as they were written (by their `ts`)."""

    def __init__(self, speed: float) -> None:
        self.speed = speed
        self._first: float | None = None
        self._started = 0.0

    async def wait(self, record: Mapping[str, Any]) -> None:
        at = _seconds(record.get("ts"))
        if at is None:
            return
        if self._first is None:
            self._first, self._started = at, time.monotonic()
            return
        delay = self._started + (at - self._first) / self.speed - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)


def _seconds(ts: object) -> float | None:
    if not isinstance(ts, str):
        return None
    try:
        return datetime.fromisoformat(ts).timestamp()
    except ValueError:
        return None


# -- views ---------------------------------------------------------------------------------------


class _View:
    def draw(self, record: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        return None

    def discard(self) -> None:
        """The replay stopped early (an error, Ctrl-C): drop what cannot be completed."""
        return None


class _Lines:
    """Writes one line at a time: through rich on a terminal, as plain text on a pipe (much faster)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.plain = plain_console(console)

    def line(self, text: str, style: str = "") -> None:
        if self.plain:
            self.console.file.write(text + "\n")
        else:
            self.console.print(Text(text, style=style))


class _TranscriptView(_View):
    """The live game's transcript, then its last line: the outcome and the log."""

    def __init__(self, console: Console, path: Path, *, viewer: str | None) -> None:
        self.console = console
        self.path = path
        self.transcript = Transcript(console, viewer=viewer)
        self.ended: list[Mapping[str, Any]] = []  # game_ended records: one per game shown
        self.run_ended: Mapping[str, Any] | None = None

    def draw(self, record: Mapping[str, Any]) -> None:
        self.transcript(record)
        event = record.get("event")
        if event == "game_ended":
            if len(self.ended) < 2:
                self.ended.append(record)
        elif event == "run_ended":
            self.run_ended = record

    def finish(self) -> None:
        lines = _Lines(self.console)
        ended = self.run_ended
        if ended is not None and ended.get("status") != "ok":
            lines.line(f"the run ended {ended.get('status')}: {ended.get('reason')}", "bold red")
        if len(self.ended) == 1:
            self.console.print(
                outcome_line(_result(self.ended[0]), self.path), highlight=False, soft_wrap=True
            )
        elif not self.ended:
            self.console.print(
                f"no game ended in this log — log: {self.path}", highlight=False, soft_wrap=True
            )
        else:
            self.console.print(f"several games shown — log: {self.path}", highlight=False, soft_wrap=True)
        if ended is None:
            print(
                f"warning: {self.path}: no run_ended: the run was cut short (killed, or still running)",
                file=sys.stderr,
            )


def _result(record: Mapping[str, Any]) -> GameResult:
    try:
        outcome: Any = Outcome(str(record.get("outcome")))
    except ValueError:
        outcome = str(record.get("outcome"))
    score = record.get("score")
    return GameResult(
        game_id=str(record.get("game_id")),
        outcome=outcome,
        turns=int(record.get("turns") or 0),
        score=float(score) if isinstance(score, int | float) else None,
        reason=str(record.get("reason", "")),
        subject=str(record.get("subject", "")),
    )


class _GamesView(_View):
    """A log of many games: one line per game as it ended, then the run's summary figures."""

    OUTCOME_STYLES = {"success": "green", "aborted": "yellow", "error": "bold red"}

    def __init__(self, console: Console, path: Path) -> None:
        self.console = console
        self.path = path
        self.lines = _Lines(console)
        self.stats = RunStats()

    def draw(self, record: Mapping[str, Any]) -> None:
        event = record.get("event")
        if event == "run_started":
            config = record.get("config") or {}
            self.lines.line(
                f"run {record.get('run_id')} · {config.get('game', record.get('command'))} · "
                f"{config.get('games')} game(s) · seed {config.get('seed')}",
                "bold",
            )
            return
        if event != "game_ended":
            self.stats(record)
            return
        # The summary needs three fields per game; keeping only those keeps the memory small.
        slim = {key: record.get(key) for key in ("outcome", "turns", "score")}
        self.stats.games[str(record.get("game_id"))] = slim
        outcome = str(record.get("outcome"))
        score = record.get("score")
        scored = f"score {score:g}" if isinstance(score, int | float) else "unscored"
        text = (
            f"{record.get('game_id')!s:<6} {record.get('subject')!s:<16} {outcome:<15} "
            f"{record.get('turns')!s:>2} turn(s)  {scored:<10} — {record.get('reason')}"
        )
        self.lines.line(text, self.OUTCOME_STYLES.get(outcome, "red"))

    def finish(self) -> None:
        if self.stats.games:
            self.console.print(summary_table(summarize(self.stats)))
        self.console.print(
            f"{len(self.stats.games)} game(s) played — log: {self.path} "
            f"(replay {self.path} --game ID shows one)",
            highlight=False,
            soft_wrap=True,
        )


class _EventsView(_View):
    """One compact line per event: seq, time since the start, game, agent, event, its own fields."""

    def __init__(self, console: Console) -> None:
        self.lines = _Lines(console)
        self.first: float | None = None

    def draw(self, record: Mapping[str, Any]) -> None:
        if self.first is None:
            self.lines.line(
                f"{'seq':>6} {'time':>9}  {'game':<6} {'agent':<10} {'event':<16} details", "bold"
            )
        at = _seconds(record.get("ts"))
        if self.first is None:
            self.first = at
        offset = f"+{at - self.first:.3f}s" if at is not None and self.first is not None else "?"
        text = (
            f"{record.get('seq')!s:>6} {offset:>9}  {record.get('game_id') or '-'!s:<6} "
            f"{record.get('agent') or '-'!s:<10} {record.get('event')!s:<16} {_details(record)}"
        )
        self.lines.line(text)


def _details(record: Mapping[str, Any]) -> str:
    event = record.get("event")
    if event in MESSAGE_EVENTS:
        parties = f"{record.get('sender')} → {record.get('recipient')}"
        text = f"{parties} [{record.get('kind')}] {record.get('text')}"
    else:
        parts = []
        for key, value in record.items():
            if key in COMMON_FIELDS:
                continue
            if key == "messages" and isinstance(value, list):
                parts.append(f"messages=[{len(value)}]")
            else:
                parts.append(f"{key}={orjson.dumps(value, default=str).decode()}")
        text = " ".join(parts)
    text = text.replace("\n", "⏎")
    return text if len(text) <= DETAILS_CHARS else text[: DETAILS_CHARS - 1] + "…"


class _JsonView(_View):
    """The normalised events, one per line: the common fields first (game_id and agent always there,
    null when the event has none), `t_ms` since the run started, then the event's own fields."""

    def __init__(self, console: Console) -> None:
        self.file = console.file
        self.first: float | None = None

    def draw(self, record: Mapping[str, Any]) -> None:
        at = _seconds(record.get("ts"))
        if self.first is None:
            self.first = at
        normal: dict[str, Any] = {key: record.get(key) for key in COMMON_FIELDS}
        known = at is not None and self.first is not None
        normal["t_ms"] = round((at - self.first) * 1000, 3) if known else None
        normal.update((key, value) for key, value in record.items() if key not in normal)
        self.file.write(orjson.dumps(normal, default=str).decode() + "\n")


class _HtmlView(_View):
    """--html OUT: the page, written next to OUT and moved into place once complete."""

    def __init__(self, console: Console, out: Path, *, viewer: str | None) -> None:
        self.console = console
        self.out = out
        self.partial = out.with_name(out.name + ".partial")
        try:
            self.handle = self.partial.open("w", encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
        self.report = HtmlReport(self.handle, viewer=viewer)

    def draw(self, record: Mapping[str, Any]) -> None:
        self.report(record)

    def finish(self) -> None:
        self.report.finish()
        self.handle.close()
        os.replace(self.partial, self.out)
        figures = self.report.counts
        self.console.print(
            f"wrote {self.out} ({figures['games']} game(s), {figures['messages']} message(s))",
            highlight=False,
            soft_wrap=True,
        )

    def discard(self) -> None:
        self.handle.close()
        self.partial.unlink(missing_ok=True)
