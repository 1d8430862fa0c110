"""clembench's Taboo scores: an episode's (its `TabooScorer`) and a run's (its evaluation script's
`% Played`, `Quality Score` and `clemscore`), from what the game's outcome says.

Per episode, as clembench's scorer writes them (its key names and order): the request counts count
rounds, not model calls (a round is one clue and, unless the game ended, one guess); `Main Score` is
100 divided by the rounds played for a success, 0 for a loss (a broken rule or no right guess) and
undefined (None here, NaN in clembench's files) for an aborted game. Its repetition counts are always
0: the scorer looks for events its game master stopped writing in version 1.6.

Per run (one model pair on Taboo): `% Played` is 100 × the share of episodes not aborted, `Quality
Score` the mean Main Score of the others, its sample standard deviation beside it, each rounded to
two decimals as pandas rounds; `clemscore` is % Played / 100 × Quality Score, rounded the same way.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

ABORTED, SUCCESS, LOSE, MAIN_SCORE = "Aborted", "Success", "Lose", "Main Score"
REQUESTS, PARSED, VIOLATED, RATIO = (
    "Request Count",
    "Parsed Request Count",
    "Violated Request Count",
    "Request Success Ratio",
)
EPISODE_KEYS = (
    VIOLATED,
    PARSED,
    REQUESTS,
    RATIO,
    ABORTED,
    SUCCESS,
    LOSE,
    MAIN_SCORE,
    "Repetition-Guesser",
    "Repetition-Describer",
)


def episode_scores(rounds: int, *, aborted: bool, guessed: bool) -> dict[str, Any]:
    """An episode's scores: `rounds` started, aborted on a malformed reply, or the word `guessed`."""
    violated = 1 if aborted else 0
    parsed = rounds - violated
    success = not aborted and guessed
    if aborted:
        main: float | int | None = None
    else:
        main = 100 / rounds if success else 0
    return {
        VIOLATED: violated,
        PARSED: parsed,
        REQUESTS: rounds,
        RATIO: parsed / rounds,
        ABORTED: violated,
        SUCCESS: int(success),
        LOSE: int(not aborted and not success),
        MAIN_SCORE: main,
        "Repetition-Guesser": 0,
        "Repetition-Describer": 0,
    }


def pandas_round(value: float, decimals: int = 2) -> float:
    """Round as pandas and numpy do: scale, round half to even, scale back."""
    scale = 10**decimals
    return round(value * scale) / scale


def _stdev(values: list[float]) -> float:
    # statistics (with fractions and decimal) imported here: a run of one game never needs it
    import statistics

    return statistics.stdev(values)


def run_figures(episodes: Iterable[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The figures of a run's episodes (their episode scores), or None for no episode."""
    episodes = list(episodes)
    if not episodes:
        return None
    played = [1 - int(episode.get(ABORTED) or 0) for episode in episodes]
    mains = [float(episode[MAIN_SCORE]) for episode in episodes if _number(episode.get(MAIN_SCORE))]
    percent_played = pandas_round(100 * sum(played) / len(played))
    quality = pandas_round(sum(mains) / len(mains)) if mains else None
    spread = pandas_round(_stdev(mains)) if len(mains) > 1 else None
    clemscore = pandas_round(percent_played / 100 * quality) if quality is not None else None
    return {
        "episodes": len(episodes),
        "success": sum(int(episode.get(SUCCESS) or 0) for episode in episodes),
        "lose": sum(int(episode.get(LOSE) or 0) for episode in episodes),
        "aborted": sum(int(episode.get(ABORTED) or 0) for episode in episodes),
        "percent_played": percent_played,
        "quality_score": quality,
        "quality_score_std": spread,
        "clemscore": clemscore,
    }


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value)
