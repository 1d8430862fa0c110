"""One game of Twenty Questions: three agents (referee, questioner, answerer) in one Runtime, and its
result."""

from __future__ import annotations

from games.kit.definition import Player
from games.kit.outcome import GameResult
from games.kit.play import play_in_runtime
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
from runtime.clock import Clock
from runtime.events import NULL_EVENTS, EventLog

GAME = "twenty-questions"
# Who may see the secret in a transcript (the questioner's view hides it).
SECRET_FOR = (REFEREE, ANSWERER)


async def play_twenty_questions(
    setup: TwentyQuestionsSetup,
    questioner: Player,
    answerer: Player,
    *,
    events: EventLog = NULL_EVENTS,
    clock: Clock | None = None,
    deadline_s: float | None = None,
) -> GameResult:
    """Play one game to its end, its events to `events`; every ending, including a crash or Ctrl-C,
    writes `game_ended`."""
    referee = RefereeState(setup)
    seated = ((QUESTIONER, questioner), (ANSWERER, answerer))
    return await play_in_runtime(
        game=GAME,
        game_id=setup.game_id,
        subject=setup.thing.name,
        agents=[
            (REFEREE, referee_flow(), referee),
            *(
                (
                    role,
                    player_flow(role, player.in_game(events, setup.game_id).model, player.system_template),
                    PlayerState(role, setup.questions),
                )
                for role, player in seated
            ),
        ],
        started={
            "secret": setup.thing.name,
            "secret_for": list(SECRET_FOR),
            "questions": setup.questions,
            "reprompts": setup.max_reprompts,
            "seed": setup.seed,
        },
        result=lambda: referee.result,
        turn=lambda: referee.turn,
        events=events,
        clock=clock,
        deadline_s=deadline_s,
    )
