"""The usage ledger's sums."""

from agents.chat import Usage
from agents.usage import UsageLedger


def test_ledger_sums_per_agent_game_and_run():
    """Usage recorded per (game, agent) sums by agent, by game and for the run."""
    ledger = UsageLedger()
    ledger.record("hinter", "g1", Usage(10, 2))
    ledger.record("guesser", "g1", Usage(5, 1, estimated=True))
    ledger.record("hinter", "g2", Usage(1, 1))

    assert ledger.agent("hinter").prompt_tokens == 11
    assert ledger.agent("hinter", "g2").calls == 1
    assert ledger.game("g1").total_tokens == 18
    assert ledger.run.calls == 3
    assert ledger.run.estimated_calls == 1
    assert set(ledger.by_agent()) == {"hinter", "guesser"}
    assert ledger.by_game()["g2"].total_tokens == 2


def test_empty_ledger_is_all_zero():
    """A ledger with nothing recorded reports zero calls and tokens."""
    ledger = UsageLedger()

    assert ledger.run.as_dict() == {
        "calls": 0,
        "prompt_tokens": 0,
        "completion_tokens": 0,
        "total_tokens": 0,
        "estimated_calls": 0,
    }
    assert ledger.agent("nobody").calls == 0
