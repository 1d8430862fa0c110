"""`python main.py import FORMAT DIR`: another program's records as run logs of this project, by the
importers the games offer (a game lists them on its definition: games.kit.importing)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from games.cli.registry import games_by_name
from games.cli.session import DEFAULT_LOG_DIR, versions
from games.kit.exits import OK
from games.kit.importing import Importer


def importers() -> dict[str, Importer]:
    """Every game's importers, by format name."""
    found: dict[str, Importer] = {}
    for game in games_by_name().values():
        for importer in getattr(game, "importers", ()):
            found[importer.name] = importer
    return found


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    offered = importers()
    listed = "; ".join(f"{name}: {importer.help}" for name, importer in sorted(offered.items()))
    parser = subparsers.add_parser(
        "import",
        help="turn another program's records into run logs (replay, HTML, rerun)",
        description=f"Turn another program's records into run logs of this project. Formats: {listed}.",
    )
    parser.add_argument("format", choices=sorted(offered), help="the records' format")
    parser.add_argument("source", metavar="DIR", help="the folder of records (searched below, too)")
    where = f"where the logs go (default {DEFAULT_LOG_DIR}/)"
    parser.add_argument("--out", metavar="DIR", default=DEFAULT_LOG_DIR, help=where)
    parser.add_argument("--quiet", action="store_true", help="print only the last line")
    parser.set_defaults(command=run)


async def run(args: argparse.Namespace, console: Console) -> int:
    report = importers()[args.format].run(Path(args.source), Path(args.out), versions())
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not args.quiet:
        for line in report.lines:
            console.print(line, highlight=False, markup=False, soft_wrap=True)
    console.print(
        f"imported {len(report.logs)} log(s) into {args.out}", highlight=False, markup=False, soft_wrap=True
    )
    return OK
