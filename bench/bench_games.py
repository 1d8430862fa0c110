"""Offline Taboo games per second of CPU: `main.py taboo --offline --games N` as a user runs it.

    python bench/bench_games.py [--games 200] [--rounds 5] [--tree DIR ...] [--instructions]

Each round runs, for every tree (this checkout by default; another checkout of the project, say an older
commit, with --tree), the command with N games and with 10 games, in fresh processes, and takes the CPU
time (user + system) of each; the difference divided by N - 10 is the CPU per game without starting
Python and importing. Rounds interleave the trees, so a busy spell of the machine falls on all of them.
A tree with its own `.venv` runs with that environment's Python (the dependencies it had).
With --instructions, also the instructions per game (callgrind, 10 against 40 games).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.measure import Spread, instructions_per_unit  # noqa: E402

SMALL = 10
SEED = "1"


def python_of(tree: Path) -> str:
    """The tree's own virtual environment's Python when it has one (its dependencies as they were),
    else this one."""
    own = tree / ".venv" / "bin" / "python"
    return str(own) if tree != ROOT and own.exists() else sys.executable


def command(tree: Path, games: int, log: Path) -> list[str]:
    return [
        python_of(tree), str(tree / "main.py"), "taboo", "--offline", "--games", str(games),
        "--seed", SEED, "--quiet", "--log", str(log),
    ]  # fmt: skip


def cpu_of(argv: list[str], cwd: Path) -> float:
    """CPU seconds (user + system) the command takes in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=300)
    parser.add_argument("--rounds", "--repeat", type=int, default=5)
    parser.add_argument("--tree", action="append", type=Path, help="another checkout to compare (repeatable)")
    parser.add_argument("--instructions", action="store_true", help="also count instructions per game")
    args = parser.parse_args()
    trees = [ROOT, *(tree.resolve() for tree in args.tree or [])]
    per_game: dict[Path, list[float]] = {tree: [] for tree in trees}
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "games.jsonl"
        for _ in range(args.rounds):
            for tree in trees:
                large = cpu_of(command(tree, args.games, log), tree)
                small = cpu_of(command(tree, SMALL, log), tree)
                per_game[tree].append((large - small) / (args.games - SMALL))
        print(
            f"CPU per offline game ({args.games} minus {SMALL} games, seed {SEED}), median of {args.rounds}"
        )
        print("interleaved rounds (lowest–highest); games/s/core; CPU of this checkout / CPU of the tree")
        first = Spread.of(per_game[ROOT]).median
        for tree, values in per_game.items():
            spread = Spread.of([v * 1000 for v in values])
            rate = 1000 / spread.median
            relative = first * 1000 / spread.median
            print(f"  {str(tree):<28} {spread.shown('ms', 2)}  {rate:6.0f} games/s/core  {relative:.2f}x")
        if args.instructions:
            print(f"instructions per game (callgrind; 40 minus {SMALL} games)")
            for tree in trees:
                count = instructions_per_unit(
                    command(tree, SMALL, log), command(tree, 40, log), 40 - SMALL, tree
                )
                print(f"  {str(tree):<28} {count:14,.0f}")


if __name__ == "__main__":
    main()
