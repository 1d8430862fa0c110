"""One game in its own Runtime: `game_started` first, `game_ended` last, whatever happens between.

The game's referee (or moderator) ends a game by setting its result and stopping the run; any other
ending (a model or an agent failure, a timeout, a deadlock, a person leaving) becomes the result here,
so every game that ends has exactly one `game_ended`. A game cancelled from outside (Ctrl-C, SIGTERM)
did not end: it writes `game_interrupted` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from agents import ModelError, PlayerLeft
from games.kit.outcome import GameResult, Outcome
from runtime import AsyncFlow, RunResult, RunStatus, Runtime
from runtime.clock import Clock
from runtime.events import NULL_EVENTS, EventLog

# name, flow, the agent's own state, and optionally the groups it joins (a broadcast can address one)
Agent = tuple[str, AsyncFlow, Any] | tuple[str, AsyncFlow, Any, tuple[str, ...]]


async def play_in_runtime(
    *,
    game: str,
    game_id: str,
    subject: str,
    agents: Sequence[Agent],
    started: Mapping[str, Any],
    result: Callable[[], GameResult | None],
    turn: Callable[[], int],
    events: EventLog = NULL_EVENTS,
    clock: Clock | None = None,
    deadline_s: float | None = None,
) -> GameResult:
    """Run the agents to the game's end. `result` reads the referee's result, `turn` its turn, and
    `started` adds the game's own fields (the card, the secret...) to `game_started`. The game's events
    go to `events`, bound with `game_id` (and with `agent` for each agent's)."""
    events = events.bind(game_id=game_id)
    runtime = Runtime(clock=clock, deadline_s=deadline_s, events=events)
    for name, flow, state, *groups in agents:
        runtime.add(name, flow, shared=state, groups=groups[0] if groups else ())
    events.info("game_started", game=game, **started)
    try:
        run = await runtime.run()
    except BaseException:
        # Stopped mid-play (Ctrl-C, a signal): the game did not end, so it has no game_ended and
        # counts as not played; --resume plays it again.
        events.info("game_interrupted", turns=turn())
        raise
    ended = result()
    if ended is None:
        outcome, reason = ending_of(run)
        ended = GameResult(game_id, outcome, turn(), None, reason, subject)
    ended.log(events)
    return ended


def ending_of(run: RunResult) -> tuple[Outcome, str]:
    """How a run that the referee did not end maps to a game outcome."""
    if run.status is RunStatus.FAILED and isinstance(run.error, PlayerLeft):
        who = f"the person playing the {run.agent}" if run.agent else "the person playing"
        return Outcome.ABORTED, f"{who} left the game"
    if run.status is RunStatus.INTERRUPTED:
        return Outcome.ABORTED, run.reason
    if run.status is RunStatus.FAILED and isinstance(run.error, ModelError) and run.agent:
        return Outcome.ERROR, f"the {run.agent}'s model failed: {run.error}"  # the cause, said once
    return Outcome.ERROR, run.reason
