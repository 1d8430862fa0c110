"""How the benchmarks measure: interleaved repetitions reported as a median with its spread, and
instruction counts (valgrind's callgrind), which stay the same whatever else the machine is doing.

A ratio claimed in docs/benchmarks.md is given both ways: the ratio of median times, and the ratio of
instructions per unit of work. Instructions per unit come from two runs of different sizes, so that
what a process does once (starting Python, importing) cancels out.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

COLLECTED = re.compile(r"Collected : (\d+)")


@dataclass(frozen=True)
class Spread:
    """A median of repeated measurements, with the lowest and highest."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(statistics.median(values), min(values), max(values))

    def shown(self, unit: str = "s", digits: int = 3) -> str:
        return f"{self.median:.{digits}f} {unit} ({self.low:.{digits}f}–{self.high:.{digits}f})"


def interleaved(variants: Mapping[str, Callable[[], object]], rounds: int) -> dict[str, Spread]:
    """Each variant timed once per round, the rounds one after another: a slow spell of the machine
    falls on every variant alike instead of on one."""
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, work in variants.items():
            started = time.perf_counter()
            work()
            times[name].append(time.perf_counter() - started)
    return {name: Spread.of(values) for name, values in times.items()}


def have_valgrind() -> bool:
    return shutil.which("valgrind") is not None


def instructions(argv: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None) -> int:
    """The instructions a command executes, counted by callgrind (its own output file discarded)."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        cwd=cwd,
        env={**(os.environ if env is None else env), "PYTHONHASHSEED": "0"},  # the same count every run
        capture_output=True,
        text=True,
        check=True,
    )
    found = COLLECTED.search(done.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no count for {argv}: {done.stderr[-300:]}")
    return int(found.group(1))


def instructions_after_ready(argv: Sequence[str], cwd: Path) -> int:
    """The instructions a command executes after it prints a line `ready`, counted by callgrind: the
    command starts uninstrumented (its imports run at a few times native speed, not fifty), callgrind
    is switched on when the line comes, and the command, which waits for a line on its standard input
    after `ready`, is then told to go on."""
    process = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", "--instr-atstart=no", *argv],
        cwd=cwd,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    for line in process.stdout:
        if line.strip() == "ready":
            break
    else:
        process.wait()
        raise RuntimeError(f"{argv} ended before it was ready")
    subprocess.run(["callgrind_control", "-i", "on", str(process.pid)], capture_output=True, check=True)
    _, errors = process.communicate("go\n")
    found = COLLECTED.search(errors)
    if process.returncode != 0 or found is None:
        raise RuntimeError(f"callgrind printed no count for {argv}: {errors[-300:]}")
    return int(found.group(1))


def instructions_per_unit(small: Sequence[str], large: Sequence[str], units: int, cwd: Path) -> float:
    """Instructions per unit of work: (large run - small run) / the units the large run does more."""
    return (instructions(large, cwd) - instructions(small, cwd)) / units


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


# -- a benchmark's command line: rounds, --instructions, and one variant run alone for callgrind --------


def add_options(parser: argparse.ArgumentParser, rounds: int = 5) -> None:
    """The options every comparing benchmark takes: `--rounds` (interleaved repetitions, `--repeat` is the
    same), `--instructions` (also count instructions per unit with callgrind), and the hidden `--one
    VARIANT`, which runs one variant once and is how the script re-invokes itself under callgrind."""
    parser.add_argument(
        "--rounds", "--repeat", type=int, default=rounds, help=f"interleaved rounds (default {rounds})"
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count instructions per unit of each variant (valgrind's callgrind; small sizes)",
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)


def report_times(spreads: Mapping[str, Spread], baseline: str, units: int, unit: str) -> None:
    """One line per variant: median time (lowest–highest), rate, and ratio of medians to the baseline."""
    base = spreads[baseline].median
    width = max(len(name) for name in spreads)
    print(f"medians of interleaved rounds (lowest–highest), {units:,} {unit} per run")
    for name, spread in spreads.items():
        rate = units / spread.median
        low, high = spread.low / base, spread.high / base
        print(
            f"  {name:<{width}} {spread.shown()}  {rate:12,.0f} {unit}/s  "
            f"{spread.median / base:5.2f}x (runs {low:.2f}x–{high:.2f}x)"
        )


def count_variants(
    script: str | Path,
    variants: Sequence[str],
    small: Sequence[str],
    large: Sequence[str],
    units: int,
    cwd: Path,
) -> dict[str, float]:
    """Instructions per unit of each variant: `script --one VARIANT` re-run under callgrind with the
    arguments `small` and `large`, which differ by `units` units of work."""
    me = str(Path(script).resolve())
    return {
        name: instructions_per_unit(
            python(me, "--one", name, *small), python(me, "--one", name, *large), units, cwd
        )
        for name in variants
    }


def report_instructions(per_unit: Mapping[str, float], baseline: str, unit: str) -> None:
    width = max(len(name) for name in per_unit)
    base = per_unit[baseline]
    print(f"instructions per {unit} (callgrind, fixed hash seed; large run minus small run)")
    for name, count in per_unit.items():
        print(f"  {name:<{width}} {count:12,.0f}  {count / base:5.2f}x")
