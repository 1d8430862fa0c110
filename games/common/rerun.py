"""`python main.py rerun LOG`: play a recorded run of any game again, every model reply served from its log.

The run is rebuilt from `run_started`: the same game and its settings (deck, cards, turns...), seed,
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
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
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
from games.common.session import log_path, versions
from games.common.transcript import Transcript
from runtime import RunLog, new_run_id
from runtime.logread import LogFileError, ReadReport, read_events

RULES = ("current",)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rerun",
        help="play a recorded run again, model replies served from its log (no API key needed)",
        description=(
            "Re-execute a run from its log: the same game, cards, seed, personas and settings, every "
            "model reply served from the recorded llm_call events, judged by today's referee. Exit 0 "
            "when the run is reproduced (or only today's rules judge differently, which is reported), "
            "1 on a divergence, 2 for a bad log."
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


def read_recorded(path: str, lenient: bool) -> tuple[Mapping[str, Any], Transcripts, list[Mapping[str, Any]]]:
    """run_started, the games' transcripts and the llm_call events of a log, in one pass."""
    recorded = Transcripts()
    calls: list[Mapping[str, Any]] = []
    report = ReadReport()
    started: Mapping[str, Any] = {}
    try:
        for record in read_events(path, lenient=lenient, report=report):
            if record["event"] == "run_started":
                started = started or record
            elif record["event"] == "llm_call":
                calls.append(record)
            recorded(record)
    except LogFileError as exc:
        raise UsageError(str(exc)) from None
    finally:
        for warning in report.warnings:
            print(f"warning: {path}: {warning}", file=sys.stderr)
    return started, recorded, calls


def plan_of(source: str, config: Mapping[str, Any], recorded: Transcripts) -> Plan:
    """The Plan the recorded run played, from its configuration; only the games the log started."""
    game = _game_of(source, config)
    flags = argparse.Namespace(**{name: value for name, value in _current(config).items() if name != "game"})
    try:
        prepared = game.prepare(flags)
    except UsageError as exc:
        raise UsageError(f"{source}: the run's game cannot be set up again: {exc}") from None
    seed = _need(source, config, "seed")
    specs = game_specs(
        seed,
        int(config.get("games") or 1),
        list(prepared.subjects),
        fixed=prepared.fixed_subject,
        swap=bool(config.get("swap")),
    )
    started = set(recorded.order)
    models = {
        role: RoleModel(role, Backend(str(choice["backend"])), str(choice["model"]))
        for role, choice in _need(source, config, "models").items()
    }
    return Plan(
        game=game,
        prepared=prepared,
        seed=seed,
        specs=[spec for spec in specs if spec.game_id in started],
        models=models,
        seat_models=models,
        personas=personas_of(game, config.get("personas") or {}),
        endpoint=Endpoint(),
        resumed={},
    )


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
    started, recorded, calls = read_recorded(args.source, args.lenient)
    config = started.get("config")
    if not isinstance(config, Mapping):
        raise UsageError(f"{args.source}: run_started has no config: cannot rerun this run")
    plan = plan_of(args.source, config, recorded)
    changed = changed_inputs(config, plan)
    if changed is not None:
        print(changed, file=sys.stderr)
        return FAILED
    _note_versions(console, started.get("versions"), args.quiet)
    replay = ReplayModel(calls)
    rerun = Transcripts()
    run_id = new_run_id()
    path = log_path(args.log, args.log_dir, f"{plan.game.name}-rerun", run_id)
    listeners: list = [rerun]
    if len(plan.specs) == 1 and not args.quiet:
        listeners.append(Transcript(console, show_calls=False))  # replayed calls take no time
    gateway = Gateway(max_concurrency=args.concurrency)
    batch = Batch(plan.specs)
    rerun_of = {"path": str(args.source), "run_id": started.get("run_id")}
    with RunLog(path, run_id=run_id, listeners=listeners) as run_log:
        run_log.start("rerun", dict(config), versions=versions(), rerun_of=rerun_of, rules=args.rules)
        await run_batch(batch, lambda spec: _play(spec, plan, gateway, replay), concurrency=args.concurrency)
        code, lines = _compare(recorded, rerun, plan.specs)
        run_log.end("ok" if code == OK else "error", reason=lines[-1])
    for line in lines[:-1]:
        console.print(line, highlight=False, markup=False, soft_wrap=True)
    if code != OK:
        print(lines[-1], file=sys.stderr)
        console.print(f"rerun log: {path}", highlight=False, markup=False, soft_wrap=True)
    else:
        console.print(f"{lines[-1]} — log: {path}", highlight=False, markup=False, soft_wrap=True)
    return code


async def _play(spec: GameSpec, plan: Plan, gateway: Gateway, replay: ReplayModel) -> GameResult:
    return await play_game(spec, plan, gateway, None, override=replay)


def _compare(recorded: Transcripts, rerun: Transcripts, specs: list[GameSpec]) -> tuple[int, list[str]]:
    """The exit code and the lines to show; the last line is the verdict on the whole rerun."""
    changes: list[str] = []
    notes: list[str] = []
    for spec in specs:
        game_id = spec.game_id
        difference = first_difference(recorded.games[game_id], rerun.games[game_id], game_id)
        if difference is None:
            continue
        cut_short = difference.recorded is None and game_id not in recorded.ended
        if cut_short:
            notes.append(f"{game_id}: did not end in the log (the run was cut short); reproduced up to there")
        elif difference.rejudged:
            changes.append(change_line(difference, recorded, rerun))
        else:
            return FAILED, [*changes, divergence_line(difference, rerun)]
    games = len(specs)
    if changes:
        return OK, [
            *notes,
            *changes,
            f"re-judged under today's rules: {len(changes)} of {games} game(s) changed",
        ]
    return OK, [*notes, f"reproduced: {games} game(s), {rerun.messages()} message(s) as recorded"]


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
