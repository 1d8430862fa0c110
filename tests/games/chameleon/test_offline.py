"""The offline players: real play from the categories' clue words, the same for the same seed."""

from __future__ import annotations

from collections import Counter

import pytest

from agents import ChatMessage, ChatRequest, ModelSettings
from games.chameleon.offline import PlayerKnobs, offline_policy
from games.chameleon.rules import is_variant
from games.chameleon.state import ChameleonSetup, seat_names
from games.kit.outcome import Outcome
from tests.games.chameleon.helpers import categories, named, play_offline, sent


def request(context: dict) -> ChatRequest:
    return ChatRequest.build(
        "p1", [ChatMessage("user", "?")], ModelSettings(model="offline"), context=context
    )


def seen(phase: str, clues: list[list[str]], *, secret: str | None = "banana", name: str = "p1") -> dict:
    context = {
        "name": name,
        "players": ["p1", "p2", "p3", "p4"],
        "category": "fruit",
        "chameleon": secret is None,
        "phase": phase,
        "clues": clues,
        "reprompt": False,
    }
    if secret is not None:
        context["secret"] = secret
    return context


def dealt(secret: str, players: int, seed: int) -> ChameleonSetup:
    return ChameleonSetup.deal(categories().of(secret), secret, seat_names(players), seed)


def test_the_same_seed_gives_the_same_replies():
    """Two players built from the same seed answer a sequence of requests identically."""
    contexts = [
        seen("clues", []),
        seen("clues", [["p2", "yellow"]], secret=None),
        seen("votes", [["p1", "peel"], ["p2", "juicy"], ["p3", "monkey"]]),
    ]
    first, second = (offline_policy(categories(), "p1", 7) for _ in range(2))

    assert [first(request(c)) for c in contexts] == [second(request(c)) for c in contexts]


async def test_a_whole_offline_game_is_the_same_for_the_same_seed():
    """The same seed replays the same game message for message; other seeds play other games."""
    games = [await play_offline(dealt("banana", 5, seed)) for seed in (3, 3, 4, 5)]
    said = [
        [(e["sender"], e["recipient"], e["text"]) for e in named(events, "message_sent")]
        for _, events in games
    ]

    assert said[0] == said[1]
    assert games[0][0] == games[1][0]
    assert said[0] != said[2] or said[0] != said[3]


def test_a_player_who_knows_the_word_clues_from_its_clue_words():
    """Knowing the secret, a player says one of its clue words: a fresh one unless it clues carefully
    (then it may echo one said once, which gives nothing away)."""
    secret_clues = {clue.lower() for clue in categories().of("banana").clues["banana"]}
    plain = PlayerKnobs(subtlety=0.0)
    for seed in range(30):
        context = seen("clues", [["p2", "yellow"]])
        careful = offline_policy(categories(), "p1", seed)(request(context)).removeprefix("CLUE: ")
        fresh = offline_policy(categories(), "p1", seed, plain)(request(context)).removeprefix("CLUE: ")
        assert careful.lower() in secret_clues
        assert fresh.lower() in secret_clues - {"yellow"}


def test_the_chameleon_bluffs_with_a_category_clue_word_never_a_category_word():
    """The chameleon's clue is some word's clue word, never a word of the category or its variant."""
    fruit = categories().of("banana")
    every_clue = {clue.lower() for clues in fruit.clues.values() for clue in clues}
    for seed in range(30):
        heard = [["p1", "tropical"], ["p2", "curved"]] if seed % 2 else []
        reply = offline_policy(categories(), "p3", seed)(
            request(seen("clues", heard, secret=None, name="p3"))
        )
        clue = reply.removeprefix("CLUE: ").lower()
        assert clue in every_clue
        assert not any(is_variant(clue, word) for word in fruit.words)
        assert clue not in {said for _, said in heard}


def test_a_vote_goes_to_the_clue_that_fits_the_secret_worst_never_oneself():
    """A knower votes for the player whose clue belongs to another word; nobody votes for itself."""
    clues = [["p1", "peel"], ["p2", "monkey"], ["p3", "citrus"], ["p4", "curved"]]
    for seed in range(20):
        assert offline_policy(categories(), "p1", seed)(request(seen("votes", clues))) == "VOTE: p3"
        chameleon = offline_policy(categories(), "p3", seed)(
            request(seen("votes", clues, secret=None, name="p3"))
        )
        assert chameleon != "VOTE: p3"


def test_a_caught_chameleon_guesses_the_word_the_clues_fit_best():
    """With telling clues heard, the chameleon names the word they point to."""
    clues = [["p1", "monkey"], ["p2", "curved"], ["p3", "juicy"], ["p4", "peel"]]
    reply = offline_policy(categories(), "p3", 1)(request(seen("guess", clues, secret=None, name="p3")))

    assert reply == "GUESS: banana"


def test_knobs_come_as_a_dataclass_or_a_mapping():
    """A persona's knobs may be given as PlayerKnobs or as a mapping of its fields."""
    as_mapping = offline_policy(categories(), "p1", 2, {"subtlety": 0.0, "knowledge": 1.0})

    assert as_mapping.knobs == PlayerKnobs(subtlety=0.0, knowledge=1.0)
    with pytest.raises(TypeError):
        offline_policy(categories(), "p1", 2, {"cunning": 1.0})


async def test_offline_games_end_properly_and_break_no_rule():
    """Thirty offline games of four end in success or lose_turns, with no violation or malformed reply,
    and each outcome happens."""
    outcomes: Counter[Outcome] = Counter()
    words = categories().words
    for seed in range(30):
        result, events = await play_offline(dealt(words[(seed * 11) % len(words)], 4, seed))
        outcomes[result.outcome] += 1
        assert named(events, "rule_violation") == [] and named(events, "reply_malformed") == []
        assert len(sent(events, "vote")) == 4
    assert set(outcomes) == {Outcome.SUCCESS, Outcome.LOSE_TURNS}
