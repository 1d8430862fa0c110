"""What the summary of a run shows of clembench's figures: its `% Played`, `Quality Score` and
`clemscore`, from the games the clembench rule set judged (their `game_ended.scores`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from games.taboo.clembench.scores import run_figures

RULES = "clembench"


def clembench_figures(ended: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The run's figures by clembench's evaluation, or None when no game was judged by its rules."""
    episodes = [
        record["scores"]
        for record in ended
        if record.get("rules") == RULES and isinstance(record.get("scores"), Mapping)
    ]
    figures = run_figures(episodes)
    return {"rules": RULES, "headline": "clemscore", **figures} if figures is not None else None
