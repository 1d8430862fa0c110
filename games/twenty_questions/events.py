"""Twenty Questions' own events: its setup, whose secret (the thing) only the referee and the answerer
see, by the shared `secret` / `secret_for` convention; its ending, counted in questions; and its
messages drawn as a conversation between the two players, one line for a question and one for its
answer (the referee's relays carry the question's number), instead of four."""

from __future__ import annotations

from games.kit.common_events import SHARED_EVENTS, game_ended_presenter
from games.kit.events import Audience, Record
from games.kit.shown import Chat
from games.twenty_questions.facts import started_facts
from games.twenty_questions.players import ANSWER, MOVE, QUESTION
from games.twenty_questions.state import ANSWERER, QUESTIONER, REFEREE

NUMBER = (int, type(None))
_MESSAGE = SHARED_EVENTS.get("message_sent")
assert _MESSAGE is not None and _MESSAGE.present is not None


def _tagged(text: object, tag: str) -> bool:
    return str(text).lstrip().upper().startswith(tag)


def _message(record: Record, audience: Audience) -> Chat | None:
    """A question as the questioner asked it, numbered; its answer as the answerer gave it. A player's
    own well-formed reply is left to the referee's relay of it, which says the same in fewer words;
    a reply that is not (a guess, a malformed one) is drawn as it is."""
    sender, recipient, kind = record.get("sender"), record.get("recipient"), record.get("kind")
    body = record.get("body") if isinstance(record.get("body"), dict) else {}
    text = str(record.get("text", ""))
    if sender == REFEREE and kind == QUESTION:  # the question, parsed, on its way to the answerer
        return Chat(QUESTIONER, ANSWERER, _numbered(QUESTION, body.get("turn")), text)
    if sender == REFEREE and kind == ANSWER:  # the answer, on its way back to the questioner
        return Chat(ANSWERER, QUESTIONER, ANSWER, text)
    sees_relay = audience.viewer is None or audience.viewer == recipient or audience.viewer == REFEREE
    if sender == QUESTIONER and kind == MOVE and _tagged(text, "QUESTION:"):
        if sees_relay:
            return None
        asked = text.lstrip()[len("QUESTION:") :].strip()
        return Chat(QUESTIONER, ANSWERER, QUESTION, asked)  # the questioner's own view: its question
    if sender == ANSWERER and kind == ANSWER and _tagged(text, "ANSWER:") and audience.viewer != ANSWERER:
        return None
    return _MESSAGE.present(record, audience)  # type: ignore[misc, return-value]


def _numbered(kind: str, turn: object) -> str:
    return f"{kind} {turn}" if isinstance(turn, int) else kind


def _turn_started(record: Record, audience: Audience) -> None:
    """Each question carries its number: no line of its own between turns."""
    return None


TWENTY_QUESTIONS_EVENTS = (
    SHARED_EVENTS.get("game_started").extended(
        fields={"questions": NUMBER, "reprompts": NUMBER, "seed": NUMBER}, facts=started_facts
    ),
    SHARED_EVENTS.get("game_ended").extended(present=game_ended_presenter("question")),
    _MESSAGE.extended(present=_message),
    SHARED_EVENTS.get("turn_started").extended(present=_turn_started),
)
OFFICIALS = (REFEREE,)
