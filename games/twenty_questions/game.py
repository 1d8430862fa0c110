"""One game of Twenty Questions: three agents (referee, questioner, answerer) in one Runtime, and its
result."""

from __future__ import annotations

import structlog

from agents import PlayerLeft
from games.common.definition import Player
from games.common.outcome import GameResult, Outcome
from games.twenty_questions.players import player_flow
from games.twenty_questions.referee import referee_flow
from games.twenty_questions.state import (
    ANSWERER,
    QUESTIONER,
    REFEREE,
    PlayerState,
    RefereeState,
    TwentyQuestionsSetup,
)
from runtime import Clock, RunResult, RunStatus, Runtime

log = structlog.get_logger()

GAME = "twenty-questions"
# Who may see the secret in a transcript (the questioner's view hides it).
SECRET_FOR = (REFEREE, ANSWERER)


async def play_twenty_questions(
    setup: TwentyQuestionsSetup,
    questioner: Player,
    answerer: Player,
    *,
    clock: Clock | None = None,
    deadline_s: float | None = None,
) -> GameResult:
    """Play one game to its end; every ending, including a crash or Ctrl-C, writes `game_ended`."""
    referee = RefereeState(setup)
    runtime = Runtime(clock=clock, deadline_s=deadline_s)
    runtime.add(REFEREE, referee_flow(), shared=referee)
    for role, player in ((QUESTIONER, questioner), (ANSWERER, answerer)):
        flow = player_flow(role, player.model, player.system_template)
        runtime.add(role, flow, shared=PlayerState(role, setup.questions))
    with structlog.contextvars.bound_contextvars(game_id=setup.game_id):
        log.info(
            "game_started",
            game=GAME,
            game_id=setup.game_id,
            secret=setup.thing.name,
            secret_for=list(SECRET_FOR),
            questions=setup.questions,
            reprompts=setup.max_reprompts,
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


def _result(setup: TwentyQuestionsSetup, turn: int, outcome: Outcome, reason: str) -> GameResult:
    return GameResult(
        game_id=setup.game_id,
        outcome=outcome,
        turns=turn,
        score=None,
        reason=reason,
        subject=setup.thing.name,
    )
