"""`python main.py rerun LOG`: play a recorded run of any game again, every model reply served from its log.

The run is rebuilt from `run_started`: the same game and its settings (deck, cards, turns...), the games
of its `plan` that the log started (older logs: the games its config plans, drawn again from the seed),
personas and model names; every role thinks with a `ReplayModel` over the log's `llm_call`s, so no API
key or server is needed.
The referee is today's: the games are re-judged under the current rules. The new run writes its own
log (its `run_started` records `rerun_of`), and each game's transcript is compared with the recorded
one (games/logtools/compare.py): the setup, the messages, the referee's verdicts and the outcome.

- The same transcript: the run is reproduced (exit 0).
- The first difference is the referee's (a verdict, a referee's message, the outcome): today's rules
  judge differently; what changed is reported per game (exit 0).
- Anything else (a request that differs from the recorded one at call k, a player's message, a
  persona or card that changed since): a divergence, reported on one line (exit 1).
- A game that raised while it was played again: exit 1 with the cause.
- A log with no game to rerun (none started in it): exit 2.

A game the log started but never ended (the run was cut short) is reproduced as far as the log goes,
and named; it is never counted as a rules change.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from typing import Any

from rich.console import Console

from agents import Gateway, ReplayModel
from games.cli.batch import Batch, GameSpec, run_batch
from games.cli.command import play_game
from games.cli.session import log_path, versions
from games.cli.transcript import Transcript
from games.kit.arguments import add_concurrency_flag
from games.kit.exits import FAILED, OK, UsageError
from games.kit.outcome import GameResult
from games.logtools.compare import Transcripts, change_line, divergence_line, first_difference
from games.logtools.rejudge import Rejudged, rejudge_lines
from games.logtools.rerun_setup import (
    Recorded,
    changed_inputs,
    game_of,
    plan_of,
    read_recorded,
    shown_ids,
)
from runtime import RunLog
from runtime.log import new_run_id

CURRENT = "current"  # the log's rule set, as today's code judges it


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rerun",
        help="play a recorded run again, model replies served from its log (no API key needed)",
        description=(
            "Re-execute a run from its log: the same game, subjects, seed, personas and settings, every "
            "model reply served from the recorded llm_call events, judged by today's rules. Exit 0 "
            "when every game the log started is reproduced (or only today's rules judge differently, "
            "which is reported; a game the log never ended is reproduced as far as the log goes); 1 on "
            "a divergence or when a game raised while played again; 2 for a bad log or a log with no "
            "game to rerun."
        ),
    )
    parser.add_argument("source", metavar="LOG", help="the run log to re-execute")
    parser.add_argument(
        "--rules",
        default=CURRENT,
        metavar="NAME",
        help=(
            "judge with the log's rules as today's code has them (current, the default), or with another "
            "of the game's rule sets: the same replies, served in order, re-judged (see docs/log-format.md)"
        ),
    )
    parser.add_argument("--log", metavar="PATH", help="write the rerun's own log to PATH")
    parser.add_argument("--log-dir", metavar="DIR", help="write the rerun's log into DIR (default runs/)")
    add_concurrency_flag(parser)
    parser.add_argument("--lenient", action="store_true", help="skip corrupt lines of LOG (and count them)")
    parser.add_argument("--quiet", action="store_true", help="print only the result lines")
    parser.set_defaults(command=run)


# -- the command ---------------------------------------------------------------------------------


async def run(args: argparse.Namespace, console: Console) -> int:
    recorded = read_recorded(args.source, args.lenient)
    started = recorded.started
    config = started.get("config")
    if not isinstance(config, Mapping):
        raise UsageError(f"{args.source}: run_started has no config: cannot rerun this run")
    config, then_rules = _with_rules(args.source, config, args.rules)
    switched = then_rules is not None
    plan = plan_of(args.source, {**started, "config": config}, recorded.transcripts)
    if not plan.specs:
        raise UsageError(f"{args.source}: {_no_games(started)}: nothing to rerun")
    changed = changed_inputs(config, plan)
    if changed is not None:
        print(changed, file=sys.stderr)
        return FAILED
    _note_versions(console, started.get("versions"), args.quiet)
    replay = ReplayModel(recorded.calls, check_requests=not switched)
    rerun = Transcripts()
    rejudged = Rejudged()
    raised: dict[str, str] = {}
    run_id = new_run_id()
    path = log_path(args.log, args.log_dir, f"{plan.game.name}-rerun", run_id)
    listeners: list = [rerun, rejudged]
    if len(plan.specs) == 1 and not args.quiet:
        listeners.append(Transcript(console, show_calls=False))  # replayed calls take no time
    gateway = Gateway(max_concurrency=args.concurrency)
    batch = Batch(plan.specs)
    rerun_of = {"path": str(args.source), "run_id": started.get("run_id")}
    extra = {"plan": started["plan"]} if started.get("plan") is not None else {}

    run_log = RunLog(path, run_id=run_id, listeners=listeners)

    async def play(spec: GameSpec) -> GameResult:
        try:
            return await play_game(spec, plan, gateway, None, run_log.events, override=replay)
        except Exception as exc:  # kept to report; run_batch records the game as an error and goes on
            raised.setdefault(spec.game_id, f"{type(exc).__name__}: {exc}")
            raise

    with run_log:
        run_log.start(
            "rerun", dict(config), versions=versions(), rerun_of=rerun_of, rules=args.rules, **extra
        )
        await run_batch(batch, play, concurrency=args.concurrency, events=run_log.events)
        if switched:
            code, lines = _rejudge(recorded, rerun, rejudged, plan.specs, raised, args.rules, then_rules)
        else:
            code, lines = _compare(recorded, rerun, plan.specs, raised)
        run_log.end("ok" if code == OK else "error", reason=lines[-1])
    for line in lines[:-1]:
        console.print(line, highlight=False, markup=False, soft_wrap=True)
    if code != OK:
        print(lines[-1], file=sys.stderr)
        console.print(f"rerun log: {path}", highlight=False, markup=False, soft_wrap=True)
    else:
        console.print(f"{lines[-1]} — log: {path}", highlight=False, markup=False, soft_wrap=True)
    return code


def _with_rules(source: str, config: Mapping[str, Any], rules: str) -> tuple[Mapping[str, Any], str | None]:
    """The run's config with the rule set `rules` (CURRENT: the log's), and the log's rule set when it is
    another (None: the log's rules judge). UsageError for a rule set the game does not have."""
    if rules == CURRENT:
        return config, None
    game = game_of(source, config)
    offered = tuple(getattr(game, "rule_sets", ()))
    if rules not in offered:
        sets = f"its rule sets are {', '.join(offered)}" if offered else "it has one rule set"
        raise UsageError(f"--rules {rules}: not a rule set of {game.name} ({sets}, or {CURRENT})")
    recorded = config.get("rules")
    then = recorded if isinstance(recorded, str) else offered[0]
    return {**config, "rules": rules}, (then if then != rules else None)


def _rejudge(
    recorded: Recorded,
    rerun: Transcripts,
    rejudged: Rejudged,
    specs: list[GameSpec],
    raised: Mapping[str, str],
    rules: str,
    then_rules: str,
) -> tuple[int, list[str]]:
    """The lines of a rerun under another rule set; exit 1 only when a game raised."""
    if raised:
        game_id, cause = next(iter(raised.items()))
        return FAILED, [f"rerun failed: game {game_id!r} raised {cause}"]
    game_ids = [spec.game_id for spec in specs]
    return OK, rejudge_lines(recorded.transcripts, rerun, rejudged, game_ids, rules, then_rules)


def _no_games(started: Mapping[str, Any]) -> str:
    carried = started.get("carried")
    if isinstance(carried, list) and carried:
        resumed = (started.get("config") or {}).get("resumed_from")
        return (
            f"the log started no game (its {len(carried)} finished game(s) were played in {resumed}, "
            "which it resumed: rerun that log)"
        )
    return "the log started no game"


def _compare(
    recorded: Recorded, rerun: Transcripts, specs: list[GameSpec], raised: Mapping[str, str]
) -> tuple[int, list[str]]:
    """The exit code and the lines to show; the last line is the verdict on the whole rerun."""
    then = recorded.transcripts
    # A game that failed today (an agent or the game raised) where the log's did not: not a rules change.
    crashed = dict(raised)
    for game_id, reason in rerun.failed.items():
        if game_id not in rerun.diverged and game_id not in then.failed:
            crashed.setdefault(game_id, reason)
    if crashed:
        game_id, cause = next(iter(crashed.items()))
        more = f" (and {len(crashed) - 1} more game(s))" if len(crashed) > 1 else ""
        return FAILED, [f"rerun failed: game {game_id!r} raised {cause}{more}"]
    unfinished = [spec.game_id for spec in specs if spec.game_id not in then.ended]
    notes: list[str] = []
    carried = recorded.started.get("carried")
    if isinstance(carried, list) and carried:
        resumed = recorded.started["config"].get("resumed_from")
        notes.append(f"{len(carried)} game(s) finished in {resumed}, which this run resumed: not rerun here")
    if unfinished or recorded.cut_short:
        never = f": game(s) {shown_ids(unfinished)} never ended" if unfinished else ""
        notes.append(f"the run was cut short{never}")
    changes: list[str] = []
    for spec in specs:
        game_id = spec.game_id
        difference = first_difference(then.games[game_id], rerun.games[game_id], game_id)
        if game_id in unfinished:
            if difference is None or difference.recorded is None:
                notes.append(f"{game_id}: did not end in the log; reproduced up to where the log stops")
                continue
        elif difference is None:
            continue
        if difference.rejudged:
            changes.append(change_line(difference, then, rerun))
        else:
            return FAILED, [*notes, *changes, divergence_line(difference, rerun)]
    games = len(specs)
    if changes:
        return OK, [
            *notes,
            *changes,
            f"re-judged under today's rules: {len(changes)} of {games} game(s) changed",
        ]
    partly = f" ({len(unfinished)} up to where the log stops)" if unfinished else ""
    return OK, [*notes, f"reproduced: {games} game(s){partly}, {rerun.messages()} message(s) as recorded"]


def _note_versions(console: Console, recorded: object, quiet: bool) -> None:
    if quiet or not isinstance(recorded, Mapping):
        return
    now = versions()
    changed = [
        f"{name} {recorded[name]} → {now[name]}" for name in now if recorded.get(name, now[name]) != now[name]
    ]
    if changed:
        console.print(
            f"recorded with other versions: {', '.join(changed)}",
            style="dim",
            highlight=False,
            soft_wrap=True,
        )
