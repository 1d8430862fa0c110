"""Tests for runtime.turns: the round-robin turn order and the roll call."""

import pytest

from runtime.turns import RollCall, TurnOrder


def test_turn_order_goes_round_from_the_first_agent():
    """A turn order starting at "c" gives c, a, b and then is over."""
    order = TurnOrder(("a", "b", "c"), first="c")

    seen = [order.current]
    while (agent := order.advance()) is not None:
        seen.append(agent)

    assert seen == ["c", "a", "b"]
    assert order.done and order.current is None and order.taken == 3


def test_turn_order_counts_rounds():
    """With two rounds every agent plays twice, and `round` says which round a turn is in."""
    order = TurnOrder(("a", "b"), rounds=2)
    turns = []
    while not order.done:
        turns.append((order.round, order.current))
        order.advance()

    assert turns == [(1, "a"), (1, "b"), (2, "a"), (2, "b")]


def test_turn_order_without_an_end_keeps_going():
    """rounds=None never ends."""
    order = TurnOrder(("a", "b"), rounds=None)
    for _ in range(5):
        order.advance()

    assert order.current == "b" and order.round == 3 and not order.done


def test_advancing_a_finished_turn_order_raises():
    """advance() after the last turn raises RuntimeError."""
    order = TurnOrder(("a",))
    order.advance()

    with pytest.raises(RuntimeError, match="over"):
        order.advance()


@pytest.mark.parametrize(
    ("agents", "options", "message"),
    [
        ((), {}, "at least one"),
        (("a", "a"), {}, "twice"),
        (("a", "b"), {"rounds": 0}, "rounds"),
        (("a", "b"), {"first": "z"}, "'z' is not one of"),
    ],
)
def test_turn_order_rejects_bad_settings(agents, options, message):
    """No agents, a repeated agent, no rounds or an unknown first agent raise ValueError."""
    with pytest.raises(ValueError, match=message):
        TurnOrder(agents, **options)


def test_roll_call_collects_answers_in_any_order_and_keeps_the_agents_order():
    """Answers arrive in any order; `answers` lists them in the order the agents were called."""
    roll: RollCall[str] = RollCall(("a", "b", "c"))
    roll.answer("c", "x")
    roll.answer("a", "y")

    assert roll.waiting == ("b",) and not roll.complete
    assert roll.expects("b") and not roll.expects("a")
    roll.answer("b", "z")

    assert roll.complete
    assert list(roll.answers.items()) == [("a", "y"), ("b", "z"), ("c", "x")]


def test_roll_call_refuses_strangers_and_second_answers():
    """An agent not called, or one answering twice, raises ValueError."""
    roll: RollCall[int] = RollCall(("a", "b"))
    roll.answer("a", 1)

    with pytest.raises(ValueError, match="not in the roll call"):
        roll.answer("z", 2)
    with pytest.raises(ValueError, match="already"):
        roll.answer("a", 3)
    assert roll.answers == {"a": 1}
