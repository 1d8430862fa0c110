"""One game of Chameleon: the moderator and N players in one Runtime, and its result."""

from __future__ import annotations

from collections.abc import Mapping

import structlog

from agents import PlayerLeft
from games.chameleon.moderator import moderator_flow, result_of
from games.chameleon.players import player_flow
from games.chameleon.state import GAME_NAME, MODERATOR, PLAYERS, ChameleonSetup, ModeratorState, PlayerState
from games.common.definition import Player
from games.common.outcome import GameResult, Outcome
from runtime import Clock, RunResult, RunStatus, Runtime

log = structlog.get_logger()


async def play_chameleon(
    setup: ChameleonSetup,
    players: Mapping[str, Player],
    *,
    clock: Clock | None = None,
    deadline_s: float | None = None,
) -> GameResult:
    """Play one game to its end; every ending, including a crash or Ctrl-C, writes `game_ended`."""
    missing = set(setup.players) - set(players)
    if missing:
        raise ValueError(f"no player for the seats {sorted(missing)}")
    moderator = ModeratorState(setup)
    runtime = Runtime(clock=clock, deadline_s=deadline_s)
    runtime.add(MODERATOR, moderator_flow(), shared=moderator)
    for seat in setup.players:
        player = players[seat]
        flow = player_flow(player.model, player.system_template)
        runtime.add(seat, flow, shared=PlayerState(seat), groups=(PLAYERS,))
    with structlog.contextvars.bound_contextvars(game_id=setup.game_id):
        log.info(
            "game_started",
            game=GAME_NAME,
            game_id=setup.game_id,
            players=list(setup.players),
            category=setup.category.name,
            secret=f"{setup.secret}, chameleon {setup.chameleon}",
            secret_for=[MODERATOR],  # the only one who knows both
            first=setup.first,
            seed=setup.seed,
        )
        try:
            run = await runtime.run()
        except BaseException:
            result_of(moderator, Outcome.ABORTED, "interrupted").log()
            raise
        result = moderator.result or result_of(moderator, *_ending(run))
        result.log()
    return result


def _ending(run: RunResult) -> tuple[Outcome, str]:
    """How a run that the moderator did not end maps to a game outcome."""
    if run.status is RunStatus.FAILED and isinstance(run.error, PlayerLeft):
        return Outcome.ABORTED, "a player left the game"
    if run.status is RunStatus.INTERRUPTED:
        return Outcome.ABORTED, run.reason
    return Outcome.ERROR, run.reason
