"""Twenty Questions' own events: none beyond the shared ones but its setup, whose secret (the thing)
only the referee and the answerer see, by the shared `secret` / `secret_for` convention."""

from __future__ import annotations

from games.kit.common_events import SHARED_EVENTS
from games.twenty_questions.facts import started_facts
from games.twenty_questions.state import REFEREE

NUMBER = (int, type(None))

TWENTY_QUESTIONS_EVENTS = (
    SHARED_EVENTS.get("game_started").extended(
        fields={"questions": NUMBER, "reprompts": NUMBER, "seed": NUMBER}, facts=started_facts
    ),
)
OFFICIALS = (REFEREE,)
