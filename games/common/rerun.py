"""`python main.py rerun LOG`: play a recorded run of any game again, every model reply served from its log.

The run is rebuilt from `run_started`: the same game and its settings (deck, cards, turns...), the games
of its `plan` that the log started (older logs: the games its config plans, drawn again from the seed),
personas and model names; every role thinks with a `ReplayModel` over the log's `llm_call`s, so no API
key or server is needed.
The referee is today's: the games are re-judged under the current rules. The new run writes its own
log (its `run_started` records `rerun_of`), and each game's transcript is compared with the recorded
one (games/common/compare.py): the setup, the messages, the referee's verdicts and the outcome.

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
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rich.console import Console

from agents import Endpoint, Gateway, ReplayModel
from games.common.batch import Batch, GameSpec, game_specs, run_batch
from games.common.command import Plan, play_game
from games.common.compare import Transcripts, change_line, divergence_line, first_difference
from games.common.definition import GameDefinition
from games.common.exits import FAILED, OK, UsageError
from games.common.flags import positive_int
from games.common.models import Backend, RoleModel
from games.common.outcome import GameResult
from games.common.personas import PersonaChoice, choose_personas
from games.common.registry import games_by_name
from games.common.replay import check_shown
from games.common.session import log_path, versions
from games.common.transcript import Transcript
from runtime import RunLog, new_run_id
from runtime.logread import LogFileError, ReadReport, read_events, typed

RULES = ("current",)
SHOWN_IDS = 5
GAME_ID = re.compile(r"g(\d{1,9})s?")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rerun",
        help="play a recorded run again, model replies served from its log (no API key needed)",
        description=(
            "Re-execute a run from its log: the same game, cards, seed, personas and settings, every "
            "model reply served from the recorded llm_call events, judged by today's referee. Exit 0 "
            "when every game the log started is reproduced (or only today's rules judge differently, "
            "which is reported; a game the log never ended is reproduced as far as the log goes); 1 on "
            "a divergence or when a game raised while played again; 2 for a bad log or a log with no "
            "game to rerun."
        ),
    )
    parser.add_argument("source", metavar="LOG", help="the run log to re-execute")
    parser.add_argument(
        "--rules",
        choices=RULES,
        default="current",
        help="judge with today's rules (the only choice; see docs/log-format.md, 'rerun')",
    )
    parser.add_argument("--log", metavar="PATH", help="write the rerun's own log to PATH")
    parser.add_argument("--log-dir", metavar="DIR", help="write the rerun's log into DIR (default runs/)")
    parser.add_argument(
        "--concurrency",
        type=positive_int,
        default=8,
        metavar="K",
        help="at most K games in flight (default 8)",
    )
    parser.add_argument("--lenient", action="store_true", help="skip corrupt lines of LOG (and count them)")
    parser.add_argument("--quiet", action="store_true", help="print only the result lines")
    parser.set_defaults(command=run)


# -- rebuilding the run --------------------------------------------------------------------------


@dataclass
class Recorded:
    """What a rerun needs from a log, read in one pass."""

    started: Mapping[str, Any]
    transcripts: Transcripts
    calls: list[Mapping[str, Any]]
    cut_short: bool  # no run_ended, or a truncated last line


def read_recorded(path: str, lenient: bool) -> Recorded:
    """run_started, the games' transcripts and the llm_call events of a log, each field checked where
    it is read; UsageError (one line: file, line, field) for anything a rerun cannot use."""
    recorded = Transcripts()
    calls: list[Mapping[str, Any]] = []
    report = ReadReport()
    started: Mapping[str, Any] = {}
    try:
        for record in read_events(path, lenient=lenient, report=report):
            where = report.where()
            event = record["event"]
            check_shown(record, where)  # a log replay refuses, rerun refuses alike
            if event == "run_started" and not started:
                started = record
                _check_started(record, where)
            elif event == "llm_call":
                calls.append(_checked_call(record, where))
            recorded(record, where)
    except LogFileError as exc:
        raise UsageError(str(exc)) from None
    finally:
        for warning in report.warnings:
            print(f"warning: {path}: {warning}", file=sys.stderr)
    return Recorded(started, recorded, calls, report.cut_short or not recorded.run_ended)


def _check_started(record: Mapping[str, Any], where: str) -> None:
    typed(record, "versions", dict, where)
    typed(record, "plan", list, where)
    typed(record, "carried", list, where)
    config = typed(record, "config", dict, where) or {}
    within = "run_started's config"
    for name, kind in (("game", str), ("seed", int), ("games", int), ("swap", bool), ("models", dict)):
        typed(config, name, kind, where, within=within)
    typed(config, "resumed_from", str, where, within=within)
    personas = typed(config, "personas", dict, where, within=within) or {}
    for role, persona in personas.items():
        typed(personas, role, dict, where, within=f"{within}.personas")
        for name in ("name", "source", "sha256"):
            typed(persona or {}, name, str, where, within=f"{within}.personas.{role}")


def _checked_call(record: Mapping[str, Any], where: str) -> Mapping[str, Any]:
    """An llm_call whose fields are of the types the replay model reads."""
    for name, kind in (
        ("messages", list),
        ("settings", dict),
        ("model", str),
        ("response", str),
        ("finish_reason", str),
        ("refusal", str),
        ("truncated", bool),
    ):
        typed(record, name, kind, where)
    usage = typed(record, "usage", dict, where)
    if usage is not None:
        for name in ("prompt_tokens", "completion_tokens"):
            typed(usage, name, int, where, within="llm_call's usage")
    return record


def plan_of(source: str, started: Mapping[str, Any], recorded: Transcripts) -> Plan:
    """The Plan the recorded run played: the games of its `plan` (or, for an older log, of its
    configuration) that the log started."""
    config = started["config"]
    game = _game_of(source, config)
    flags = argparse.Namespace(**_game_flags(source, game, _current(config)))
    try:
        prepared = game.prepare(flags)
    except UsageError as exc:
        raise UsageError(f"{source}: the run's game cannot be set up again: {exc}") from None
    seed = _need(source, config, "seed")
    planned = started.get("plan")
    if planned is not None:
        specs = _planned_specs(source, planned)
    else:
        specs = game_specs(
            seed,
            _games_to_draw(config.get("games") or 1, recorded.order),
            list(prepared.subjects),
            fixed=prepared.fixed_subject,
            swap=bool(config.get("swap")),
        )
    started_ids = list(dict.fromkeys(recorded.order))
    known = {spec.game_id for spec in specs}
    unplanned = [game_id for game_id in started_ids if game_id not in known]
    if unplanned:
        whence = "its plan" if planned is not None else "the games its config plans (a log without a plan)"
        raise UsageError(
            f"{source}: game(s) {_ids(unplanned)} started in the log are not in {whence}: cannot rerun them"
        )
    models = {
        role: RoleModel(role, Backend(str(choice["backend"])), str(choice["model"]))
        for role, choice in _models(source, _need(source, config, "models")).items()
    }
    return Plan(
        game=game,
        prepared=prepared,
        seed=seed,
        specs=[spec for spec in specs if spec.game_id in set(started_ids)],
        models=models,
        seat_models=models,
        personas=personas_of(game, config.get("personas") or {}),
        endpoint=Endpoint(),
        resumed={},
    )


def _games_to_draw(games: int, game_ids: list[str]) -> int:
    """How many games to draw again for an older log: up to the highest `gN` (or `gNs`) it started, so
    that a log claiming a billion games draws no more than it played; a batch stays a batch (one game's
    seed is the run's, a batch's games have their own)."""
    numbers = [int(found.group(1)) for game_id in game_ids if (found := GAME_ID.fullmatch(game_id))]
    return min(games, max([*numbers, 2])) if games > 1 else games


def _planned_specs(source: str, planned: list[Any]) -> list[GameSpec]:
    specs = []
    for index, entry in enumerate(planned):
        where, within = f"{source}: line 1", f"run_started's plan[{index}]"
        if not isinstance(entry, Mapping):
            raise UsageError(f"{where}: {within} is not an object")
        try:
            specs.append(
                GameSpec(
                    typed(entry, "game_id", str, where, required=True, within=within),
                    typed(entry, "index", int, where, required=True, within=within),
                    typed(entry, "seed", int, where, required=True, within=within),
                    typed(entry, "subject", str, where, required=True, within=within),
                    bool(typed(entry, "swapped", bool, where, within=within)),
                )
            )
        except LogFileError as exc:
            raise UsageError(str(exc)) from None
    return specs


def _models(source: str, models: Mapping[str, Any]) -> Mapping[str, Mapping[str, Any]]:
    for role, choice in models.items():
        where, within = f"{source}: line 1", f"run_started's config.models.{role}"
        if not isinstance(choice, Mapping):
            raise UsageError(f"{where}: {within} is not an object")
        try:
            typed(choice, "model", str, where, required=True, within=within)
            backend = typed(choice, "backend", str, where, required=True, within=within)
        except LogFileError as exc:
            raise UsageError(str(exc)) from None
        if backend not in {str(known) for known in Backend}:
            raise UsageError(f"{where}: {within}: unknown backend {backend[:40]!r}")
    return models


def _game_flags(source: str, game: GameDefinition, config: Mapping[str, Any]) -> dict[str, Any]:
    """The game's own settings from the config, each checked with the type its flag declares."""
    parser = argparse.ArgumentParser(add_help=False)
    game.add_arguments(parser)
    flags = {name: value for name, value in config.items() if name != "game"}
    for action in parser._actions:
        if action.dest not in flags:  # an older log, from before the flag: its default
            if action.dest != "help":
                flags[action.dest] = action.default
            continue
        value = flags[action.dest]
        where = f"{source}: line 1: run_started's config field {action.dest!r}"
        if value is None:
            if action.default is not None:  # a setting the game always has
                raise UsageError(f"{where} is null")
            continue
        if action.nargs == 0:  # a switch
            expected, ok = "true or false", isinstance(value, bool)
        elif action.type is None:
            expected, ok = "a string", isinstance(value, str)
        else:
            expected = "a value its flag accepts"
            try:
                now = action.type(str(value))
                ok = not isinstance(value, bool) and (
                    type(now) is type(value) or (isinstance(now, float) and isinstance(value, int))
                )
            except (argparse.ArgumentTypeError, TypeError, ValueError):
                ok = False
        if not ok:
            raise UsageError(f"{where} is {str(value)[:40]!r}, expected {expected}")
    return flags


def _ids(game_ids: list[str]) -> str:
    shown = ", ".join(game_ids[:SHOWN_IDS])
    return shown + (f" and {len(game_ids) - SHOWN_IDS} more" if len(game_ids) > SHOWN_IDS else "")


def _current(config: Mapping[str, Any]) -> Mapping[str, Any]:
    """An older log's configuration in today's shape (docs/log-format.md): Taboo's `deck` was
    `{"path", "name", "cards"}` before the games shared one command."""
    deck = config.get("deck")
    if config.get("game") == "taboo" and isinstance(deck, Mapping):
        return {**config, "deck": deck.get("path"), "deck_name": deck.get("name")}
    return config


def _game_of(source: str, config: Mapping[str, Any]) -> GameDefinition:
    known = games_by_name()
    name = config.get("game")
    if name not in known:
        raise UsageError(
            f"{source}: a run of {name!r}, which this version does not know ({', '.join(known)})"
        )
    return known[str(name)]


def personas_of(game: GameDefinition, recorded: Mapping[str, Any]) -> dict[str, PersonaChoice]:
    """Today's personas for the recorded ones: a file by its path, a built-in by its name."""
    names = argparse.Namespace(persona_dir=None)
    for role in game.roles:
        persona = recorded.get(role.name) or {}
        source = str(persona.get("source") or "built-in")
        setattr(
            names,
            role.name.replace("-", "_"),
            str(persona.get("name") or "default") if source == "built-in" else source,
        )
    return choose_personas(names, game)


def changed_inputs(config: Mapping[str, Any], plan: Plan) -> str | None:
    """A persona file that changed since the run (the game's own setup is compared game by game)."""
    for role, persona in plan.personas.items():
        then = (config.get("personas") or {}).get(role) or {}
        if then.get("sha256") and then["sha256"] != persona.sha256:
            return (
                f"rerun diverged: the {role}'s persona {persona.name!r} ({persona.source}) changed since the "
                f"run: sha256 {str(then['sha256'])[:16]} then, {persona.sha256[:16]} now"
            )
    return None


def _need(source: str, config: Mapping[str, Any], key: str) -> Any:
    if config.get(key) is None:
        raise UsageError(f"{source}: run_started's config has no {key!r}: cannot rerun this run")
    return config[key]


# -- the command ---------------------------------------------------------------------------------


async def run(args: argparse.Namespace, console: Console) -> int:
    recorded = read_recorded(args.source, args.lenient)
    started = recorded.started
    config = started.get("config")
    if not isinstance(config, Mapping):
        raise UsageError(f"{args.source}: run_started has no config: cannot rerun this run")
    plan = plan_of(args.source, started, recorded.transcripts)
    if not plan.specs:
        raise UsageError(f"{args.source}: {_no_games(started)}: nothing to rerun")
    changed = changed_inputs(config, plan)
    if changed is not None:
        print(changed, file=sys.stderr)
        return FAILED
    _note_versions(console, started.get("versions"), args.quiet)
    replay = ReplayModel(recorded.calls)
    rerun = Transcripts()
    raised: dict[str, str] = {}
    run_id = new_run_id()
    path = log_path(args.log, args.log_dir, f"{plan.game.name}-rerun", run_id)
    listeners: list = [rerun]
    if len(plan.specs) == 1 and not args.quiet:
        listeners.append(Transcript(console, show_calls=False))  # replayed calls take no time
    gateway = Gateway(max_concurrency=args.concurrency)
    batch = Batch(plan.specs)
    rerun_of = {"path": str(args.source), "run_id": started.get("run_id")}
    extra = {"plan": started["plan"]} if started.get("plan") is not None else {}

    async def play(spec: GameSpec) -> GameResult:
        try:
            return await play_game(spec, plan, gateway, None, override=replay)
        except Exception as exc:  # kept to report; run_batch records the game as an error and goes on
            raised.setdefault(spec.game_id, f"{type(exc).__name__}: {exc}")
            raise

    with RunLog(path, run_id=run_id, listeners=listeners) as run_log:
        run_log.start(
            "rerun", dict(config), versions=versions(), rerun_of=rerun_of, rules=args.rules, **extra
        )
        await run_batch(batch, play, concurrency=args.concurrency)
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
        never = f": game(s) {_ids(unfinished)} never ended" if unfinished else ""
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
