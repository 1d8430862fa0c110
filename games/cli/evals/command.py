"""`python main.py eval PLAN.toml [--out DIR]` and `eval --resume DIR`: play every cell of a plan.

Each cell is a run of its game command (games.cli.command.run, with the cell's flags, --quiet and a log
in DIR/logs/), one after another, all under one progress bar. A cell whose games all ended is skipped; an
interrupted one goes on with the command's own --resume of its last log. The results table is written
after every cell, and on the way out of an interrupted eval.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from rich.console import Console

from games.cli import command
from games.cli.evals.arguments import parse
from games.cli.evals.cells import PreparedCell, prepare_cells, run_arguments
from games.cli.evals.chain import CellLogs, read_cell_logs
from games.cli.evals.folder import Change, EvalFolder, changed
from games.cli.evals.plan import EvalPlan, PlanError, read_plan
from games.cli.evals.results import DONE, cell_row, results_paths, write_results
from games.cli.progress import BatchProgress
from games.cli.terminal import error_line
from games.kit.exits import OK, USAGE, UsageError
from runtime.tomlfile import Key, Problem

DEFAULT_DIR = "evals"
DOCS = "docs/eval.md"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="play a plan of games x casts x seeds into one folder: logs and a results table; resumable",
        description=f"Play every cell (game x cast x seed) of a TOML plan ({DOCS}). Run it again, or "
        "--resume DIR, to go on where it stopped: no finished game is played again.",
    )
    parser.add_argument("plan", nargs="?", metavar="PLAN.toml", help="the plan file")
    parser.add_argument(
        "--out", metavar="DIR", help=f"the eval's folder (default {DEFAULT_DIR}/<plan name>/)"
    )
    parser.add_argument(
        "--resume",
        metavar="DIR",
        help="go on with the eval in DIR, with its copy of the plan (no PLAN needed)",
    )
    parser.add_argument(
        "--check", action="store_true", help="check the plan and list its cells; play nothing"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(command=run_eval)


async def run_eval(args: argparse.Namespace, console: Console) -> int:
    try:
        plan, folder = _plan_and_folder(args)
        cells = prepare_cells(plan)
        if args.check:
            return _list_cells(console, plan, folder, cells)
        if plan.redis:  # a bad URL or no server: one line, before anything is written
            from games.cli.distributed.server import client, reachable  # redis, for a plan that names one

            redis = client(plan.redis)
            try:
                await reachable(redis, plan.redis)
            finally:
                await redis.aclose()
        with folder.locked():
            return await _run(args, console, plan, folder, cells)
    except PlanError as exc:
        for problem in exc.problems:
            error_line(str(problem))
        return USAGE


async def _run(
    args: argparse.Namespace, console: Console, plan: EvalPlan, folder: EvalFolder, cells: list[PreparedCell]
) -> int:
    """Play the cells not done yet, in the plan's order; the results table on the way out."""
    logs = _checked_logs(plan, folder, cells)
    again = f"python main.py eval --resume {folder.root}"
    progress = BatchProgress(
        console,
        total=sum(_planned(cell, logs[cell.id]) for cell in cells),
        done=[record for cell_logs in logs.values() for record in cell_logs.finished.values()],
    )
    failed = False
    try:
        with progress.shown(not args.quiet):
            for cell in cells:
                if logs[cell.id].done:
                    continue
                failed |= await _play(cell, plan, logs[cell.id], console, progress) != OK
    except asyncio.CancelledError:
        console.print(f"eval interrupted — go on with: {again}", highlight=False, soft_wrap=True)
        raise
    finally:
        rows = _write_results(plan, folder, cells)
    done = sum(row["status"] == DONE for row in rows)
    games = sum(row["ended"] for row in rows)
    csv_path, json_path = results_paths(folder.root)
    console.print(
        f"eval {plan.name}: {done} of {len(rows)} cell(s) done, {games} game(s) — results: {csv_path}, "
        f"{json_path}",
        highlight=False,
        soft_wrap=True,
    )
    if done < len(rows):
        console.print(f"go on with: {again}", highlight=False, soft_wrap=True)
    console.print(f"next: python main.py report {folder.root}", highlight=False, soft_wrap=True)
    return 1 if failed else OK


def _plan_and_folder(args: argparse.Namespace) -> tuple[EvalPlan, EvalFolder]:
    """The plan (PLAN, or the copy in --resume DIR) and the eval's folder."""
    if args.resume is not None:
        folder = EvalFolder(Path(args.resume))
        if args.out is not None:
            raise UsageError("--resume DIR is the eval's folder: leave out --out")
        if args.plan is None:
            if not folder.plan_copy.is_file():
                raise UsageError(f"--resume {args.resume}: no eval here (no {folder.plan_copy.name})")
            return read_plan(folder.plan_copy, base=folder.plan_base()), folder
        if not folder.root.is_dir():
            raise UsageError(f"--resume {args.resume}: no such folder")
        return read_plan(Path(args.plan)), folder
    if args.plan is None:
        raise UsageError("give the plan file (eval PLAN.toml), or --resume DIR to go on with an eval")
    plan = read_plan(Path(args.plan))
    return plan, EvalFolder(Path(args.out) if args.out else Path(DEFAULT_DIR) / plan.name)


def _checked_logs(plan: EvalPlan, folder: EvalFolder, cells: list[PreparedCell]) -> dict[str, CellLogs]:
    """Each cell's logs, once the plan is found to change no cell that was played (PlanError: each
    change, at its key); then the plan is recorded in the folder."""
    logs = {cell.id: _logs_of(folder, cell) for cell in cells}
    problems = _changes(plan, folder, cells, logs)
    if problems:
        raise PlanError(problems)
    played = {cell_id for cell_id, cell_logs in logs.items() if cell_logs.parts}
    definitions = {cell.id: cell.cell.definition(plan) for cell in cells}
    folder.save(plan.name, plan.base, plan.text, definitions, played)
    return logs


def _changes(
    plan: EvalPlan, folder: EvalFolder, cells: list[PreparedCell], logs: dict[str, CellLogs]
) -> list[Problem]:
    """What the plan changes in cells that were played: one problem per key and change, naming the cells."""
    recorded = folder.record().get("cells", {})
    found: dict[tuple[Key, str], tuple[Change, list[str]]] = {}
    for cell in cells:
        before = recorded.get(cell.id)
        if logs[cell.id].parts and isinstance(before, dict):
            change = changed(before, cell.cell.definition(plan))
            if change is not None:
                key = cell.cell.key_of(change.field)
                found.setdefault((key, change.describe(["?"])), (change, []))[1].append(cell.id)
    problems = [plan.problem(change.describe(ids), key) for (key, _), (change, ids) in found.items()]
    return sorted(problems, key=lambda problem: problem.line or 0)


def _logs_of(folder: EvalFolder, cell: PreparedCell) -> CellLogs:
    return read_cell_logs(folder.logs, cell.id, cell.cell.entry.game.name)


def _planned(cell: PreparedCell, logs: CellLogs) -> int:
    return logs.planned if logs.planned is not None else cell.planned


async def _play(
    cell: PreparedCell,
    plan: EvalPlan,
    logs: CellLogs,
    console: Console,
    progress: BatchProgress,
) -> int:
    """Run the cell as its game command would: a new log, resuming the last one if there is one."""
    game = cell.cell.entry.game
    flags = [*cell.game_arguments, *run_arguments(plan, logs.next_path(), logs.resume_from)]
    return await command.run(game, parse(game, flags), console, progress=progress)


def _write_results(plan: EvalPlan, folder: EvalFolder, cells: list[PreparedCell]) -> list[dict[str, Any]]:
    rows = [cell_row(cell, _logs_of(folder, cell), folder.root) for cell in cells]
    write_results(folder.root, plan.name, rows)
    return rows


def _list_cells(console: Console, plan: EvalPlan, folder: EvalFolder, cells: list[PreparedCell]) -> int:
    """--check: each cell, its games and how far its logs got, once the plan is found fine."""
    logs = {cell.id: _logs_of(folder, cell) for cell in cells}
    problems = _changes(plan, folder, cells, logs)
    if problems:
        raise PlanError(problems)
    total = 0
    for cell in cells:
        planned = _planned(cell, logs[cell.id])
        total += planned
        mine = logs[cell.id]
        state = "done" if mine.done else f"{len(mine.finished)} ended" if mine.started else "not started"
        console.out(f"{cell.id}: {planned} game(s), {state}")
    console.out(f"ok: {plan.file}: {len(cells)} cell(s), {total} game(s) — folder {folder.root}")
    return OK
