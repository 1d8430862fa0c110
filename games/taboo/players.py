"""The Hinter and the Guesser: one node each, looping: receive from the referee, think, reply.

Thinking is a model call through `AgentModel`, whatever the model is (OpenAI-compatible server, the
offline players, a person at the keyboard, a replayed log): only the step that produces text differs.
"""

from __future__ import annotations

from typing import Any

from agents import AgentModel, ModelReplyNode, Prompt, looping
from games.kit.referee import REPROMPT
from games.taboo import prompts
from games.taboo.deck import Card
from games.taboo.state import HINTER, REFEREE, PlayerState
from runtime import AsyncFlow, Message

# Message kinds between the referee and the players.
CARD = "card"  # referee -> hinter: the card (body: target, taboo, alternates, allow)
CLUE = "clue"  # hinter -> referee (the raw reply); referee -> guesser (approved; body: turn, wrong_guess)
GUESS = "guess"  # guesser -> referee (the raw reply)
WRONG = "wrong"  # referee -> hinter: the guesser's wrong guess (body: guess, turn, clue)


class PlayerNode(ModelReplyNode):
    """One player's loop step. Settings only (role, model, system template); memory is PlayerState."""

    def __init__(self, role: str, model: AgentModel, system_template: str) -> None:
        super().__init__(model, REFEREE)
        self.role = role
        self.system_template = system_template

    def prompt(self, message: Message, state: PlayerState) -> Prompt:
        if message.kind == CARD:
            state.card = card_from_body(message.body or {})
        user = self._user_turn(message, state)
        card = state.card if self.role == HINTER else None
        values = prompts.prompt_values(self.role, state.turns, card, state.turn)
        system = prompts.render(self.system_template, values)
        return Prompt(system, user, observation(self.role, state, message))

    def reply_kind(self, message: Message, state: PlayerState) -> str:
        return CLUE if self.role == HINTER else GUESS

    def _user_turn(self, message: Message, state: PlayerState) -> str:
        body = message.body or {}
        if message.kind == REPROMPT:
            return prompts.reprompt(str(body.get("problem", message.text)), self.role)
        if message.kind == CARD:
            return prompts.first_clue_request()
        if message.kind == WRONG:
            guess = str(body.get("guess", message.text))
            state.guesses.append(guess)
            state.clues.append(str(body.get("clue", "")))  # the clue that guess answered was approved
            return prompts.next_clue_request(guess, state.turn, state.turns)
        if message.kind == CLUE:
            if body.get("wrong_guess"):  # a new clue comes after a wrong guess
                state.guesses.append(str(body["wrong_guess"]))
            state.clues.append(message.text)
            return prompts.clue_for_guesser(message.text, len(state.clues), state.turns)
        raise ValueError(f"the {self.role} got an unexpected message of kind {message.kind!r}")


def observation(role: str, state: PlayerState, message: Message) -> dict[str, Any]:
    """What an offline player reasons from: only what `role` may see."""
    seen: dict[str, Any] = {
        "role": role,
        "turn": state.turn,
        "turns": state.turns,
        "clues": list(state.clues),
        "guesses": list(state.guesses),
        "reprompt": message.kind == REPROMPT,
    }
    if role == HINTER and state.card is not None:
        seen["card"] = card_to_body(state.card)
    return seen


def player_flow(role: str, model: AgentModel, system_template: str) -> AsyncFlow:
    return looping(PlayerNode(role, model, system_template))


def card_to_body(card: Card) -> dict[str, Any]:
    return {
        "target": card.target,
        "taboo": list(card.taboo),
        "alternates": list(card.alternates),
        "allow": sorted(card.allow),
    }


def card_from_body(body: dict[str, Any]) -> Card:
    return Card(
        target=str(body["target"]),
        taboo=tuple(body["taboo"]),
        alternates=tuple(body.get("alternates", ())),
        allow=frozenset(body.get("allow", ())),
    )
