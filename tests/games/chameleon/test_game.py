"""Whole Chameleon games through the runtime: scripted models for who-sees-what, and the real client
against the loopback chat-completions server for every ending."""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Mapping

import pytest

from agents import AgentModel, Endpoint, Gateway, ModelSettings, OpenAIModel, RetryPolicy, TransientModelError
from games.chameleon.game import play_chameleon
from games.chameleon.prompts import DEFAULT_PROMPT
from games.chameleon.state import MODERATOR, PASS, ChameleonSetup
from games.kit.definition import Player
from games.kit.outcome import GameResult, Outcome
from runtime.events import NULL_EVENTS, EventLog, capture_events
from tests.games.chameleon.helpers import make_setup, named, no_sleep, play_scripted, sent
from tests.support.chat_server import ChatServer, Reply

# Three players on "banana", the chameleon p3, clues in the order p1, p2, p3.
HONEST = {
    "p1": ["CLUE: monkey", "VOTE: p3"],
    "p2": ["CLUE: peel", "VOTE: p3"],
    "p3": ["CLUE: juicy", "VOTE: p1", "GUESS: mango"],
}


async def test_a_caught_chameleon_that_guesses_wrong_is_a_success():
    """Caught by two votes, the chameleon guesses 'mango': success, score 100, three rounds."""
    result, events, _ = await play_scripted(make_setup(), HONEST)

    assert result.outcome is Outcome.SUCCESS
    assert (result.score, result.turns, result.subject) == (100, 3, "banana")
    assert named(events, "votes_counted")[0]["caught"] == "p3"
    guess = named(events, "verdict_given")[-1]
    assert guess["about"] == "p3" and guess["ok"] is False and "mango" in guess["text"]
    assert [e["round"] for e in named(events, "turn_started")] == ["clues", "votes", "guess"]
    assert named(events, "game_ended")[0]["outcome"] == "success"


async def test_a_caught_chameleon_that_names_the_word_escapes():
    """A guess matched tolerantly ('Bananas!' for banana) wins it for the chameleon: lose_turns, score 0."""
    scripts = {**HONEST, "p3": ["CLUE: juicy", "VOTE: p1", "GUESS: Bananas!"]}

    result, _, _ = await play_scripted(make_setup(), scripts)

    assert result.outcome is Outcome.LOSE_TURNS and result.score == 0 and result.turns == 3


async def test_catching_an_innocent_lets_the_chameleon_escape_without_a_guess():
    """The most votes on a player who knows the word ends the game after the vote: nobody guesses."""
    scripts = {
        "p1": ["CLUE: monkey", "VOTE: p2"],
        "p2": ["CLUE: peel", "VOTE: p1"],
        "p3": ["CLUE: juicy", "VOTE: p2"],
    }

    result, events, models = await play_scripted(make_setup(), scripts)

    assert result.outcome is Outcome.LOSE_TURNS and result.turns == 2
    assert "the votes caught p2 instead" in result.reason
    assert sent(events, "ask_guess") == [] and len(models["p3"].requests) == 2


async def test_a_tie_catches_nobody():
    """One vote each: a tie, nobody is caught, the chameleon escapes."""
    scripts = {
        "p1": ["CLUE: monkey", "VOTE: p2"],
        "p2": ["CLUE: peel", "VOTE: p3"],
        "p3": ["CLUE: juicy", "VOTE: p1"],
    }

    result, events, _ = await play_scripted(make_setup(), scripts)

    assert result.outcome is Outcome.LOSE_TURNS
    assert named(events, "votes_counted")[0]["caught"] is None
    assert "a tie in the votes caught nobody" in result.reason and result.winner == "the chameleon p3"


async def test_a_broken_clue_is_heard_as_a_pass_and_the_game_goes_on():
    """A clue that is the secret's plural is a rule_violation; everyone hears '(pass)' instead."""
    scripts = {**HONEST, "p2": ["CLUE: Bananas", "VOTE: p3"]}

    result, events, _ = await play_scripted(make_setup(), scripts)

    violation = named(events, "rule_violation")[0]
    assert (violation["agent"], violation["rule"], violation["span"], violation["text"]) == (
        "p2",
        "secret_word",
        [0, 7],
        "Bananas",
    )
    assert violation["seen_by"] == ["p2", MODERATOR]
    heard = {e["text"] for e in sent(events, "clue") if e["sender"] == MODERATOR}
    assert heard == {"p1: monkey", f"p2: {PASS}", "p3: juicy"}
    assert result.outcome is Outcome.SUCCESS


async def test_the_chameleon_never_receives_the_secret():
    """No message to the chameleon and no request its model gets holds the secret, even a leaked clue."""
    scripts = {**HONEST, "p2": ["CLUE: bananas", "VOTE: p3"]}

    _, events, models = await play_scripted(make_setup(), scripts)

    to_chameleon = [e for e in named(events, "message_sent") if e["recipient"] == "p3"]
    assert to_chameleon and all("banana" not in str(e).lower() for e in to_chameleon)
    requests = models["p3"].requests
    assert len(requests) == 3  # clue, vote, guess
    for request in requests:
        assert all("banana" not in message.content.lower() for message in request.messages)
        assert "secret" not in (request.context or {}) and request.context["chameleon"] is True
    knower = models["p1"].requests[0]
    assert "Secret word: banana" in knower.messages[0].content and knower.context["secret"] == "banana"


async def test_clues_reach_every_player_and_votes_only_the_moderator():
    """Each checked clue is broadcast to every player (group 'players'); votes go to the moderator alone."""
    setup = make_setup("banana", 5, chameleon="p4", first="p3")
    scripts = {
        "p1": ["CLUE: monkey", "VOTE: p4"],
        "p2": ["CLUE: peel", "VOTE: p4"],
        "p3": ["CLUE: curved", "VOTE: p4"],
        "p4": ["CLUE: juicy", "VOTE: p5", "GUESS: mango"],
        "p5": ["CLUE: split", "VOTE: p4"],
    }

    result, events, _ = await play_scripted(setup, scripts)

    clues = [e for e in sent(events, "clue") if e["sender"] == MODERATOR]
    assert len(clues) == 5 * 5
    for start in range(0, len(clues), 5):
        copies = clues[start : start + 5]
        assert [e["recipient"] for e in copies] == list(setup.players)
        assert {(e["text"], e["group"]) for e in copies} == {(copies[0]["text"], "players")}
    assert [e["text"].split(":")[0] for e in clues[::5]] == ["p3", "p4", "p5", "p1", "p2"]  # turn order
    votes = sent(events, "vote")
    assert sorted(e["sender"] for e in votes) == list(setup.players)
    assert {e["recipient"] for e in votes} == {MODERATOR} and all("group" not in e for e in votes)
    between_players = [
        e for e in named(events, "message_sent") if e["sender"] != MODERATOR and e["recipient"] != MODERATOR
    ]
    assert between_players == []
    assert result.outcome is Outcome.SUCCESS


async def test_a_vote_for_oneself_or_a_stranger_is_re_prompted():
    """A vote for oneself is malformed and re-prompted; the player's next vote counts."""
    scripts = {**HONEST, "p1": ["CLUE: monkey", "VOTE: p1", "VOTE: p3"]}

    result, events, models = await play_scripted(make_setup(), scripts)

    malformed = named(events, "reply_malformed")
    assert [e["offender"] for e in malformed] == ["p1"] and "yourself" in malformed[0]["problem"]
    assert "VOTE:" in models["p1"].requests[2].messages[-1].content
    assert result.outcome is Outcome.SUCCESS


async def test_re_prompts_are_counted_per_player_while_votes_are_pending_together():
    """p2's re-prompted vote leaves p1 its own re-prompt: p1's second malformed vote alone aborts."""
    scripts = {
        "p1": ["CLUE: monkey", "VOTE: nobody", "VOTE: nobody"],
        "p2": ["CLUE: peel", "VOTE: p2", "VOTE: p3"],
        "p3": ["CLUE: juicy", "VOTE: p1"],
    }

    result, events, _ = await play_scripted(make_setup(max_reprompts=1), scripts)

    malformed = [(e["offender"], e["reprompts_left"]) for e in named(events, "reply_malformed")]
    assert sorted(malformed) == [("p1", 0), ("p1", 1), ("p2", 1)]
    assert sorted(e["recipient"] for e in sent(events, "reprompt")) == ["p1", "p2"]
    assert result.outcome is Outcome.ABORTED and result.score is None
    assert result.reason == "p1 kept replying in the wrong format" and result.turns == 2


# -- the real client against the loopback server ------------------------------------------------------


class Seats:
    """Scripted replies per seat for the loopback server, found by the seat named in the system prompt."""

    def __init__(self, scripts: Mapping[str, list[str]]) -> None:
        self.queues = {seat: deque(replies) for seat, replies in scripts.items()}
        self.lock = threading.Lock()

    def __call__(self, body: dict, index: int) -> Reply:
        seat = re.search(r"You are (p\d+)", body["messages"][0]["content"])
        assert seat is not None
        with self.lock:
            queue = self.queues[seat.group(1)]
            return Reply.text(queue.popleft()) if queue else Reply.status_error(500, "script exhausted")


def loopback_scripts(players: int, chameleon: str) -> dict[str, list[str]]:
    """Every player clues fairly and votes for the chameleon, which votes p1 (p2 if it is p1) and
    guesses wrong."""
    clues = ["monkey", "peel", "curved", "split", "bunch", "yellow", "smoothie", "tropical"]
    scripts = {}
    for index in range(1, players + 1):
        seat = f"p{index}"
        if seat == chameleon:
            scripts[seat] = ["CLUE: juicy", f"VOTE: {'p2' if seat == 'p1' else 'p1'}", "GUESS: mango"]
        else:
            scripts[seat] = [f"CLUE: {clues[index - 1]}", f"VOTE: {chameleon}"]
    return scripts


async def play_loopback(
    server: ChatServer, setup: ChameleonSetup, *, attempts: int = 2, events: EventLog = NULL_EVENTS
) -> tuple[GameResult, Gateway]:
    gateway = Gateway(retry=RetryPolicy(max_attempts=attempts), sleep=no_sleep)
    async with OpenAIModel(Endpoint(base_url=server.base_url)) as model:
        settings = ModelSettings(model="test-model", temperature=0.2)
        players = {
            seat: Player(AgentModel(gateway, model, seat, settings), DEFAULT_PROMPT) for seat in setup.players
        }
        return await play_chameleon(setup, players, events=events), gateway


@pytest.mark.parametrize("players", [3, 5])
async def test_loopback_a_caught_chameleon_that_guesses_wrong_is_a_success(chat_server, players):
    """Over HTTP, N players clue, vote the chameleon out, and it guesses wrong: success."""
    setup = make_setup("banana", players, chameleon="p2", first="p1")
    chat_server.handler = Seats(loopback_scripts(players, "p2"))

    result, _ = await play_loopback(chat_server, setup)

    assert result.outcome is Outcome.SUCCESS
    assert chat_server.calls == 2 * players + 1
    chameleon_bodies = [b for b in chat_server.bodies if "You are p2," in b["messages"][0]["content"]]
    assert chameleon_bodies and all("banana" not in str(body).lower() for body in chameleon_bodies)
    assert chat_server.bodies[0]["temperature"] == 0.2


@pytest.mark.parametrize("players", [3, 5])
async def test_loopback_a_violation_is_a_pass(chat_server, players):
    """Over HTTP, a player whose clue is two words is heard as '(pass)'; the game still ends in success."""
    scripts = loopback_scripts(players, "p2")
    scripts["p3"][0] = "CLUE: long yellow fruit"
    setup = make_setup("banana", players, chameleon="p2", first="p1")
    chat_server.handler = Seats(scripts)

    sink, events = capture_events()
    result, _ = await play_loopback(chat_server, setup, events=sink)

    violation = named(events, "rule_violation")[0]
    assert (violation["agent"], violation["rule"]) == ("p3", "one_word")
    assert f"p3: {PASS}" in {e["text"] for e in sent(events, "clue")}
    assert result.outcome is Outcome.SUCCESS


@pytest.mark.parametrize("players", [3, 5])
async def test_loopback_two_malformed_replies_abort_the_game(chat_server, players):
    """Over HTTP, a first clue without CLUE: is re-prompted once; a second malformed reply aborts."""
    scripts = loopback_scripts(players, "p2")
    scripts["p1"] = ["I would say monkey", "hmm, monkey?"]
    chat_server.handler = Seats(scripts)

    sink, events = capture_events()
    result, _ = await play_loopback(
        chat_server, make_setup("banana", players, chameleon="p2", first="p1"), events=sink
    )

    assert result.outcome is Outcome.ABORTED and result.score is None
    assert [e["offender"] for e in named(events, "reply_malformed")] == ["p1", "p1"]
    assert "CLUE: <one word>" in chat_server.bodies[1]["messages"][-1]["content"]
    assert chat_server.calls == 2


@pytest.mark.parametrize("players", [3, 5])
async def test_loopback_a_model_that_keeps_failing_is_an_error(chat_server, players):
    """Over HTTP, a server answering 500 to every attempt ends the game in error, unscored."""
    chat_server.default = Reply.status_error(500)

    result, _ = await play_loopback(chat_server, make_setup("banana", players, chameleon="p2"), attempts=3)

    assert result.outcome is Outcome.ERROR and result.score is None
    assert "'s model failed: " in result.reason and "did not answer" in result.reason
    assert chat_server.calls == 3


async def test_a_scripted_model_that_keeps_failing_is_an_error():
    """A model that stays unavailable through the retry budget ends the game in error, not a loss."""
    scripts = {**HONEST, "p1": [TransientModelError("HTTP 500"), TransientModelError("HTTP 500")]}

    result, events, _ = await play_scripted(make_setup(), scripts)

    assert result.outcome is Outcome.ERROR and result.score is None
    assert named(events, "game_ended")[0]["outcome"] == "error"
