"""One game of Taboo: three agents (referee, hinter, guesser) in one Runtime, and its result."""

from __future__ import annotations

from agents import AgentModel
from games.kit.definition import Player
from games.kit.outcome import GameResult
from games.kit.play import play_in_runtime
from games.taboo.players import player_flow
from games.taboo.prompts import DEFAULT_PROMPTS
from games.taboo.referee import referee_flow
from games.taboo.state import GUESSER, HINTER, REFEREE, PlayerState, RefereeState, TabooSetup
from runtime.clock import Clock
from runtime.events import NULL_EVENTS, EventLog

GAME = "taboo"


def default_player(model: AgentModel, role: str) -> Player:
    return Player(model, DEFAULT_PROMPTS[role])


async def play_taboo(
    setup: TabooSetup,
    hinter: Player,
    guesser: Player,
    *,
    events: EventLog = NULL_EVENTS,
    clock: Clock | None = None,
    deadline_s: float | None = None,
) -> GameResult:
    """Play one game to its end, its events to `events`; every ending, including a crash or Ctrl-C,
    writes `game_ended`."""
    referee = RefereeState(setup)
    card = setup.card
    hinter = hinter.in_game(events, setup.game_id)
    guesser = guesser.in_game(events, setup.game_id)
    return await play_in_runtime(
        game=GAME,
        game_id=setup.game_id,
        subject=card.target,
        agents=[
            (REFEREE, referee_flow(), referee),
            (
                HINTER,
                player_flow(HINTER, hinter.model, hinter.system_template),
                PlayerState(HINTER, setup.turns),
            ),
            (
                GUESSER,
                player_flow(GUESSER, guesser.model, guesser.system_template),
                PlayerState(GUESSER, setup.turns),
            ),
        ],
        started={
            "card": {"target": card.target, "taboo": list(card.taboo)},
            "turns": setup.turns,
            "seed": setup.seed,
        },
        result=lambda: referee.result,
        turn=lambda: referee.turn,
        events=events,
        clock=clock,
        deadline_s=deadline_s,
    )
