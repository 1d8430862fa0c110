"""Replay speed: drawing a 100k-event log to a pipe as plain text, against parsing every line with json.

    python bench/bench_replay.py [--events N] [--repeat R] [--million]

The log is the golden test log (a game against the loopback server with a malformed reply, a wrong
guess, a rule violation and a model call per reply), its game events repeated to N events. Each
variant runs `replay` in this process, writing into a pipe that a thread drains; the baseline is
`json.loads` of every line of the same file, in the same process: the median of R interleaved rounds
with the lowest and highest. With --instructions, also the instructions per event of each (valgrind's
callgrind), which do not depend on the machine's load. With --million, also
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402

from bench.measure import instructions_per_unit, interleaved, python  # noqa: E402
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


VARIANTS = {
    "replay (the list of games)": (),
    "replay --game g1 (the transcript, plain text)": ("--game", "g1"),
    "replay --events": ("--events",),
    "replay --json": ("--json",),
    "replay --html": ("--html", "{tmp}/page.html"),
}
BASELINE = "json.loads of every line (baseline)"


def run_once(variant: str, log: Path, tmp: str) -> None:
    """One variant on `log`, once: what callgrind counts (`--one`)."""
    if variant == BASELINE:
        parse_with_json(log)
    else:
        replay_into_pipe(log, *(option.format(tmp=tmp) for option in VARIANTS[variant]))


def timings(log: Path, tmp: str, rounds: int, events: int) -> None:
    work = {BASELINE: lambda: parse_with_json(log)}
    for name in VARIANTS:
        work[name] = lambda name=name: run_once(name, log, tmp)
    spreads = interleaved(work, rounds)
    base = spreads[BASELINE].median
    print(f"median of {rounds} interleaved rounds (lowest–highest)")
    for name, spread in spreads.items():
        rate = events / spread.median
        print(f"{name:<46} {spread.shown()}   {spread.median / base:4.2f}x   {rate:,.0f} events/s")


def counted(tmp: str) -> None:
    """Instructions per event of each variant (callgrind), and their ratio to the baseline's."""
    small, large = make_log(Path(tmp) / "small.jsonl", 2_000), make_log(Path(tmp) / "large.jsonl", 8_000)
    me = str(Path(__file__).resolve())
    per_event = {}
    for name in (BASELINE, *VARIANTS):
        argv = [*python(me, "--one", name, "--tmp", tmp, "--log")]
        per_event[name] = instructions_per_unit([*argv, str(small)], [*argv, str(large)], 6_000, ROOT)
    print("instructions per event (callgrind; 8,000- minus 2,000-event log)")
    for name, count in per_event.items():
        print(f"{name:<46} {count:10,.0f}   {count / per_event[BASELINE]:4.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument(
        "--million", action="store_true", help="also compare peak memory at 100k and 1M events"
    )
    parser.add_argument("--instructions", action="store_true", help="also count instructions (valgrind)")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # one variant once, for callgrind
    parser.add_argument("--log", help=argparse.SUPPRESS)
    parser.add_argument("--tmp", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_once(args.one, Path(args.log), args.tmp)
        return
    with tempfile.TemporaryDirectory() as tmp:
        log = make_log(Path(tmp) / "big.jsonl", args.events)
        size = log.stat().st_size / 2**20
        print(f"log: {args.events:,} events, {size:.1f} MiB")
        timings(log, tmp, args.repeat, args.events)
        if args.instructions:
            counted(tmp)
        if args.million:
            for events in (100_000, 1_000_000):
                big = make_log(Path(tmp) / f"m{events}.jsonl", events)
                took, peak = peak_memory(big)
                print(f"subprocess replay of {events:>9,} events: {took:6.2f} s, peak RSS {peak:6.1f} MiB")
                big.unlink()


if __name__ == "__main__":
    main()
