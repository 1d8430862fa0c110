"""The offline players' work, made cheaper, keeps their seeded choices: the guesser's share of the
deck's hints is the one a draw per hint gives, the rules' memory ignores what they do not read."""

from __future__ import annotations

import dataclasses
import random

import pytest

from games.taboo.deck import load_deck
from games.taboo.entries import analyse
from games.taboo.offline import _SeededShare
from games.taboo.players import card_from_body, card_to_body
from games.taboo.rules import check_clue, find_violations


@pytest.mark.parametrize("chance", [0.6, 0.0, 1.0, 0.5, 1 / 3, 0.999999, 1e-9])
@pytest.mark.parametrize("seed", [0, 1, 17, 2**40 + 3])
def test_the_share_is_a_draw_per_hint_in_turn(seed: int, chance: float) -> None:
    count = 1 + seed % 997
    drawn, taken = random.Random(seed), random.Random(seed)
    expected = [drawn.random() < chance for _ in range(count)]
    share = _SeededShare(taken, count, chance)
    assert [share[index] for index in range(count)] == expected
    assert taken.getstate() == drawn.getstate()  # the generator left where the draws leave it


def test_no_hints_draw_nothing() -> None:
    rng = random.Random(5)
    state = rng.getstate()
    _SeededShare(rng, 0, 0.6)
    assert rng.getstate() == state


def test_a_card_from_a_message_shares_the_deck_cards_checks() -> None:
    """The hinter's card comes without its difficulty: the rules' answers and analysis are the same."""
    card = next(card for card in load_deck() if card.difficulty != "medium")
    rebuilt = card_from_body(card_to_body(card))
    assert rebuilt != card and dataclasses.replace(rebuilt, difficulty=card.difficulty) == card
    assert analyse(rebuilt) is analyse(card)
    clue = f"not quite {card.taboo[0]}s"
    assert check_clue(clue, rebuilt) == check_clue(clue, card) == find_violations(clue, card)[0]
