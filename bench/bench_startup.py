"""What an offline game costs before it plays: `python -X importtime main.py taboo --quiet`.

The figure is the import time of the whole run: the sum of the top-level cumulative times `-X importtime`
prints (every module imported, at start and during the game). The anchor, in the same rounds, is
`python -X importtime -c "import asyncio"`: an asyncio program's floor, which moves with the machine as
the game does. With `--baseline DIR` (another checkout of the project, e.g. a `git worktree` of an
older commit) the same command runs there too, interleaved. `--instructions` counts each command's
instructions with callgrind (one run each, fixed hash seed; start-up included, since start-up is the
subject), which do not depend on what else the machine is doing: the whole process, and the imports
alone (a program that imports main.py, then, in order, the modules the run imported at the top level,
less `python -c pass`: what the import time measures, without the game's own work).

    python bench/bench_startup.py --rounds 15 [--baseline ../old-checkout] [--instructions]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import Spread, have_valgrind, instructions  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(r"^import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)")


def import_time_ms(stderr: str) -> tuple[float, int]:
    """The sum of the top-level cumulative import times, in ms, and how many modules were imported."""
    total_us, modules = 0, 0
    for line in stderr.splitlines():
        found = LINE.match(line)
        if found is None:
            continue
        modules += 1
        if len(found.group(2)) == 1:  # one space after the bar: imported at the top level
            total_us += int(found.group(1))
    return total_us / 1000, modules


def game_command(log_dir: str) -> list[str]:
    return [
        sys.executable,
        "-X",
        "importtime",
        "main.py",
        "taboo",
        "--quiet",
        "--seed",
        "7",
        "--log-dir",
        log_dir,
    ]


ANCHOR = [sys.executable, "-X", "importtime", "-c", "import asyncio"]


# As a user's Python runs: bytecode cached in __pycache__ (an environment that turns the cache off would
# measure compiling every module from source instead). Each variant runs once unmeasured to write it.
CACHED = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def run_once(argv: Sequence[str], cwd: Path) -> tuple[float, int]:
    return import_time_ms(_importtime(argv, cwd))


def _importtime(argv: Sequence[str], cwd: Path) -> str:
    return subprocess.run(argv, cwd=cwd, env=CACHED, capture_output=True, text=True, check=True).stderr


def imports_alone(stderr: str, *, via_main: bool) -> str:
    """A program that imports, in order, the modules a run imported at the top level (as `-X importtime`
    lists them), and does nothing else. `via_main`: it imports main.py first, whose top level imports
    modules its own way (structlog with rich hidden) before the rest, as the run did."""
    names = ["main"] if via_main else []
    for line in stderr.splitlines():
        found = LINE.match(line)
        if found is not None and len(found.group(2)) == 1:
            names.append(found.group(3))
    return "".join(f"import {name}\n" for name in names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds (default 15)")
    parser.add_argument("--baseline", type=Path, help="another checkout whose main.py runs as the baseline")
    parser.add_argument("--instructions", action="store_true", help="also count instructions (callgrind)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as logs:
        variants: dict[str, tuple[list[str], Path]] = {"import asyncio (anchor)": (ANCHOR, ROOT)}
        if args.baseline is not None:
            variants["baseline: taboo --quiet"] = (game_command(logs), args.baseline.resolve())
        variants["taboo --quiet"] = (game_command(logs), ROOT)
        times: dict[str, list[float]] = {name: [] for name in variants}
        modules: dict[str, int] = {}
        for argv, cwd in variants.values():
            run_once(argv, cwd)  # writes the bytecode cache
        for _ in range(args.rounds):
            for name, (argv, cwd) in variants.items():
                ms, modules[name] = run_once(argv, cwd)
                times[name].append(ms)
        anchor = Spread.of(times["import asyncio (anchor)"]).median
        print(f"import time of the whole run, medians of {args.rounds} interleaved rounds (lowest–highest)")
        for name, values in times.items():
            spread = Spread.of(values)
            print(
                f"  {name:<26} {spread.shown('ms', 0)}  {modules[name]:4d} modules  "
                f"{spread.median / anchor:5.2f}x the anchor"
            )
        if args.instructions:
            if not have_valgrind():
                sys.exit("--instructions needs valgrind")
            print("instructions of the whole process (callgrind, fixed hash seed)")
            for name, (argv, cwd) in variants.items():
                plain = [part for part in argv if part not in ("-X", "importtime")]
                print(f"  {name:<26} {instructions(plain, cwd, env=CACHED):15,d}")
            print("instructions of the imports alone, beyond `python -c pass` (callgrind, fixed hash seed)")
            empty = instructions([sys.executable, "-c", "pass"], ROOT, env=CACHED)
            for name, (argv, cwd) in variants.items():
                program = imports_alone(_importtime(argv, cwd), via_main=argv is not ANCHOR)
                alone = instructions([sys.executable, "-c", program], cwd, env=CACHED) - empty
                print(f"  {name:<26} {alone:15,d}")


if __name__ == "__main__":
    main()
