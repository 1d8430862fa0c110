"""clembench's scores: an episode's, as its scorer writes them, and a run's, as its evaluation does."""

from __future__ import annotations

from games.taboo.clembench.figures import clembench_figures
from games.taboo.clembench.scores import episode_scores, pandas_round, run_figures


def test_a_success_in_round_two_scores_fifty() -> None:
    assert episode_scores(2, aborted=False, guessed=True) == {
        "Violated Request Count": 0,
        "Parsed Request Count": 2,
        "Request Count": 2,
        "Request Success Ratio": 1.0,
        "Aborted": 0,
        "Success": 1,
        "Lose": 0,
        "Main Score": 50.0,
        "Repetition-Guesser": 0,
        "Repetition-Describer": 0,
    }


def test_a_success_in_round_three_is_a_third_of_a_hundred_unrounded() -> None:
    assert episode_scores(3, aborted=False, guessed=True)["Main Score"] == 100 / 3


def test_an_abort_in_round_two_counts_one_violated_request_and_has_no_main_score() -> None:
    scores = episode_scores(2, aborted=True, guessed=False)
    assert (
        scores["Violated Request Count"],
        scores["Parsed Request Count"],
        scores["Request Success Ratio"],
    ) == (1, 1, 0.5)
    assert (scores["Aborted"], scores["Success"], scores["Lose"], scores["Main Score"]) == (1, 0, 0, None)


def test_a_loss_is_played_and_scores_zero() -> None:
    scores = episode_scores(1, aborted=False, guessed=False)
    assert (scores["Aborted"], scores["Lose"], scores["Main Score"]) == (0, 1, 0)


def test_a_runs_figures_pool_its_episodes() -> None:
    """% played over every episode, quality over the played ones, clemscore from the rounded two."""
    episodes = [
        episode_scores(1, aborted=False, guessed=True),  # 100
        episode_scores(3, aborted=False, guessed=True),  # 33.33
        episode_scores(2, aborted=False, guessed=False),  # 0
        episode_scores(1, aborted=True, guessed=False),  # not played
    ]
    figures = run_figures(episodes)
    assert figures == {
        "episodes": 4,
        "success": 2,
        "lose": 1,
        "aborted": 1,
        "percent_played": 75.0,
        "quality_score": 44.44,
        "quality_score_std": 50.92,
        "clemscore": 33.33,
    }


def test_rounding_is_pandas_half_to_even_on_the_scaled_value() -> None:
    assert pandas_round(0.125) == 0.12 and pandas_round(0.135) == 0.14 and pandas_round(2.675) == 2.68


def test_the_summary_figures_come_only_from_games_clembench_judged() -> None:
    judged = {"rules": "clembench", "scores": episode_scores(1, aborted=False, guessed=True)}
    assert clembench_figures([{"outcome": "success", "score": 100.0}]) is None
    figures = clembench_figures([judged, {"outcome": "success", "score": 100.0}])
    assert figures is not None and figures["episodes"] == 1 and figures["clemscore"] == 100.0
    assert figures["rules"] == "clembench" and figures["headline"] == "clemscore"
