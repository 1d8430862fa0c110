"""`python main.py replay LOG`: a run's log shown again, streamed event by event in constant memory.

The default view is the live game's transcript, drawn by the same `Transcript` class; a log of many
games lists its games instead (pick one with `--game`). `--events` is a compact table of the raw events,
`--json` the normalised events for jq, `--html OUT` a self-contained page (games/logtools/html.py).
`--follow` reads a log that a running game is still writing; `--speed X` replays the recorded timing.

A run cut short (no `run_ended`, a truncated last line, or games started that never ended) is said so in
every view, naming the games that never ended: a line before the transcript's last line or after the
table of events, a line on standard error with `--json` (standard output stays JSON lines), a notice
at the top of the `--html` page.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

from rich.console import Console

from agents.conversation_log import Conversations
from games.cli.registry import catalog_for
from games.kit.exits import OK, UsageError
from games.kit.output_files import check_writable
from games.logtools.logcheck import FieldCheck
from games.logtools.replay_views import (
    MESSAGE_EVENTS,
    EventsView,
    GamesView,
    HtmlView,
    JsonView,
    TranscriptView,
    View,
)
from runtime.logread import FOLLOW_APPEAR_S, LogFileError, ReadReport, follow_events, read_events, ts_seconds

# Events that frame a game rather than belong to one agent: kept by --agent.
FRAME_EVENTS = frozenset({"run_started", "run_ended", "game_started", "turn_started", "game_ended"})
SHOWN_IDS = 5


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
        help=(
            "watch a log that a running game is writing, like tail -f, until the run ends; a log not "
            f"written yet is waited for, up to {FOLLOW_APPEAR_S:g} s"
        ),
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
    if args.html:
        check_writable("--html", args.html)
    report = ReadReport()
    records = _records(args, report)
    view: View | None = None
    ends = Ends()
    try:
        try:
            started = await anext(records)
        except StopAsyncIteration:
            raise UsageError(f"{args.log}: the file is empty, not a run log") from None
        keep = _Filter(args.game, args.agent)
        keep.check_planned(started, args.log)  # before anything is drawn
        view = _view(args, console, started)
        pace = _Pace(args.speed) if args.speed else None
        check_shown = FieldCheck()
        check_shown(started, report.where())
        ends(started)
        keep(started)
        view.draw(started)
        async for record in records:
            check_shown(record, report.where())
            ends(record)
            if not keep(record):
                continue
            if pace is not None:
                await pace.wait(record)
            view.draw(record)
        keep.check(args.log)
        notice = ends.notice(report, args.game)
        if notice is not None and not args.html:
            if args.json:
                print(f"warning: {args.log}: {notice}", file=sys.stderr)
            else:
                console.print(notice, style="bold yellow", highlight=False, markup=False, soft_wrap=True)
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


class Ends:
    """Which games of a log started and which ended, to say when the run was cut short.

    A game stopped mid-play wrote `game_interrupted` (older logs: `game_ended` with reason
    `interrupted`): it never ended."""

    def __init__(self) -> None:
        self.started: dict[str, None] = {}
        self.ended: set[str] = set()
        self.run_ended = False

    def __call__(self, record: Mapping[str, Any]) -> None:
        event = record.get("event")
        game_id = record.get("game_id")
        if event == "run_ended":
            self.run_ended = True
        elif event == "game_started" and game_id is not None:
            self.started[game_id] = None
        elif event == "game_ended" and game_id is not None and record.get("reason") != "interrupted":
            self.ended.add(game_id)

    def unfinished(self, game: str | None = None) -> list[str]:
        """The games started that never ended (only `game`, if given), in the order they started."""
        return [g for g in self.started if g not in self.ended and (game is None or g == game)]

    def notice(self, report: ReadReport, game: str | None = None) -> str | None:
        """One line saying the run was cut short and which games never ended; None when it was not."""
        unfinished = self.unfinished(game)
        if self.run_ended and not report.cut_short and not unfinished:
            return None
        if report.cut_short:
            why = "its last line is incomplete: the run was killed mid-write"
        elif not self.run_ended:
            why = "no run_ended: the run was killed or is still running"
        else:
            why = "it was stopped"
        shown = ", ".join(unfinished[:SHOWN_IDS]) + (", …" if len(unfinished) > SHOWN_IDS else "")
        games = (
            f"{len(unfinished)} game(s) never ended: {shown}" if unfinished else "every game started ended"
        )
        return f"the run was cut short ({why}); {games}"


async def _records(args: argparse.Namespace, report: ReadReport) -> AsyncIterator[Mapping[str, Any]]:
    """The log's events in order, each llm_call and llm_failed with the full messages it sent (a v2 log
    records each message of a conversation once): every view shows whole requests."""
    conversations = Conversations(lenient=args.lenient)
    if args.follow:
        _say_when_waiting(args.log)
        async for record in follow_events(args.log, lenient=args.lenient, report=report):
            yield conversations.rebuilt(record, report.where())
        return
    for record in read_events(args.log, lenient=args.lenient, report=report):
        yield conversations.rebuilt(record, report.where())


def _say_when_waiting(log: str) -> None:
    """--follow on a log not written yet: say, on stderr, that it is waited for and for how long."""
    if not Path(log).exists():
        print(f"waiting for {log} to be written (up to {FOLLOW_APPEAR_S:g} s; Ctrl-C stops)", file=sys.stderr)


def _many_games(args: argparse.Namespace, started: Mapping[str, Any]) -> bool:
    """A log of many games: its plan has more than one (a log without a plan: it started more than one,
    counted ahead; a log being followed: its config asks for more than one)."""
    plan = started.get("plan")
    if isinstance(plan, list):
        return len(plan) > 1
    if not args.follow:
        try:
            games = (r for r in read_events(args.log, lenient=True) if r["event"] == "game_started")
            return next(games, None) is not None and next(games, None) is not None
        except LogFileError:
            pass  # the replay itself says what is wrong
    config = started.get("config")
    if not isinstance(config, Mapping):
        return False
    games = config.get("games", 1)
    return (isinstance(games, int) and games > 1) or config.get("swap") is True


def _view(args: argparse.Namespace, console: Console, started: Mapping[str, Any]) -> View:
    path = Path(args.log)
    if args.json:
        return JsonView(console)
    if args.events:
        return EventsView(console)
    if args.html:
        return HtmlView(console, Path(args.html), viewer=args.agent)
    if args.game is None and _many_games(args, started):
        return GamesView(console, path)
    return TranscriptView(console, path, viewer=args.agent)


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

    def check_planned(self, started: Mapping[str, Any], log: str) -> None:
        """UsageError at once when the run's plan (its games and their casts) and the game's officials
        show that --game or --agent names nothing of the run; a log without a plan is checked at its
        end."""
        plan = started.get("plan")
        if not isinstance(plan, list) or not plan or not all(isinstance(game, Mapping) for game in plan):
            return
        ids = [str(game.get("game_id")) for game in plan]
        if self.game is not None and self.game not in ids:
            more = ", …" if len(ids) > SHOWN_IDS else ""
            raise UsageError(
                f"{log}: no game {self.game!r}; its {len(ids)} game(s): {', '.join(ids[:SHOWN_IDS])}{more}"
            )
        casts = [game.get("cast") for game in plan]
        if self.agent is None or not all(isinstance(cast, Mapping) and cast for cast in casts):
            return
        config = started.get("config") if isinstance(started.get("config"), Mapping) else {}
        agents = {str(agent) for cast in casts for agent in cast} | set(
            catalog_for(config.get("game")).officials
        )
        if self.agent not in agents:
            raise UsageError(f"{log}: no agent {self.agent!r}; its agents: {', '.join(sorted(agents))}")

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
        at = ts_seconds(record.get("ts"))
        if at is None:
            return
        if self._first is None:
            self._first, self._started = at, time.monotonic()
            return
        delay = self._started + (at - self._first) / self.speed - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
