"""`python main.py report LOGS_OR_DIRS...`: a leaderboard, breakdowns, paired comparisons and ratings over
any set of run logs (docs/report.md); `--csv`, `--json` and `--html` write them to files."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from rich.console import Console

from games.cli.terminal import error_line
from games.kit.exits import OK, UsageError
from games.kit.output_files import check_writable
from games.logtools import replay
from games.logtools.report.build import build_report
from games.logtools.report.files import csv_text, json_text, write_whole
from games.logtools.report.prices import load_prices
from games.logtools.report.terminal import print_report
from runtime.logread import LogFileError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="leaderboard, breakdowns and paired comparisons over run logs; --csv, --json, --html",
        description=(
            "Read run logs (files, or folders searched for *.jsonl: an eval's folder names its casts) and "
            "show a leaderboard per game and rule set, breakdowns per card, band, category and seat, paired "
            "comparisons of casts that played the same cards, and ratings where players play against each "
            "other. See docs/report.md."
        ),
    )
    parser.add_argument("paths", nargs="+", metavar="LOG_OR_DIR", help="run logs, or folders holding them")
    parser.add_argument("--csv", metavar="FILE", help="write one row per game to FILE (CSV)")
    parser.add_argument("--json", metavar="FILE", help="write the whole report to FILE (JSON)")
    parser.add_argument("--html", metavar="PAGE", help="write a self-contained page with plots to PAGE")
    parser.add_argument(
        "--prices",
        metavar="FILE",
        help="a TOML file of prices per million input/output tokens per model, for the cost columns",
    )
    parser.add_argument(
        "--pair-by-seed",
        action="store_true",
        help="pair games for comparisons by card and game seed (default: by card)",
    )
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="leave out logs that cannot be read (with a warning) and skip corrupt lines; default: stop",
    )
    parser.set_defaults(command=run)


async def run(args: argparse.Namespace, console: Console) -> int:
    for flag, path in (("--csv", args.csv), ("--json", args.json), ("--html", args.html)):
        if path is not None:
            check_writable(flag, path)
    prices = load_prices(args.prices) if args.prices else None
    try:
        report = build_report(args.paths, prices, strict_pairs=args.pair_by_seed, lenient=args.lenient)
    except LogFileError as exc:
        raise UsageError(str(exc)) from None
    for warning in report.warnings:
        error_line(f"warning: {warning}")
    print_report(report, console)
    if args.csv:
        write_whole(args.csv, csv_text(report))
        console.print(f"rows: {args.csv}")
    if args.json:
        write_whole(args.json, json_text(report))
        console.print(f"report: {args.json}")
    if args.html:
        from games.logtools.report.page import write_page  # matplotlib is imported only for a page

        replays = await replay_pages(report.logs, Path(args.html), lenient=args.lenient)
        write_page(report, args.html, replays)
        console.print(f"page: {args.html} (replay pages of its games in {replay_folder(Path(args.html))})")
    return OK


def replay_folder(page: Path) -> Path:
    return page.with_name(f"{page.stem}-replays")


async def replay_pages(logs: list[str], page: Path, *, lenient: bool) -> dict[str, str]:
    """Each log's replay page (`replay LOG --html`), in a folder beside the report's page; the link to
    each, relative to the page."""
    folder = replay_folder(page)
    folder.mkdir(exist_ok=True)
    parser = argparse.ArgumentParser(add_help=False)
    replay.add_parser(parser.add_subparsers())
    quiet = Console(file=io.StringIO())
    links = {}
    for number, log in enumerate(logs, start=1):
        name = f"{number:03d}-{Path(log).stem}.html"
        flags = ["replay", log, "--html", str(folder / name), *(["--lenient"] if lenient else [])]
        args = parser.parse_args(flags)
        await args.command(args, quiet)
        links[log] = f"{folder.name}/{name}"
    return links
