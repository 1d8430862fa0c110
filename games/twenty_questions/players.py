"""The Questioner and the Answerer: one node each, looping: receive from the referee, think, reply.

Thinking is a model call through `AgentModel`, whatever the model is (OpenAI-compatible server, the
offline players, a person at the keyboard, a replayed log): only the step that produces text differs.
"""

from __future__ import annotations

from typing import Any

from agents import AgentModel, ModelReplyNode, Prompt, looping
from games.kit.referee import REPROMPT
from games.twenty_questions import prompts
from games.twenty_questions.state import ANSWERER, QUESTIONER, REFEREE, Exchange, PlayerState
from runtime import AsyncFlow, Message

# Message kinds between the referee and the players.
START = "start"  # referee -> questioner: the game begins (body: turn, questions)
MOVE = "move"  # questioner -> referee: the raw reply, a question or a guess
QUESTION = "question"  # referee -> answerer: the question as parsed (body: turn, thing)
ANSWER = "answer"  # answerer -> referee (the raw reply); referee -> questioner (body: question, answer, turn)
WRONG = "wrong"  # referee -> questioner: a wrong guess (body: guess, turn)


class PlayerNode(ModelReplyNode):
    """One player's loop step. Settings only (role, model, system template); memory is PlayerState."""

    def __init__(self, role: str, model: AgentModel, system_template: str) -> None:
        super().__init__(model, REFEREE)
        self.role = role
        self.system_template = system_template

    def prompt(self, message: Message, state: PlayerState) -> Prompt:
        user = self._user_turn(message, state)
        values = prompts.prompt_values(self.role, state.questions, state.thing, state.turn)
        return Prompt(prompts.render(self.system_template, values), user, self._observation(state, message))

    def reply_kind(self, message: Message, state: PlayerState) -> str:
        return MOVE if self.role == QUESTIONER else ANSWER

    def _user_turn(self, message: Message, state: PlayerState) -> str:
        body = message.body or {}
        if message.kind == REPROMPT:
            return prompts.reprompt(str(body.get("problem", message.text)), self.role)
        if isinstance(turn := body.get("turn"), int):
            state.turn = turn
        if self.role == ANSWERER and message.kind == QUESTION:
            state.thing = str(body["thing"])
            state.question = message.text
            return prompts.question_for_answerer(message.text, state.turn)
        if self.role == QUESTIONER and message.kind == START:
            return prompts.first_turn(state.questions)
        if self.role == QUESTIONER and message.kind == ANSWER:
            exchange = Exchange(str(body["question"]), str(body["answer"]))
            state.exchanges.append(exchange)
            return prompts.after_answer(exchange.question, exchange.answer, state.turn, state.questions)
        if self.role == QUESTIONER and message.kind == WRONG:
            guess = str(body.get("guess", message.text))
            state.guesses.append(guess)
            return prompts.after_wrong_guess(guess, state.turn, state.questions)
        raise ValueError(f"the {self.role} got an unexpected message of kind {message.kind!r}")

    def _observation(self, state: PlayerState, message: Message) -> dict[str, Any]:
        """What an offline player reasons from: only what this role may see."""
        observation: dict[str, Any] = {
            "role": self.role,
            "turn": state.turn,
            "questions": state.questions,
            "reprompt": message.kind == REPROMPT,
        }
        if self.role == ANSWERER:
            observation.update(thing=state.thing, question=state.question)
        else:
            observation.update(
                exchanges=[{"question": e.question, "answer": e.answer} for e in state.exchanges],
                guesses=list(state.guesses),
                must_guess=state.turn >= state.questions,
            )
        return observation


def player_flow(role: str, model: AgentModel, system_template: str) -> AsyncFlow:
    return looping(PlayerNode(role, model, system_template))
