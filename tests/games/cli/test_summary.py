"""Summary figures: the confidence interval, percentiles and the counts, on known data."""

from __future__ import annotations

import pytest

from games.cli.summary import RunStats, percentile, summarize, summary_rows, wilson_interval


def test_wilson_interval_matches_known_values() -> None:
    """8 successes in 10 trials give the textbook Wilson interval (0.490, 0.943)."""
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4)
    assert high == pytest.approx(0.9433, abs=1e-4)


def test_wilson_interval_stays_inside_zero_and_one() -> None:
    """All successes or none keep the interval within [0, 1] and away from a zero width."""
    assert wilson_interval(0, 5)[0] == 0.0 and wilson_interval(0, 5)[1] > 0
    assert wilson_interval(5, 5)[1] == pytest.approx(1.0) and wilson_interval(5, 5)[0] < 1


def test_wilson_interval_of_no_trials_is_empty() -> None:
    """No trials give (0, 0) rather than a division by zero."""
    assert wilson_interval(0, 0) == (0.0, 0.0)


@pytest.mark.parametrize(("q", "expected"), [(50, 40.0), (95, 100.0), (10, 10.0), (100, 100.0)])
def test_nearest_rank_percentiles(q: float, expected: float) -> None:
    """Percentiles use the nearest rank on sorted values."""
    assert percentile([100, 10, 30, 20, 40, 50, 60], q) == expected


def test_percentile_of_nothing_is_none() -> None:
    """No values, no percentile."""
    assert percentile([], 50) is None


def game(game_id: str, outcome: str, turns: int, score: float | None) -> dict:
    return {"event": "game_ended", "game_id": game_id, "outcome": outcome, "turns": turns, "score": score}


def test_summary_counts_and_excludes_errors_from_scores() -> None:
    """Errors are counted and shown but not scored; success rate and means use played games only."""
    stats = RunStats().feed(
        [
            game("g1", "success", 1, 100.0),
            game("g2", "success", 2, 50.0),
            game("g3", "lose_turns", 5, 0.0),
            game("g4", "error", 1, None),
            game("g5", "aborted", 2, None),
            {"event": "rule_violation", "rule": "variant"},
            {"event": "reply_malformed", "reprompts_left": 1},
            {"event": "reply_malformed", "reprompts_left": 0},
            {
                "event": "llm_call",
                "backend": "openai",
                "latency_ms": 200,
                "usage": {"prompt_tokens": 10, "completion_tokens": 2},
            },
            {
                "event": "llm_call",
                "backend": "openai",
                "latency_ms": 400,
                "usage": {"prompt_tokens": 30, "completion_tokens": 4},
            },
        ]
    )
    summary = summarize(stats)
    assert summary["games"] == 5
    assert summary["outcomes"] == {
        "success": 2,
        "lose_violation": 0,
        "lose_turns": 1,
        "aborted": 1,
        "error": 1,
    }
    assert summary["played"] == 3
    assert summary["percent_played"] == 60.0
    assert summary["success_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert summary["mean_score"] == 50.0
    assert summary["mean_turns_to_success"] == 1.5
    assert summary["violations_by_rule"] == {"variant": 1}
    assert (summary["format_errors"], summary["reprompts"]) == (2, 1)
    assert summary["tokens"]["prompt"] == 40 and summary["tokens"]["completion"] == 6
    assert summary["tokens"]["per_game"] == 9.2
    assert summary["latency_ms"] == {"p50": 200.0, "p95": 400.0}


def test_summary_counts_only_ended_games_and_lists_the_rest_of_the_plan() -> None:
    """Games of the plan without game_ended are listed as not played, in plan order, never counted."""
    plan = [{"game_id": f"g{i}", "cast": {"a": "offline/default"}} for i in range(1, 5)]
    stats = RunStats().feed(
        [
            {"event": "run_started", "plan": plan, "carried": [game("g1", "success", 1, 100.0)]},
            game("g3", "lose_turns", 5, 0.0),
            {"event": "game_interrupted", "game_id": "g2"},
            {"event": "game_ended", "game_id": "g4", "outcome": "aborted", "reason": "interrupted"},
        ]
    )
    summary = summarize(stats)
    assert summary["games"] == 2 and summary["planned"] == 4
    assert summary["not_played"] == ["g2", "g4"]
    assert summary["by_pairing"] == {}  # carried and new games share the plan's one cast


def test_summary_gives_each_distinct_error_cause_with_its_count() -> None:
    """Failed games are grouped by cause, most frequent first."""
    stats = RunStats().feed(
        [
            {**game("g1", "error", 0, None), "reason": "the model 'm' did not answer"},
            {**game("g2", "error", 0, None), "reason": "agent 'referee' raised KeyError"},
            {**game("g3", "error", 0, None), "reason": "the model 'm' did not answer"},
        ]
    )
    assert summarize(stats)["errors_by_cause"] == {
        "the model 'm' did not answer": 2,
        "agent 'referee' raised KeyError": 1,
    }


def started(**config: object) -> dict:
    plan = [
        {"game_id": "g1", "cast": {"hinter": "a/default", "guesser": "b/literal"}},
        {"game_id": "g1s", "cast": {"hinter": "b/default", "guesser": "a/literal"}},
        {"game_id": "g2", "cast": {"guesser": "b/literal", "hinter": "a/default"}},
    ]
    return {"event": "run_started", "run_id": "r1", "config": config, "plan": plan}


def test_the_summary_names_the_run_from_its_run_started() -> None:
    """`run` gives the run's id, game, rule set, seed, the cast per role (model, persona, the settings the
    command line set), the plan's distinct casts with their games, and the log it was given."""
    record = started(
        game="taboo",
        rules="clembench",
        seed=7,
        resumed_from="old.jsonl",
        models={
            "hinter": {"backend": "openai", "model": "a"},
            "guesser": {"backend": "openai", "model": "b"},
        },
        personas={"hinter": {"name": "default", "source": "built-in"}, "guesser": {"name": "literal"}},
        model_settings={"hinter": {"temperature": 0.2}, "guesser": {}},
    )
    run = summarize(RunStats().feed([record]), log="runs/x.jsonl")["run"]
    assert run == {
        "run_id": "r1",
        "game": "taboo",
        "rules": "clembench",
        "seed": 7,
        "log": "runs/x.jsonl",
        "resumed_from": "old.jsonl",
        "cast": {
            "hinter": {
                "model": "a",
                "backend": "openai",
                "persona": "default",
                "persona_source": "built-in",
                "settings": {"temperature": 0.2},
            },
            "guesser": {
                "model": "b",
                "backend": "openai",
                "persona": "literal",
                "persona_source": None,
                "settings": {},
            },
        },
        "casts": [
            {"players": {"guesser": "b/literal", "hinter": "a/default"}, "games": ["g1", "g2"]},
            {"players": {"guesser": "a/literal", "hinter": "b/default"}, "games": ["g1s"]},
        ],
        "games_planned": ["g1", "g1s", "g2"],
    }


def test_a_summary_without_a_run_started_names_nothing() -> None:
    """Figures fed no run_started (or an older one without rules or settings) give nulls, not errors."""
    run = summarize(RunStats().feed([game("g1", "success", 1, 100.0)]))["run"]
    assert run == {
        "run_id": None,
        "game": None,
        "rules": None,
        "seed": None,
        "log": None,
        "resumed_from": None,
        "cast": {},
        "casts": [],
        "games_planned": [],
    }
    older = started(game="taboo", seed=1, models={"hinter": {"backend": "offline", "model": "offline"}})
    run = summarize(RunStats().feed([older]))["run"]
    assert run["rules"] is None and run["cast"]["hinter"]["settings"] == {}


def test_summary_rows_are_rounded_and_in_words() -> None:
    """Figures rounded to what they mean, labels and outcomes in words, no row that does not apply."""
    offline = {"event": "llm_call", "backend": "offline", "latency_ms": 0, "model": "offline"}
    usage = {"prompt_tokens": 90, "completion_tokens": 5, "estimated": True}
    stats = RunStats().feed(
        [
            game("g1", "success", 1, 100.0),
            game("g2", "success", 2, 50.0),
            game("g3", "success", 2, 60.25),
            game("g4", "lose_violation", 1, 0.0),
            {**offline, "usage": usage},
        ]
    )
    rows = dict(summary_rows(summarize(stats)))
    assert rows["mean score"] == "52.6"  # 52.5625
    assert rows["mean turns to win"] == "1.7"
    assert rows["played to the end"] == "100%"
    assert rows["won"] == "75% (95% CI 30%–95%)"
    assert rows["outcomes"] == "3 won, 1 lost by a broken rule"
    assert "tokens in / out" not in rows and "model latency p50 / p95" not in rows  # offline players
    assert not any("n/a" in value or "lose_violation" in value for value in rows.values())


def test_summary_rows_of_a_real_model_keep_tokens_and_latency() -> None:
    """Real model calls: tokens counted per game, latency in whole milliseconds."""
    call = {"event": "llm_call", "backend": "openai", "latency_ms": 812.4, "model": "m"}
    stats = RunStats().feed(
        [game("g1", "error", 1, None), {**call, "usage": {"prompt_tokens": 1000, "completion_tokens": 20}}]
    )
    rows = dict(summary_rows(summarize(stats)))
    assert rows["tokens in / out"] == "1,000 / 20, 1,020 per game"
    assert rows["model latency p50 / p95"] == "812 / 812 ms"
    assert "won" not in rows and "mean score" not in rows  # nothing played to the end
    assert rows["played to the end"] == "0%"
