"""One game of Chameleon: the moderator and N players in one Runtime, and its result."""

from __future__ import annotations

from collections.abc import Mapping

from games.chameleon.moderator import moderator_flow
from games.chameleon.players import player_flow
from games.chameleon.state import GAME_NAME, MODERATOR, PLAYERS, ChameleonSetup, ModeratorState, PlayerState
from games.kit.definition import Player
from games.kit.outcome import GameResult
from games.kit.play import play_in_runtime
from runtime.clock import Clock
from runtime.events import NULL_EVENTS, EventLog


async def play_chameleon(
    setup: ChameleonSetup,
    players: Mapping[str, Player],
    *,
    events: EventLog = NULL_EVENTS,
    clock: Clock | None = None,
    deadline_s: float | None = None,
) -> GameResult:
    """Play one game to its end, its events to `events`; every ending, including a crash or Ctrl-C,
    writes `game_ended`."""
    missing = set(setup.players) - set(players)
    if missing:
        raise ValueError(f"no player for the seats {sorted(missing)}")
    moderator = ModeratorState(setup)
    seated = {seat: players[seat].in_game(events, setup.game_id) for seat in setup.players}
    seats = [
        (seat, player_flow(player.model, player.system_template), PlayerState(seat), (PLAYERS,))
        for seat, player in seated.items()
    ]
    return await play_in_runtime(
        game=GAME_NAME,
        game_id=setup.game_id,
        subject=setup.secret,
        agents=[(MODERATOR, moderator_flow(), moderator), *seats],
        started={
            "players": list(setup.players),
            "category": setup.category.name,
            "secret": f"{setup.secret}, chameleon {setup.chameleon}",
            "secret_for": [MODERATOR],  # the only one who knows both
            "first": setup.first,
            "seed": setup.seed,
        },
        result=lambda: moderator.result,
        turn=lambda: moderator.phase.number,
        events=events,
        clock=clock,
        deadline_s=deadline_s,
    )
