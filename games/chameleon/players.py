"""A player: two nodes in a loop. `Listen` takes the moderator's next message and notes what it says;
when the message asks for something (a clue, a vote, a guess, a better-formed reply), `Answer` asks
the model and sends the reply to the moderator, privately.

Thinking is a model call through `AgentModel`, whatever the model is (a chat-completions server, an
offline player, a person at the keyboard, a replayed log).
"""

from __future__ import annotations

from typing import Any

from agents import AgentModel, ChatReply, ModelAskNode, ModelTurn, Prompt
from games.chameleon import prompts
from games.chameleon.state import MODERATOR, Phase, PlayerState
from games.kit.referee import REPROMPT  # the reply was malformed, try again (body: problem)
from runtime import CONTINUE, AgentNode, AsyncFlow, Message

# Message kinds. The moderator's questions, each to one player unless said otherwise:
ASK_CLUE = "ask_clue"
ASK_VOTE = "ask_vote"  # to every player (a broadcast)
ASK_GUESS = "ask_guess"  # to the chameleon, once caught
# The moderator's news:
DEAL = "deal"  # body: category, players, first, chameleon, and the secret for all but the chameleon
CLUE = "clue"  # a player's reply; from the moderator, a checked clue for everyone (body: player, clue)
VOTES = "votes"  # every vote and who is caught, for everyone (body: votes, counts, caught, chameleon)
# The players' replies:
VOTE = "vote"
GUESS = "guess"

QUESTIONS = {ASK_CLUE: Phase.CLUES, ASK_VOTE: Phase.VOTES, ASK_GUESS: Phase.GUESS}
REPLY_KINDS = {Phase.CLUES: CLUE, Phase.VOTES: VOTE, Phase.GUESS: GUESS}
REPLY_PREFIXES = {Phase.CLUES: "CLUE: ", Phase.VOTES: "VOTE: ", Phase.GUESS: "GUESS: "}
ASK = "ask"  # Listen's action when the message wants an answer


class Listen(AgentNode):
    """Takes the moderator's next message into the player's state."""

    async def prep_async(self, state: PlayerState) -> Message:
        return await self.agent.receive(expecting=MODERATOR)

    async def post_async(self, state: PlayerState, message: Message, exec_res: object) -> str:
        body = message.body or {}
        if message.kind == DEAL:
            state.players = tuple(body["players"])
            state.category = str(body["category"])
            state.chameleon = bool(body["chameleon"])
            state.secret = None if state.chameleon else str(body["secret"])
            state.dealt = message.text
        elif message.kind == CLUE:
            state.clues.append((str(body["player"]), str(body["clue"])))
        elif message.kind == VOTES:
            state.reveal = message.text
        elif message.kind in QUESTIONS or message.kind == REPROMPT:
            state.phase = QUESTIONS.get(message.kind, state.phase)
            state.asked = message
            return ASK
        else:
            raise ValueError(f"{state.name} got an unexpected message of kind {message.kind!r}")
        return CONTINUE


class Answer(ModelAskNode):
    """Asks the model the moderator's question and sends the reply back. Settings only: the model and
    the system prompt template; memory is PlayerState."""

    def __init__(self, model: AgentModel, system_template: str) -> None:
        super().__init__(model, MODERATOR)
        self.system_template = system_template

    async def prep_async(self, state: PlayerState) -> ModelTurn:
        question = state.asked
        assert question is not None, "Answer runs only after Listen saw a question"
        system = prompts.render(self.system_template, prompts.prompt_values(state))
        prompt = Prompt(system, _user_turn(state, question), observation(state, question))
        return ModelTurn(question, prompt, tuple(state.conversation))

    def reply_kind(self, message: Message, state: PlayerState) -> str:
        return REPLY_KINDS[state.phase]

    async def post_async(self, state: PlayerState, turn: ModelTurn, reply: ChatReply) -> str:
        state.asked = None
        return await super().post_async(state, turn, reply)


def _user_turn(state: PlayerState, question: Message) -> str:
    """The question in words; the first one repeats the deal, so that a persona's prompt without the
    game's placeholders still tells the player what it knows."""
    turn = _question(state, question)
    return f"{state.dealt}\n{turn}" if not state.conversation and state.dealt else turn


def _question(state: PlayerState, question: Message) -> str:
    if question.kind == REPROMPT:
        return prompts.reprompt(str((question.body or {}).get("problem", question.text)), state.phase)
    if state.phase is Phase.CLUES:
        return prompts.clue_request(state)
    if state.phase is Phase.VOTES:
        return prompts.vote_request(state)
    return prompts.guess_request(state)


def observation(state: PlayerState, question: Message) -> dict[str, Any]:
    """What an offline player reasons from: only what this player was told."""
    seen: dict[str, Any] = {
        "name": state.name,
        "players": list(state.players),
        "category": state.category,
        "chameleon": state.chameleon,
        "phase": str(state.phase),
        "clues": [list(pair) for pair in state.clues],
        "reprompt": question.kind == REPROMPT,
        "reply_prefix": REPLY_PREFIXES[state.phase],  # what a person's typed line is taken as
    }
    if state.secret is not None:
        seen["secret"] = state.secret
    return seen


def player_flow(model: AgentModel, system_template: str) -> AsyncFlow:
    listen = Listen()
    answer = Answer(model, system_template)
    listen - CONTINUE >> listen
    listen - ASK >> answer
    answer - CONTINUE >> listen
    return AsyncFlow(start=listen)
