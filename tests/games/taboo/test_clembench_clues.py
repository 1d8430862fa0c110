"""The checker against real model clues: the labelled clembench set (bench/data), and linear work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from games.taboo import entries
from games.taboo.deck import Card
from games.taboo.rules import check_clue

DATA = Path(__file__).resolve().parents[3] / "bench" / "data" / "taboo_clembench_clues.jsonl"
# The figures docs/taboo-rules.md reports; a change to the rules that lowers them fails here.
MIN_CLUES = 500
CAUGHT = 1.0  # share of the rule-breaking clues the checker catches


def load() -> list[dict]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]


def verdicts() -> list[tuple[dict, bool]]:
    """Each labelled record with whether the checker finds a violation in its clue."""
    out = []
    for record in load():
        clue = record["reply"].split(":", 1)[1]  # the reply without its CLUE: tag
        out.append((record, check_clue(clue, Card(record["target"], tuple(record["related"]))) is not None))
    return out


def test_the_set_is_real_and_sourced() -> None:
    """At least MIN_CLUES distinct clues, each with its repository, file, model and labels."""
    records = load()
    assert len(records) >= MIN_CLUES
    assert len({(r["target"], r["reply"]) for r in records}) == len(records)
    for record in records:
        source = record["source"]
        assert source["repository"] == "clembench/clembench-runs"
        assert source["path"].endswith("/interactions.json") and source["model"] in source["path"]
        assert record["reply"].startswith("CLUE:")
        assert record["breaks"] == bool(record["families"]) == bool(record["words"])


def test_no_false_alarms_on_real_clues() -> None:
    """No clue labelled legal is judged a violation."""
    false_alarms = [record["id"] for record, flagged in verdicts() if flagged and not record["breaks"]]
    assert false_alarms == []


def test_catch_rate_on_real_clues() -> None:
    """The checker catches at least the reported share of the clues that break the rules."""
    judged = [flagged for record, flagged in verdicts() if record["breaks"]]
    assert judged and sum(judged) / len(judged) >= CAUGHT


def _calls_for(clue: str, card: Card, monkeypatch: pytest.MonkeyPatch) -> int:
    calls = 0
    compare = entries._word_rule

    def counting(*args: object) -> str | None:
        nonlocal calls
        calls += 1
        return compare(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(entries, "_word_rule", counting)
    check_clue(clue, card)
    monkeypatch.setattr(entries, "_word_rule", compare)
    return calls


def test_work_grows_linearly_with_the_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    """Doubling a reply of distinct words at most doubles the word-against-entry comparisons; a word
    repeated is compared once per card."""
    words = [f"{a}{b}{c}ing" for a in "bcdfg" for b in "aeiou" for c in "lmnprst"]  # 175 distinct words
    half, full = " ".join(words[:80]), " ".join(words[:160])
    first = _calls_for(half, Card("lantern", ("light", "lamp", "candle")), monkeypatch)
    second = _calls_for(full, Card("lanterns", ("lights", "lamps", "candles")), monkeypatch)
    assert 0 < second <= 2.2 * first
    repeated = _calls_for(" ".join([half] * 10), Card("lanterna", ("luz", "lampa", "candela")), monkeypatch)
    assert repeated <= first * 1.2
