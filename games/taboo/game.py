"""One game of Taboo: three agents (referee, hinter, guesser) in one Runtime, and its result."""

from __future__ import annotations

import structlog

from agents import AgentModel, PlayerLeft
from games.common.definition import Player
from games.common.outcome import GameResult, Outcome
from games.taboo.players import player_flow
from games.taboo.prompts import DEFAULT_PROMPTS
from games.taboo.referee import referee_flow
from games.taboo.state import GUESSER, HINTER, REFEREE, PlayerState, RefereeState, TabooSetup
from runtime import Clock, RunResult, RunStatus, Runtime

log = structlog.get_logger()

GAME = "taboo"


def default_player(model: AgentModel, role: str) -> Player:
    return Player(model, DEFAULT_PROMPTS[role])


async def play_taboo(
    setup: TabooSetup,
    hinter: Player,
    guesser: Player,
    *,
    clock: Clock | None = None,
    deadline_s: float | None = None,
) -> GameResult:
    """Play one game to its end; every ending, including a crash or Ctrl-C, writes `game_ended`."""
    referee = RefereeState(setup)
    runtime = Runtime(clock=clock, deadline_s=deadline_s)
    runtime.add(REFEREE, referee_flow(), shared=referee)
    runtime.add(
        HINTER,
        player_flow(HINTER, hinter.model, hinter.system_template),
        shared=PlayerState(HINTER, setup.turns),
    )
    runtime.add(
        GUESSER,
        player_flow(GUESSER, guesser.model, guesser.system_template),
        shared=PlayerState(GUESSER, setup.turns),
    )
    with structlog.contextvars.bound_contextvars(game_id=setup.game_id):
        card = setup.card
        log.info(
            "game_started",
            game=GAME,
            game_id=setup.game_id,
            card={"target": card.target, "taboo": list(card.taboo)},
            turns=setup.turns,
            seed=setup.seed,
        )
        try:
            run = await runtime.run()
        except BaseException:
            _result(setup, referee.turn, Outcome.ABORTED, "interrupted").log()
            raise
        result = referee.result or _result(setup, referee.turn, *_ending(run))
        result.log()
    return result


def _ending(run: RunResult) -> tuple[Outcome, str]:
    """How a run that the referee did not end maps to a game outcome."""
    if run.status is RunStatus.FAILED and isinstance(run.error, PlayerLeft):
        return Outcome.ABORTED, "the player left the game"
    if run.status is RunStatus.INTERRUPTED:
        return Outcome.ABORTED, run.reason
    return Outcome.ERROR, run.reason


def _result(setup: TabooSetup, turn: int, outcome: Outcome, reason: str) -> GameResult:
    return GameResult(
        game_id=setup.game_id,
        outcome=outcome,
        turns=turn,
        score=None,
        reason=reason,
        subject=setup.card.target,
    )
