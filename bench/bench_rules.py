"""Clue checker speed on real model clues, against tokenising the same text.

    python bench/bench_rules.py [--repeat R] [--long N]

The clues are the labelled clembench clues (bench/data/taboo_clembench_clues.jsonl): each model
reply without its CLUE: tag, judged against its own card (the target and clembench's related words).
Every repetition starts from cards never analysed (games.taboo.entries.analysis_of's cache is cleared),
so each word is judged afresh per card; the process-wide morphology caches stay warm, as they do in
a referee that has judged a few clues (the first pass, in a fresh process, is reported apart). For
every clue the baseline (games.kit.normalize.tokenize) and the check are timed one right after the
other, so both see the same machine state; the figures are medians per repetition, and their spread
(lowest and highest) over R repetitions. --long N also judges N distinct replies of 2,000
characters glued from the clues. Figures are in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from games.kit.normalize import tokenize  # noqa: E402
from games.taboo.deck import Card  # noqa: E402
from games.taboo.entries import analysis_of  # noqa: E402
from games.taboo.rules import check_clue  # noqa: E402

DATA = ROOT / "bench" / "data" / "taboo_clembench_clues.jsonl"
LONG_REPLY = 2000  # characters


def load_clues() -> list[tuple[str, Card]]:
    """(clue text, card) for every labelled clue: the reply without its CLUE: tag."""
    out = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        out.append((record["reply"].split(":", 1)[1], Card(record["target"], tuple(record["related"]))))
    return out


def long_replies(clues: list[tuple[str, Card]], count: int) -> list[tuple[str, Card]]:
    """count distinct replies of LONG_REPLY characters, each the clues from a different starting point
    glued together, judged against the card of its first clue."""
    out = []
    for start in range(count):
        text = ""
        index = start
        while len(text) < LONG_REPLY:
            text += clues[index % len(clues)][0] + "\n"
            index += 7
        out.append((text[:LONG_REPLY], clues[start % len(clues)][1]))
    return out


def timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def run(items: list[tuple[str, Card]], repeat: int) -> tuple[list[float], list[float]]:
    """Per repetition, the median time to tokenise and to check one item (seconds)."""
    tokenise_medians, check_medians = [], []
    for _ in range(repeat):
        analysis_of.cache_clear()
        tokenise_times, check_times = [], []
        for text, card in items:
            tokenise_times.append(timed(lambda text=text: tokenize(text)))
            check_times.append(timed(lambda text=text, card=card: check_clue(text, card)))
        tokenise_medians.append(statistics.median(tokenise_times))
        check_medians.append(statistics.median(check_times))
    return tokenise_medians, check_medians


def spread(values: list[float], scale: float, digits: int = 3) -> str:
    """The median of values and their range, scaled, as "median (lowest–highest)"."""
    low, mid, high = (x * scale for x in (min(values), statistics.median(values), max(values)))
    return f"{mid:,.{digits}f} ({low:,.{digits}f}–{high:,.{digits}f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9, help="repetitions (default 9)")
    parser.add_argument("--long", type=int, default=50, help="distinct 2,000-character replies (default 50)")
    args = parser.parse_args()
    clues = load_clues()
    lengths = sorted(len(text) for text, _ in clues)
    median = statistics.median(lengths)
    print(f"{len(clues)} real clues, median {median:.0f} characters, longest {lengths[-1]}")
    started = time.perf_counter()
    _, first = run(clues, 1)  # a fresh process: word lists, dictionary and every cache loaded on the way
    elapsed = time.perf_counter() - started
    print(f"first pass in a fresh process: median {first[0] * 1e3:.3f} ms per clue, all {elapsed:.2f} s")
    for label, items in (("real clues", clues), ("2,000-character replies", long_replies(clues, args.long))):
        tokenise, check = run(items, args.repeat)
        ratios = [c / t for c, t in zip(check, tokenise, strict=True)]
        per_second = [1 / c for c in check]
        print(f"\n{label} ({len(items)} per repetition, {args.repeat} repetitions): median (lowest–highest)")
        print(f"  tokenise   ms {spread(tokenise, 1e3)}")
        print(f"  check      ms {spread(check, 1e3)}")
        print(f"  judgments/s   {spread(per_second, 1, 0)}")
        print(f"  ratio check/tokenise {spread(ratios, 1, 2)}")


if __name__ == "__main__":
    main()
