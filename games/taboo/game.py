"""One game of Taboo: three agents (referee, hinter, guesser) in one Runtime, and its result."""

from __future__ import annotations

from typing import Any

from agents import AgentModel
from games.kit.definition import Player
from games.kit.outcome import GameResult
from games.kit.play import play_in_runtime
from games.taboo.prompts import DEFAULT_PROMPTS
from games.taboo.referee import referee_flow
from games.taboo.rulesets import DEFAULT_RULES, rule_set
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
    rules = rule_set(setup.rules)
    referee = RefereeState(setup, rules)
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
                rules.player_flow(HINTER, hinter.model, hinter.system_template),
                PlayerState(HINTER, setup.turns),
            ),
            (
                GUESSER,
                rules.player_flow(GUESSER, guesser.model, guesser.system_template),
                PlayerState(GUESSER, setup.turns),
            ),
        ],
        started=started_fields(setup),
        result=lambda: referee.result,
        turn=lambda: referee.turn,
        events=events,
        clock=clock,
        deadline_s=deadline_s,
    )


def started_fields(setup: TabooSetup) -> dict[str, Any]:
    """Taboo's fields of `game_started`: the card, the turns and the seed; the rule set when it is not
    the default, and the clembench instance when one is played."""
    card = setup.card
    fields: dict[str, Any] = {"card": {"target": card.target, "taboo": list(card.taboo)}}
    if setup.rules != DEFAULT_RULES:
        fields["rules"] = setup.rules
    if setup.instance is not None:
        fields["instance"] = {"experiment": setup.instance.experiment.name, "game_id": setup.instance.game_id}
    return {**fields, "turns": setup.turns, "seed": setup.seed}
