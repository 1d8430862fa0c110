"""Report speed and memory: `report` over 100 run logs holding 1,000,000 events in all, against parsing
every line of the same files with json.loads.

    python bench/bench_report.py [--events N] [--logs L] [--games G] [--repeat R] [--instructions] [--memory]

The logs are made from the golden test log (a Taboo game against the loopback server: model calls with
tokens and latency, a malformed reply, a rule violation): each log has G games, each game the golden
game's events repeated to reach N / L events per log, with game ids and `seq` renumbered. The report runs
in this process (the whole command: reading, leaderboard, comparisons, its tables written to a null
console); the baseline is `json.loads` of every line of the same files, in the same process: the median
of R interleaved rounds with the lowest and highest. With --instructions, also the instructions per
event of each (valgrind's callgrind), which do not depend on the machine's load. With --memory, the peak
RSS of `report` in a fresh process at a quarter of N and at N events, the games the same (memory flat
in the number of events), and at four times the games (what each row costs). Figures are recorded in
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402

from bench.measure import instructions_per_unit, interleaved, python  # noqa: E402
from main import build_parser  # noqa: E402

TEMPLATE = ROOT / "tests" / "games" / "taboo" / "golden" / "violation.jsonl"


def make_logs(folder: Path, *, logs: int, games: int, events: int) -> Path:
    """`logs` run logs in `folder`, `events` events in all, `games` games in each."""
    records = [orjson.loads(line) for line in TEMPLATE.read_bytes().splitlines()]
    started, ended_run = records[0], records[-1]
    game_start, middle, game_end = records[1], records[2:-2], records[-2]
    per_log = events // logs
    per_game, extra = divmod(per_log - 2, games)  # the first `extra` games have one event more
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(logs):
        ids = [f"g{game + 1}" for game in range(games)]
        plan = [_planned(game_id, index) for index, game_id in enumerate(ids)]
        lines = [{**started, "run_id": f"run-{number}", "plan": plan}]
        for index, game_id in enumerate(ids):
            body = [middle[i % len(middle)] for i in range(max(1, per_game + (index < extra) - 2))]
            for record in [game_start, *body, game_end]:
                lines.append({**record, "game_id": game_id, "run_id": f"run-{number}"})
        lines.append({**ended_run, "run_id": f"run-{number}"})
        with (folder / f"run-{number:03d}.jsonl").open("wb") as handle:
            for seq, record in enumerate(lines):
                handle.write(orjson.dumps({**record, "seq": seq}) + b"\n")
    return folder


def _planned(game_id: str, index: int) -> dict[str, object]:
    cast = {"hinter": "test-model/default", "guesser": "test-model/default"}
    return {
        "game_id": game_id,
        "index": index,
        "seed": index,
        "subject": "snow",
        "swapped": False,
        "cast": cast,
    }


def parse_with_json(folder: Path) -> None:
    """The baseline: every line of every log parsed by the json module, nothing else."""
    for path in sorted(folder.glob("*.jsonl")):
        with path.open("rb") as handle:
            for line in handle:
                json.loads(line)


def report(folder: Path) -> None:
    """`python main.py report FOLDER` in this process, its tables written to a null console."""
    console = Console(file=io.StringIO(), width=120)
    args = build_parser().parse_args(["report", str(folder)])
    assert asyncio.run(args.command(args, console)) == 0


BASELINE = "json.loads of every line (baseline)"
REPORT = "report FOLDER"
VARIANTS = {BASELINE: parse_with_json, REPORT: report}

PEAK_PROBE = """
import sys
sys.path.insert(0, sys.argv[1])
import main
code = main.main(sys.argv[2:]) if sys.argv[2:] else 0  # no arguments: the imports alone
peak = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(peak, file=sys.stderr)
sys.exit(code)
"""


def peak_memory(*argv: str) -> tuple[float, float]:
    """Seconds and peak RSS (MiB, Linux's VmHWM) of `python main.py ARGV > /dev/null` in a fresh process."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK_PROBE, str(ROOT), *argv],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    return time.perf_counter() - started, int(done.stderr.split()[-1]) / 1024


def counted(tmp: Path, logs: int, games: int) -> None:
    """Instructions per event of each (callgrind): a 4x larger set of logs minus a smaller one."""
    small = make_logs(tmp / "small", logs=logs, games=games, events=20_000)
    large = make_logs(tmp / "large", logs=logs, games=games, events=80_000)
    me = str(Path(__file__).resolve())
    per_event = {}
    for name in VARIANTS:
        argv = python(me, "--one", name, "--dir")
        per_event[name] = instructions_per_unit([*argv, str(small)], [*argv, str(large)], 60_000, ROOT)
    print("instructions per event (callgrind; 80,000 minus 20,000 events)")
    for name, count in per_event.items():
        print(f"{name:<40} {count:10,.0f}   {count / per_event[BASELINE]:4.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--logs", type=int, default=100)
    parser.add_argument("--games", type=int, default=20, help="games per log (default 20)")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--instructions", action="store_true", help="also count instructions (valgrind)")
    parser.add_argument("--memory", action="store_true", help="also peak memory in fresh processes")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # one variant once, for callgrind
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        VARIANTS[args.one](Path(args.dir))
        return
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        folder = make_logs(tmp / "logs", logs=args.logs, games=args.games, events=args.events)
        size = sum(path.stat().st_size for path in folder.glob("*.jsonl")) / 2**20
        total = sum(1 for path in folder.glob("*.jsonl") for _ in path.open("rb"))
        print(f"{args.logs} logs, {args.logs * args.games:,} games, {total:,} events, {size:.1f} MiB")
        spreads = interleaved(
            {name: lambda work=work: work(folder) for name, work in VARIANTS.items()}, args.repeat
        )
        base = spreads[BASELINE].median
        print(f"median of {args.repeat} interleaved rounds (lowest–highest)")
        for name, spread in spreads.items():
            ratio, rate = spread.median / base, total / spread.median
            print(f"{name:<40} {spread.shown()}   {ratio:4.2f}x   {rate:,.0f} events/s")
        if args.instructions:
            counted(tmp, args.logs, args.games)
        if args.memory:
            _, bare = peak_memory()
            print(f"the interpreter with the project's imports: peak RSS {bare:.1f} MiB")
            for events, games in (
                (args.events // 4, args.games),
                (args.events, args.games),
                (args.events, 4 * args.games),
            ):
                other = make_logs(tmp / f"m{events}-{games}", logs=args.logs, games=games, events=events)
                took, peak = peak_memory("report", str(other))
                shown = f"report of {events:>9,} events, {args.logs * games:>5,} games"
                print(f"{shown}: {took:6.2f} s, peak RSS {peak:6.1f} MiB")
                for path in other.glob("*.jsonl"):
                    path.unlink()


if __name__ == "__main__":
    main()
