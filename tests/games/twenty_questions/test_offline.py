"""The offline players: the answerer answers from the attributes, the questioner narrows the candidates
down, and a game between them is the same for the same seed."""

from __future__ import annotations

import pytest

from agents import ChatRequest, ModelSettings
from games.kit.matching import matches
from games.kit.outcome import Outcome
from games.twenty_questions.knowledge import knowledge_from_data, load_knowledge
from games.twenty_questions.offline import (
    AnswererStyle,
    OfflineAnswerer,
    OfflineQuestioner,
    QuestionerStyle,
)
from tests.games.twenty_questions.helpers import named, play_offline

KNOWLEDGE = load_knowledge()
# Four things, two questions that split them 2/2 and one that splits them 1/3.
SMALL = knowledge_from_data(
    {
        "version": 1,
        "name": "small",
        "attributes": {"is_alive": "Is it alive?", "has_fur": "Does it have fur?", "is_red": "Is it red?"},
        "things": [
            {"name": "cat", "category": "animal", "attributes": {"is_alive": True, "has_fur": True}},
            {"name": "rose", "category": "plant", "attributes": {"is_alive": True, "is_red": True}},
            {"name": "teddy bear", "category": "object", "attributes": {"has_fur": True}},
            {"name": "rock", "category": "nature", "attributes": {"is_red": None}},
        ],
    }
)


def request(**context: object) -> ChatRequest:
    return ChatRequest(messages=(), settings=ModelSettings(model="offline"), agent="test", context=context)


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Is it alive?", "yes"),
        ("is it alive", "yes"),
        ("Does it have wheels?", "no"),
        ("Does it come out at night?", "unknown"),
        ("Can you eat it?", "no"),
        ("Is it a cat?", "yes"),
        ("Is it a kitten?", "yes"),
        ("Is it a dog?", "no"),
        ("What colour is it?", "unknown"),
        ("Is it red?", "no"),
        ("Is it a reptile?", "unknown"),
        ("Is it a hamster?", "unknown"),
        ("Is it made of metal?", "no"),
    ],
)
def test_the_answerer_answers_from_the_attributes(question: str, answer: str) -> None:
    """Known questions get the attribute's value, 'is it a X?' the name check for a known thing X, the
    rest unknown."""
    answerer = OfflineAnswerer(KNOWLEDGE, seed=1)
    assert answerer(request(thing="cat", question=question)) == f"ANSWER: {answer}"


def test_questions_with_the_same_content_words_get_the_same_answer() -> None:
    """'Is it red?' asks what 'Is it usually red?' asks."""
    answerer = OfflineAnswerer(KNOWLEDGE, seed=1)
    assert answerer.answer("apple", "Is it red?") == answerer.answer("apple", "Is it usually red?") == "yes"


def test_a_noisy_answerer_flips_yes_and_no_but_not_unknown() -> None:
    """With noise 1 every yes/no answer is wrong; unknown stays unknown."""
    answerer = OfflineAnswerer(KNOWLEDGE, seed=1, style=AnswererStyle(noise=1.0))
    assert answerer.answer("cat", "Is it alive?") == "no"
    assert answerer.answer("cat", "Does it have wheels?") == "yes"
    assert answerer.answer("cat", "Does it come out at night?") == "unknown"


def questioner_move(seed: int = 0, style: QuestionerStyle | None = None, **context: object) -> str:
    context = {"turn": 1, "questions": 20, "exchanges": [], "guesses": [], **context}
    return OfflineQuestioner(SMALL, seed, style or QuestionerStyle())(request(**context))


def test_the_questioner_asks_the_best_split() -> None:
    """With four candidates, it asks one of the 2/2 questions, never the 1/3 one; the seed breaks the tie."""
    moves = {questioner_move(seed=seed) for seed in range(20)}
    assert moves == {"QUESTION: Is it alive?", "QUESTION: Does it have fur?"}
    assert questioner_move(seed=7) == questioner_move(seed=7)


def test_candidates_follow_the_answers() -> None:
    """Yes/no answers keep the consistent things; an unknown answer removes nothing; guesses are dropped."""
    questioner = OfflineQuestioner(SMALL, 0)
    names = lambda answers, guesses=(): [t.name for t in questioner.candidates(answers, guesses)]  # noqa: E731
    assert names({"is_alive": "yes"}) == ["cat", "rose"]
    assert names({"is_alive": "no", "has_fur": "yes"}) == ["teddy bear"]
    assert names({"is_red": "unknown"}) == ["cat", "rose", "teddy bear", "rock"]
    assert names({"is_alive": "yes"}, ["cats"]) == ["rose"]
    # A yes/no about an attribute a thing leaves unknown counts half against it, a wrong one fully.
    assert names({"is_alive": "no", "is_red": "no"}) == ["teddy bear"]
    assert names({"is_alive": "no", "is_red": "yes"}) == ["rock"]


def test_the_questioner_guesses_when_one_candidate_is_left() -> None:
    """One consistent candidate: it guesses it."""
    exchanges = [{"question": "Is it alive?", "answer": "yes"}, {"question": "Is it red?", "answer": "yes"}]
    assert questioner_move(exchanges=exchanges, turn=3) == "GUESS: rose"


def test_the_questioner_guesses_on_its_last_question() -> None:
    """On the last turn it guesses one of the most likely candidates, whatever is left to ask."""
    exchanges = [{"question": "Is it alive?", "answer": "yes"}]
    move = questioner_move(exchanges=exchanges, turn=2, questions=2, must_guess=True)
    assert move in ("GUESS: cat", "GUESS: rose")


def test_an_eager_questioner_guesses_early() -> None:
    """With eagerness 1 it guesses as soon as three or fewer candidates are left."""
    exchanges = [{"question": "Is it alive?", "answer": "yes"}]
    assert questioner_move(exchanges=exchanges, turn=2).startswith("QUESTION:")
    eager = QuestionerStyle(eagerness=1.0)
    assert questioner_move(exchanges=exchanges, turn=2, style=eager).startswith("GUESS:")


async def test_same_seed_same_conversation() -> None:
    """Two games with the same seed send the same messages, a noisy answerer included."""
    noisy = AnswererStyle(noise=0.2)

    async def conversation(seed: int) -> list[tuple[str, str, str]]:
        _, events = await play_offline("guitar", seed, answerer=noisy)
        return [(e["sender"], e["recipient"], e["text"]) for e in named(events, "message_sent")]

    first = await conversation(5)
    assert len(first) > 6
    assert await conversation(5) == first


@pytest.mark.parametrize("thing", ["cat", "fire truck", "banana", "volcano", "mobile phone", "snowman"])
async def test_offline_players_find_the_thing(thing: str) -> None:
    """Between honest offline players the questioner finds the thing well within 20 questions."""
    result, events = await play_offline(thing, seed=3)
    assert result.outcome is Outcome.SUCCESS
    assert result.turns <= 12
    assert named(events, "verdict_given")[-1]["ok"] is True


def simulate(secret: str, seed: int, questions: int = 20) -> int | None:
    """The offline players' game without the runtime (the referee's rules, in short): the question
    number of the right guess, or None when the questions run out."""
    questioner, answerer = OfflineQuestioner(KNOWLEDGE, seed), OfflineAnswerer(KNOWLEDGE, seed)
    thing = KNOWLEDGE.find(secret)
    assert thing is not None
    exchanges: list[dict[str, str]] = []
    guesses: list[str] = []
    for turn in range(1, questions + 1):
        context = {"turn": turn, "questions": questions, "exchanges": exchanges, "guesses": guesses}
        tag, _, text = questioner(request(**context)).partition(": ")
        if tag == "GUESS" and matches(text, thing.names):
            return turn
        if tag == "GUESS":
            guesses.append(text)
        else:
            exchanges.append({"question": text, "answer": answerer.answer(secret, text)})
    return None


def test_every_thing_is_found() -> None:
    """Over the whole knowledge base and three seeds, honest offline players always find the thing."""
    turns = [simulate(thing.name, seed) for thing in KNOWLEDGE.things for seed in range(3)]
    assert None not in turns
    assert sum(turns) / len(turns) < 10  # type: ignore[arg-type]
