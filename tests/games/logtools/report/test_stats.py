"""The report's statistics against published worked examples: Newcombe's paired interval (method 10)
and McNemar's exact test as Fagerland, Lydersen and Laake (Statistical Analysis of Contingency Tables,
2017, chapter 8) compute them for two clinical data sets; the latency histogram's percentiles."""

from __future__ import annotations

import pytest

from games.logtools.report.stats import Histogram, Paired, mcnemar_exact, paired_difference

# Complete response before and after consolidation therapy (Cavo et al., 2012): 59 both, 6 before only,
# 16 after only, 80 neither. Published: difference -0.0621, 95% CI -0.1186 to -0.0046; McNemar exact
# conditional P = 0.052479.
CAVO = Paired(59, 6, 16, 80)
# Airway hyper-responsiveness before and after stem cell transplantation (Bentur et al., 2009): 1, 1, 7,
# 12. Published: McNemar exact conditional P = 0.070.
BENTUR = Paired(1, 1, 7, 12)


def test_newcombe_paired_interval_matches_the_published_example() -> None:
    """Method 10 on Cavo et al.'s table gives the book's -0.0621 (-0.1186 to -0.0046)."""
    difference, low, high = paired_difference(CAVO)
    assert round(difference, 4) == -0.0621
    assert round(low, 4) == -0.1186
    assert round(high, 4) == -0.0046


def test_newcombe_uses_the_corrected_correlation() -> None:
    """With ad - bc above n/2 the correlation is lowered by n/2: without it the interval differs."""
    _, low, high = paired_difference(CAVO)
    assert (round(low, 4), round(high, 4)) != (-0.1174, -0.0059)  # the uncorrected phi's interval


def test_mcnemar_exact_matches_the_published_examples() -> None:
    assert round(mcnemar_exact(CAVO.b, CAVO.c), 6) == 0.052479
    assert round(mcnemar_exact(BENTUR.b, BENTUR.c), 3) == 0.070


def test_mcnemar_exact_is_symmetric_and_one_without_discordant_pairs() -> None:
    assert mcnemar_exact(3, 11) == mcnemar_exact(11, 3)
    assert mcnemar_exact(0, 0) == 1.0
    assert mcnemar_exact(5, 5) == 1.0


def test_paired_difference_of_identical_outcomes_is_zero_inside_its_interval() -> None:
    difference, low, high = paired_difference(Paired(10, 0, 0, 10))
    assert difference == 0.0 and low < 0 < high
    assert paired_difference(Paired(0, 0, 0, 0)) == (0.0, 0.0, 0.0)


def test_paired_interval_stays_within_minus_one_and_one() -> None:
    difference, low, high = paired_difference(Paired(0, 30, 0, 0))
    assert difference == 1.0 and -1.0 <= low < 1.0 and high == 1.0


@pytest.mark.parametrize("q", [50, 95])
def test_histogram_percentiles_are_within_one_percent_of_nearest_rank(q: int) -> None:
    values = [0.3 * (i % 997) ** 1.5 + 1 for i in range(5000)]
    histogram = Histogram()
    for value in values:
        histogram.add(value)
    ordered = sorted(values)
    exact = ordered[int(q / 100 * len(ordered) + 0.999999) - 1]
    assert histogram.percentile(q) == pytest.approx(exact, rel=0.01)


def test_histogram_keeps_zeros_and_is_empty_without_values() -> None:
    histogram = Histogram()
    assert histogram.percentile(50) is None
    histogram.add(0.0)
    histogram.add(0.0)
    histogram.add(100.0)
    assert histogram.percentile(50) == 0.0
    assert histogram.percentile(95) == pytest.approx(100.0, rel=0.01)
