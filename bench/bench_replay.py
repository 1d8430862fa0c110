"""Replay speed: drawing a 100k-event log to a pipe as plain text, against parsing every line with json.

    python bench/bench_replay.py [--events N] [--repeat R] [--million]

The log is the golden test log (a game against the loopback server with a malformed reply, a wrong
guess, a rule violation and a model call per reply), its game events repeated to N events. Each
variant runs `replay` in this process, writing into a pipe that a thread drains; the baseline is
`json.loads` of every line of the same file, in the same process. Best of R. With --million, also
replays 100k and 1M events in subprocesses and reports their peak memory (constant memory: the log
is streamed). Figures are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402

from main import build_parser  # noqa: E402

SEQ = re.compile(r'"seq":\d+')
TEMPLATE = ROOT / "tests" / "games" / "taboo" / "golden" / "violation.jsonl"


def make_log(path: Path, events: int) -> Path:
    """A run log of about `events` events: the template's game events repeated between its first and
    last two lines (run_started; game_ended, run_ended)."""
    lines = TEMPLATE.read_text(encoding="utf-8").splitlines(keepends=True)
    head, middle, tail = lines[:1], lines[1:-2], lines[-2:]
    body = []
    while len(head) + len(body) + len(tail) < events:
        body += middle[: events - len(head) - len(body) - len(tail)]
    numbered = (SEQ.sub(f'"seq":{seq}', line, count=1) for seq, line in enumerate([*head, *body, *tail]))
    with path.open("w", encoding="utf-8") as handle:  # seq renumbered: the reader checks 0, 1, 2...
        handle.writelines(numbered)
    return path


def parse_with_json(path: Path) -> None:
    """The baseline: every line parsed by the json module, nothing else."""
    with path.open("rb") as handle:
        for line in handle:
            json.loads(line)


def replay_into_pipe(path: Path, *options: str) -> None:
    """`replay LOG [options]` in this process, its output written into a pipe that a thread drains."""
    read_end, write_end = os.pipe()

    def drain() -> None:
        with os.fdopen(read_end, "rb") as reader:
            while reader.read(1 << 16):
                pass

    drainer = threading.Thread(target=drain)
    drainer.start()
    with os.fdopen(write_end, "w", encoding="utf-8", buffering=1 << 16) as pipe:
        console = Console(file=pipe, highlight=False)
        args = build_parser().parse_args(["replay", str(path), *options])
        code = asyncio.run(args.command(args, console))
    drainer.join()
    assert code == 0, code


def best_of(repeat: int, work: Callable[[], None]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


PEAK_PROBE = """
import sys
sys.path.insert(0, sys.argv[1])
import main
code = main.main(["replay", sys.argv[2]])
peak = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(peak, file=sys.stderr)
sys.exit(code)
"""


def peak_memory(path: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MiB, Linux's VmHWM) of `replay LOG > /dev/null` in a fresh process."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK_PROBE, str(ROOT), str(path)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    elapsed = time.perf_counter() - started
    return elapsed, int(done.stderr.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--million", action="store_true", help="also compare peak memory at 100k and 1M events"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        log = make_log(Path(tmp) / "big.jsonl", args.events)
        size = log.stat().st_size / 2**20
        print(f"log: {args.events:,} events, {size:.1f} MiB; best of {args.repeat}")
        baseline = best_of(args.repeat, lambda: parse_with_json(log))
        print(f"{'json.loads of every line (baseline)':<44} {baseline:7.3f} s   1.00x")
        variants = [
            ("replay (the list of games)", ()),
            ("replay --game g1 (the transcript, plain text)", ("--game", "g1")),
            ("replay --events", ("--events",)),
            ("replay --json", ("--json",)),
            ("replay --html", ("--html", str(Path(tmp) / "page.html"))),
        ]
        for name, options in variants:
            took = best_of(args.repeat, lambda options=options: replay_into_pipe(log, *options))
            rate = args.events / took
            print(f"{name:<44} {took:7.3f} s   {took / baseline:4.2f}x   {rate:,.0f} events/s")
        if args.million:
            for events in (100_000, 1_000_000):
                big = make_log(Path(tmp) / f"m{events}.jsonl", events)
                took, peak = peak_memory(big)
                print(f"subprocess replay of {events:>9,} events: {took:6.2f} s, peak RSS {peak:6.1f} MiB")
                big.unlink()


if __name__ == "__main__":
    main()
