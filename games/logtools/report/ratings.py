"""Ratings for games where players play against each other on sides (a game's `sides` and `winner`
facts): a Bradley-Terry model with a term per side, so that a side that wins more often by its nature
does not flatter whoever played it. Intervals are percentiles of a bootstrap over games.

Each played game with a winner is a match between the competitor of the winning side and that of the
losing side, a competitor being the one model/persona that plays every seat of its side. A game whose
sides hold the same competitor (self-play) says nothing about who is better: it is counted, not rated.
Ratings are on the Elo scale (400 points: ten to one odds), centred on 1000, with a weak prior that keeps
a competitor who always won finite.
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from games.logtools.report.rows import GameRow

ELO = 400 / math.log(10)
CENTRE = 1000.0
PRIOR = 0.05  # the weight of a normal prior on every parameter (in logits)
STEPS = 300
RESAMPLES = 200
Match = tuple[str, str, str, str]  # winner, its side, loser, its side


def ratings(rows: Sequence[GameRow], *, resamples: int = RESAMPLES, seed: int = 0) -> list[dict[str, Any]]:
    """Per game and rule set with sides: the competitors' ratings with 95% intervals, the sides' terms,
    the matches and the self-play games; a note when nothing could be rated."""
    groups: dict[tuple[str, str | None], list[GameRow]] = defaultdict(list)
    for row in rows:
        if row.sides and row.played:
            groups[(row.game, row.rules)].append(row)
    found = []
    for (game, rules), members in sorted(groups.items(), key=lambda item: (item[0][0], item[0][1] or "")):
        matches, self_play = _matches(members)
        entry: dict[str, Any] = {"game": game, "rules": rules}
        entry.update(matches=len(matches), self_play=self_play)
        competitors = sorted({name for match in matches for name in (match[0], match[2])})
        if len(competitors) < 2:
            entry["note"] = (
                "only self-play: the same model and persona played every side of every game, so there is "
                "nothing to rate across models"
            )
            entry["competitors"] = []
            found.append(entry)
            continue
        point = _fit(Counter(matches), competitors)
        rng = random.Random(seed)
        draws: dict[str, list[float]] = defaultdict(list)
        for _ in range(resamples):
            sample = Counter(rng.choices(matches, k=len(matches)))
            for name, value in _fit(sample, competitors).items():
                draws[name].append(value)
        entry["competitors"] = sorted(
            (
                {
                    "name": name,
                    "rating": round(point[name], 1),
                    "low": round(_quantile(draws[name], 0.025), 1),
                    "high": round(_quantile(draws[name], 0.975), 1),
                    "games": sum(name in (match[0], match[2]) for match in matches),
                    "wins": sum(match[0] == name for match in matches),
                }
                for name in competitors
            ),
            key=lambda item: -item["rating"],
        )
        entry["sides"] = {side: round(value, 1) for side, value in point.items() if side.startswith("side:")}
        found.append(entry)
    return found


def side_terms(entry: Mapping[str, Any]) -> str:
    """A rating's side terms in words: `side terms: chameleon +103, informed -103` (Elo points added to
    whoever plays the side); empty when there are none."""
    terms = entry.get("sides") or {}
    shown = [f"{side.removeprefix('side:')} {value:+.0f}" for side, value in sorted(terms.items())]
    return f"side terms: {', '.join(shown)}" if shown else ""


def _matches(rows: Sequence[GameRow]) -> tuple[list[Match], int]:
    matches: list[Match] = []
    self_play = 0
    for row in rows:
        sides = row.sides or {}
        if row.winner not in sides or len(sides) != 2:
            continue
        loser = next(side for side in sides if side != row.winner)
        won, lost = _competitor(row, sides[row.winner]), _competitor(row, sides[loser])
        if won is None or lost is None:
            continue
        if won == lost:
            self_play += 1
        else:
            matches.append((won, row.winner, lost, loser))
    return matches, self_play


def _competitor(row: GameRow, agents: Sequence[str]) -> str | None:
    """The one model/persona that plays every seat of a side (None for a side of mixed players)."""
    players = {row.players.get(agent) for agent in agents}
    return players.pop() if len(players) == 1 and None not in players else None


def _fit(counts: Counter[Match], competitors: Sequence[str]) -> dict[str, float]:
    """Maximum a posteriori strengths by gradient ascent, on the Elo scale (competitors centred on
    CENTRE; each side's term as points added to whoever plays it). The parameters are numbered and each
    match's four looked up once, not at every step: the same arithmetic in the same order."""
    names = list(competitors) + sorted({f"side:{m[1]}" for m in counts} | {f"side:{m[3]}" for m in counts})
    index = {name: number for number, name in enumerate(dict.fromkeys(names))}
    order = [index[name] for name in names]
    games = [
        (index[won], index[f"side:{won_side}"], index[lost], index[f"side:{lost_side}"], n)
        for (won, won_side, lost, lost_side), n in counts.items()
    ]
    theta = [0.0] * len(index)
    total = sum(counts.values()) or 1
    rate = 4.0 / total
    exp = math.exp
    for _ in range(STEPS):
        grad = [-PRIOR * value for value in theta]
        for won, won_side, lost, lost_side, n in games:
            edge = theta[won] + theta[won_side] - theta[lost] - theta[lost_side]
            surprise = n / (1 + exp(edge))  # n * (1 - P(this result))
            grad[won] += surprise
            grad[won_side] += surprise
            grad[lost] -= surprise
            grad[lost_side] -= surprise
        for number in order:
            theta[number] += rate * grad[number]
    mean = sum(theta[index[name]] for name in competitors) / len(competitors)
    fitted = {name: CENTRE + ELO * (theta[index[name]] - mean) for name in competitors}
    fitted.update({name: ELO * theta[index[name]] for name in names if name.startswith("side:")})
    return fitted


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
