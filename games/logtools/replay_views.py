"""The views `replay` draws a log through: the live transcript, a list of games, a table of events,
normalised JSON, an HTML page. Each takes events one at a time (`draw`), so a log streams through."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console
from rich.text import Text

from games.cli.registry import FollowedCatalog
from games.cli.session import ending_said, outcome_line
from games.cli.summary import SUMMARY_FIELDS, RunStats, summarize, summary_table
from games.cli.terminal import clean, json_safe
from games.cli.transcript import Transcript, plain_console
from games.kit.exits import UsageError
from games.logtools.html import HtmlReport
from runtime.logread import ts_seconds

COMMON_FIELDS = ("v", "ts", "seq", "run_id", "event", "game_id", "agent")
MESSAGE_EVENTS = frozenset({"message_sent", "message_dropped"})
DETAILS_CHARS = 100


class View:
    def draw(self, record: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        return None

    def discard(self) -> None:
        """The replay stopped early (an error, Ctrl-C): drop what cannot be completed."""
        return None


class Lines:
    """Writes one line at a time, cleaned: through rich on a terminal, as plain text on a pipe (much
    faster)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.plain = plain_console(console)

    def line(self, text: str, style: str = "") -> None:
        if self.plain:
            self.console.file.write(clean(text) + "\n")
        else:
            self.console.print(Text(clean(text), style=style))


class TranscriptView(View):
    """The live game's transcript, then its last line: the outcome (said once) and the log."""

    def __init__(self, console: Console, path: Path, *, viewer: str | None) -> None:
        self.console = console
        self.path = path
        self.transcript = Transcript(console, viewer=viewer, endings=False)
        self.catalog = FollowedCatalog()
        self.ended: list[Mapping[str, Any]] = []  # game_ended records: one per game shown
        self.run_ended: Mapping[str, Any] | None = None

    def draw(self, record: Mapping[str, Any]) -> None:
        self.transcript(record)
        event = record.get("event")
        if event == "game_ended":
            self.ended.append(record)
        elif event == "run_ended":
            self.run_ended = record
        elif event in ("run_started", "game_started"):
            self.catalog(record)

    def finish(self) -> None:
        lines = Lines(self.console)
        ended = self.run_ended
        if ended is not None and ended.get("status") != "ok":
            lines.line(f"the run ended {ended.get('status')}: {ended.get('reason')}", "bold red")
        catalog = self.catalog.current
        if len(self.ended) == 1:
            self.console.print(
                outcome_line(self.ended[0], self.path, catalog),
                highlight=False,
                markup=False,
                soft_wrap=True,
            )
        elif not self.ended:
            self.console.print(
                f"no game ended in this log — log: {self.path}", highlight=False, markup=False, soft_wrap=True
            )
        else:
            for record in self.ended:
                lines.line(f"game {record.get('game_id')}: {ending_said(record, catalog)}")
            self.console.print(
                f"several games shown — log: {self.path}", highlight=False, markup=False, soft_wrap=True
            )


class GamesView(View):
    """A log of many games: one line per game as it ended, then the run's summary figures."""

    OUTCOME_STYLES = {"success": "green", "aborted": "yellow", "error": "bold red"}

    def __init__(self, console: Console, path: Path) -> None:
        self.console = console
        self.path = path
        self.lines = Lines(console)
        self.stats = RunStats()
        self.catalog = FollowedCatalog()
        self.order: list[str] = []  # the plan's game ids
        self.shown = 0  # how many of them are printed (or will never be)
        self.waiting: dict[str, tuple[str, str]] = {}  # ended games printed once those before them are
        self.skipped: set[str] = set()  # planned games that will not end in this log

    def draw(self, record: Mapping[str, Any]) -> None:
        event = record.get("event")
        self.catalog(record)
        if event == "run_started":
            self._plan_order(record)
            self.stats.rules_from(record)
            config = record.get("config") or {}
            self.lines.line(
                f"run {record.get('run_id')} · {config.get('game', record.get('command'))} · "
                f"{config.get('games')} game(s) · seed {config.get('seed')}",
                "bold",
            )
            return
        if event == "game_interrupted":  # never ends: the games after it need not wait for it
            self.skipped.add(str(record.get("game_id")))
            self._flush()
        if event != "game_ended":
            self.stats(record)
            return
        # The summary needs three fields per game; keeping only those keeps the memory small.
        slim = {key: record.get(key) for key in SUMMARY_FIELDS if key in record}
        self.stats.games[str(record.get("game_id"))] = slim
        outcome = str(record.get("outcome"))
        said = ending_said(record, self.catalog.current)
        text = f"{record.get('game_id')!s:<6} {record.get('subject')!s:<16} {said}"
        self.waiting[str(record.get("game_id"))] = (text, self.OUTCOME_STYLES.get(outcome, "red"))
        self._flush()

    def _plan_order(self, started: Mapping[str, Any]) -> None:
        """The games in the order the run planned them; those a resumed run carried over are not
        in this log."""
        plan = started.get("plan")
        if isinstance(plan, list):
            self.order = [str(game.get("game_id")) for game in plan if isinstance(game, Mapping)]
        carried = started.get("carried")
        if isinstance(carried, list):
            self.skipped.update(str(game.get("game_id")) for game in carried if isinstance(game, Mapping))

    def _flush(self, *, all_left: bool = False) -> None:
        """Print the ended games in plan order: each once every game planned before it has ended (all
        that are left, at the end); a game the plan does not name at once."""
        planned = set(self.order)
        for game_id in [g for g in self.waiting if g not in planned]:
            self.lines.line(*self.waiting.pop(game_id))
        while self.shown < len(self.order):
            game_id = self.order[self.shown]
            if game_id in self.waiting:
                self.lines.line(*self.waiting.pop(game_id))
            elif game_id not in self.skipped and not all_left:
                return
            self.shown += 1

    def finish(self) -> None:
        self._flush(all_left=True)
        if self.stats.games:
            self.console.print(summary_table(summarize(self.stats)))
        self.console.print(
            f"{len(self.stats.games)} game(s) played — log: {self.path} "
            f"(replay {self.path} --game ID shows one)",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )


class EventsView(View):
    """One compact line per event: seq, time since the start, game, agent, event, its own fields."""

    def __init__(self, console: Console) -> None:
        self.lines = Lines(console)
        self.first: float | None = None

    def draw(self, record: Mapping[str, Any]) -> None:
        if self.first is None:
            self.lines.line(
                f"{'seq':>6} {'time':>9}  {'game':<6} {'agent':<10} {'event':<16} details", "bold"
            )
        at = ts_seconds(record.get("ts"))
        if self.first is None:
            self.first = at
        offset = f"+{at - self.first:.3f}s" if at is not None and self.first is not None else "?"
        text = (
            f"{record.get('seq')!s:>6} {offset:>9}  {record.get('game_id') or '-'!s:<6} "
            f"{record.get('agent') or '-'!s:<10} {record.get('event')!s:<16} {details_of(record)}"
        )
        self.lines.line(text)


def details_of(record: Mapping[str, Any]) -> str:
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
    # No character cleans to fewer than one, so the first DETAILS_CHARS + 1 decide what is shown: a
    # 50 MB message is not cleaned whole (a quarter of a second) to show 100 characters of it.
    text = clean(text[: DETAILS_CHARS + 1].replace("\n", "⏎"))
    return text if len(text) <= DETAILS_CHARS else text[: DETAILS_CHARS - 1] + "…"


class JsonView(View):
    """The normalised events, one per line: the common fields first (game_id and agent always there,
    null when the event has none), `t_ms` since the run started, then the event's own fields."""

    def __init__(self, console: Console) -> None:
        self.file = console.file
        self.first: float | None = None

    def draw(self, record: Mapping[str, Any]) -> None:
        at = ts_seconds(record.get("ts"))
        if self.first is None:
            self.first = at
        normal: dict[str, Any] = {key: record.get(key) for key in COMMON_FIELDS}
        known = at is not None and self.first is not None
        normal["t_ms"] = round((at - self.first) * 1000, 3) if known else None
        normal.update((key, value) for key, value in record.items() if key not in normal)
        self.file.write(json_safe(orjson.dumps(normal, default=str).decode()) + "\n")


class HtmlView(View):
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
            markup=False,
            soft_wrap=True,
        )

    def discard(self) -> None:
        self.handle.close()
        self.partial.unlink(missing_ok=True)
