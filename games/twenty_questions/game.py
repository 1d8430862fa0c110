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
from runtime import Clock

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
    return await play_in_runtime(
        game=GAME,
        game_id=setup.game_id,
        subject=setup.thing.name,
        agents=[
            (REFEREE, referee_flow(), referee),
            *(
                (
                    role,
                    player_flow(role, player.model, player.system_template),
                    PlayerState(role, setup.questions),
                )
                for role, player in ((QUESTIONER, questioner), (ANSWERER, answerer))
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
        clock=clock,
        deadline_s=deadline_s,
    )
