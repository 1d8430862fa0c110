"""Paired comparisons: two casts that played the same cards, compared card by card.

Within one game and rule set, each cast's played games are matched to the other cast's on the same card
(with `by_seed`, also the same game seed), in seed and game order: the first game of A on a card with the
first of B on it, and so on; a game without a partner is left out. Each pair is a 2x2 cell (both won,
only A, only B, neither). The difference in success rate has Newcombe's paired interval (method 10) and
McNemar's exact test; "A beats B" is said only when p < 0.05 (docs/report.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import combinations
from typing import Any

from games.logtools.report.rows import GameRow
from games.logtools.report.stats import Paired, mcnemar_exact, paired_difference

ALPHA = 0.05


def comparisons(rows: Sequence[GameRow], *, by_seed: bool = False) -> list[dict[str, Any]]:
    """Every pair of casts of each game and rule set that share at least one card."""
    by_group: dict[tuple[str, str | None], dict[str, dict[tuple[Any, ...], list[GameRow]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for row in rows:
        if row.played:
            key = (row.card, row.seed) if by_seed else (row.card,)
            by_group[(row.game, row.rules)][row.cast][key].append(row)
    found = []
    for (game, rules), casts in sorted(by_group.items(), key=lambda item: (item[0][0], item[0][1] or "")):
        for first, second in combinations(sorted(casts), 2):
            table = _table(casts[first], casts[second])
            if table.n:
                found.append({"game": game, "rules": rules, **compared(first, second, table)})
    return found


def compared(first: str, second: str, table: Paired) -> dict[str, Any]:
    """The figures of one comparison: the table, both rates, the difference, its interval, p, verdict."""
    difference, low, high = paired_difference(table)
    p = mcnemar_exact(table.b, table.c)
    if p < ALPHA:
        verdict = f"{first} beats {second}" if difference > 0 else f"{second} beats {first}"
    else:
        verdict = "no difference shown"
    return {
        "a": first,
        "b": second,
        "pairs": table.n,
        "both": table.a,
        "only_a": table.b,
        "only_b": table.c,
        "neither": table.d,
        "rate_a": round((table.a + table.b) / table.n, 4),
        "rate_b": round((table.a + table.c) / table.n, 4),
        "difference": round(difference, 4),
        "low": round(low, 4),
        "high": round(high, 4),
        "p_value": round(p, 6),
        "verdict": verdict,
    }


def _table(
    first: dict[tuple[Any, ...], list[GameRow]], second: dict[tuple[Any, ...], list[GameRow]]
) -> Paired:
    counts = [0, 0, 0, 0]
    for key in first.keys() & second.keys():
        for mine, theirs in zip(_ordered(first[key]), _ordered(second[key]), strict=False):
            counts[(0 if mine.success else 2) + (0 if theirs.success else 1)] += 1
    both, only_a, only_b, neither = counts
    return Paired(both, only_a, only_b, neither)


def _ordered(rows: list[GameRow]) -> list[GameRow]:
    return sorted(rows, key=lambda row: (row.run_seed or 0, row.seed or 0, _index(row.game_id), row.game_id))


def _index(game_id: str) -> int:
    digits = "".join(ch for ch in game_id if ch.isdigit())
    return int(digits) if digits else 0
