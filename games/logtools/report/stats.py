"""The statistics of the report: intervals for proportions, the paired comparison of two casts on the
same cards, and percentiles from a histogram of fixed size (docs/report.md says why each).

- `wilson_interval`: the Wilson score interval of one proportion (as the summary uses).
- `paired_difference`: Newcombe's (1998) method 10 for the difference of two proportions measured on the
  same items: each proportion's Wilson interval, combined with the pairs' correlation.
- `mcnemar_exact`: McNemar's exact test: the discordant pairs as a binomial with p = 1/2, two-sided.
- `Histogram`: latencies on a log scale with 1% wide bins, so percentiles need memory that does not grow
  with the number of calls.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from games.cli.summary import Z_95, wilson_interval

__all__ = ["Histogram", "Paired", "mcnemar_exact", "paired_difference", "wilson_interval"]


@dataclass(frozen=True)
class Paired:
    """Paired binary outcomes of A and B on n items: both won (a), only A (b), only B (c), neither (d)."""

    a: int
    b: int
    c: int
    d: int

    @property
    def n(self) -> int:
        return self.a + self.b + self.c + self.d


def paired_difference(table: Paired, z: float = Z_95) -> tuple[float, float, float]:
    """(difference, low, high): A's success rate minus B's with Newcombe's method 10 interval;
    (0, 0, 0) when there are no pairs."""
    a, b, c, n = table.a, table.b, table.c, table.n
    if n == 0:
        return (0.0, 0.0, 0.0)
    p1, p2 = (a + b) / n, (a + c) / n
    l1, u1 = wilson_interval(a + b, n, z)
    l2, u2 = wilson_interval(a + c, n, z)
    phi = _correlation(table)
    delta = math.sqrt(max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2))
    epsilon = math.sqrt(max(0.0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2))
    difference = p1 - p2
    return (difference, max(-1.0, difference - delta), min(1.0, difference + epsilon))


def _correlation(table: Paired) -> float:
    """Newcombe's estimate of the correlation of the two proportions: phi of the 2x2 table, its
    numerator ad - bc lowered by n/2 towards 0 when positive (0 when it is at most n/2)."""
    a, b, c, d, n = table.a, table.b, table.c, table.d, table.n
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    if margins == 0:
        return 0.0
    cross = a * d - b * c
    if cross > n / 2:
        return (cross - n / 2) / math.sqrt(margins)
    if cross >= 0:
        return 0.0
    return cross / math.sqrt(margins)


def mcnemar_exact(b: int, c: int) -> float:
    """The two-sided p-value of McNemar's exact test for b and c discordant pairs (1 when there are none):
    twice the smaller binomial tail of Bin(b + c, 1/2), at most 1."""
    n = b + c
    if n == 0:
        return 1.0
    k = min(b, c)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2**n
    return min(1.0, 2 * tail)


BIN_RATIO = 1.01  # each bin is 1% wider than the one before: a percentile is off by at most 1%


class Histogram:
    """Non-negative values (milliseconds) counted in log-scale bins; percentiles by nearest rank."""

    def __init__(self) -> None:
        self.bins: Counter[int] = Counter()
        self.count = 0

    def add(self, value: float) -> None:
        self.bins[_bin(value)] += 1
        self.count += 1

    def merge(self, other: Histogram) -> None:
        self.bins.update(other.bins)
        self.count += other.count

    def percentile(self, q: float) -> float | None:
        """The nearest-rank q-th percentile (0 < q <= 100), as its bin's middle; None when empty."""
        if self.count == 0:
            return None
        rank = max(1, math.ceil(q / 100 * self.count))
        seen = 0
        for index in sorted(self.bins):
            seen += self.bins[index]
            if seen >= rank:
                return _value(index)
        return None  # not reached: the bins add up to count


_LOG_RATIO = math.log(BIN_RATIO)
_OFFSET = 1_000_000  # keeps the bins of values below 1 ms clear of bin -1


def _bin(value: float) -> int:
    """Bin -1 holds zero and below; bin _OFFSET + k holds [ratio**k, ratio**(k+1)), k of any sign."""
    if value <= 0:
        return -1
    return math.floor(math.log(value) / _LOG_RATIO) + _OFFSET


def _value(index: int) -> float:
    if index == -1:
        return 0.0
    low = BIN_RATIO ** (index - _OFFSET)
    return round(low * math.sqrt(BIN_RATIO), 3)  # the bin's geometric middle
