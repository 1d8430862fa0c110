"""How the benchmarks measure: interleaved repetitions reported as a median with its spread, and
instruction counts (valgrind's callgrind), which stay the same whatever else the machine is doing.

A ratio claimed in docs/benchmarks.md is given both ways: the ratio of median times, and the ratio of
instructions per unit of work. Instructions per unit come from two runs of different sizes, so that
what a process does once (starting Python, importing) cancels out.
"""

from __future__ import annotations

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


def instructions(argv: Sequence[str], cwd: Path) -> int:
    """The instructions a command executes, counted by callgrind (its own output file discarded)."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
        cwd=cwd,
        env={**os.environ, "PYTHONHASHSEED": "0"},  # the same hashing in every run: the same count
        capture_output=True,
        text=True,
        check=True,
    )
    found = COLLECTED.search(done.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no count for {argv}: {done.stderr[-300:]}")
    return int(found.group(1))


def instructions_per_unit(small: Sequence[str], large: Sequence[str], units: int, cwd: Path) -> float:
    """Instructions per unit of work: (large run - small run) / the units the large run does more."""
    return (instructions(large, cwd) - instructions(small, cwd)) / units


def python(*args: str) -> list[str]:
    return [sys.executable, *args]
