"""Paired comparisons: games matched on the same card (or card and seed), one 2x2 table per pair of
casts, and a verdict only when McNemar's exact test says so."""

from __future__ import annotations

from games.logtools.report.pairs import comparisons
from games.logtools.report.rows import GameRow


def row(cast: str, card: str, seed: int, won: bool, *, played: bool = True, game: str = "g") -> GameRow:
    return GameRow(
        run_id=cast, log=f"{cast}.jsonl", game_id=f"g{seed}", game=game, rules=None, cast=cast, players={},
        run_seed=1, seed=seed, card=card, band=None, category=None,
        outcome=("success" if won else "lose_turns") if played else "aborted", played=played,
        success=played and won, score=None, turns=1, reason=None,
    )  # fmt: skip


def test_games_on_the_same_card_are_paired_and_counted_in_four_cells() -> None:
    rows = [
        row("a", "apple", 1, True), row("b", "apple", 1, True),  # both
        row("a", "bread", 2, True), row("b", "bread", 2, False),  # only a
        row("a", "chair", 3, False), row("b", "chair", 3, True),  # only b
        row("a", "drum", 4, False), row("b", "drum", 4, False),  # neither
        row("a", "egg", 5, True),  # no partner: left out
        row("a", "fig", 6, True), row("b", "fig", 6, True, played=False),  # aborted: left out
    ]  # fmt: skip
    (item,) = comparisons(rows)
    assert (item["pairs"], item["both"], item["only_a"], item["only_b"], item["neither"]) == (4, 1, 1, 1, 1)
    assert item["difference"] == 0.0 and item["p_value"] == 1.0
    assert item["verdict"] == "no difference shown"


def test_a_verdict_is_given_only_when_the_discordant_pairs_say_so() -> None:
    """Seven cards only A won, one only B won: p = 0.070, no verdict; eight to zero: p = 0.0078, A beats B."""
    close = [row("a", f"c{i}", i, True) for i in range(8)] + [row("b", f"c{i}", i, i == 0) for i in range(8)]
    close[0] = row("a", "c0", 0, False)
    (item,) = comparisons(close)
    assert (item["only_a"], item["only_b"]) == (7, 1)
    assert round(item["p_value"], 3) == 0.070 and item["verdict"] == "no difference shown"
    clear = [row("a", f"c{i}", i, True) for i in range(8)] + [row("b", f"c{i}", i, False) for i in range(8)]
    (item,) = comparisons(clear)
    assert item["p_value"] < 0.05 and item["verdict"] == "a beats b" and item["low"] > 0


def test_pairing_by_seed_matches_only_games_of_the_same_seed() -> None:
    rows = [row("a", "apple", 1, True), row("b", "apple", 2, False)]
    (by_card,) = comparisons(rows)
    assert by_card["pairs"] == 1
    assert comparisons(rows, by_seed=True) == []


def test_several_games_on_one_card_pair_in_seed_order() -> None:
    rows = [
        row("a", "apple", 1, True), row("a", "apple", 2, False), row("a", "apple", 3, True),
        row("b", "apple", 1, False), row("b", "apple", 2, False),
    ]  # fmt: skip
    (item,) = comparisons(rows)
    assert (item["pairs"], item["only_a"], item["neither"]) == (2, 1, 1)


def test_casts_of_different_games_are_not_compared() -> None:
    rows = [row("a", "apple", 1, True, game="one"), row("b", "apple", 1, True, game="two")]
    assert comparisons(rows) == []
