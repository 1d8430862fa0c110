"""Whole games under the clembench rule set: what each model is sent, message for message, how the game
ends, and its scores."""

from __future__ import annotations

from pathlib import Path

from agents import AgentModel, Gateway, ModelSettings, ScriptedModel
from games.kit.definition import Player
from games.kit.outcome import Outcome
from games.taboo.clembench.instances import Instance, load_instances
from games.taboo.game import play_taboo
from games.taboo.state import GUESSER, HINTER, TabooSetup
from runtime.events import capture_events

INSTANCES = load_instances(Path(__file__).parent / "data" / "instances.json")
LANTERN = INSTANCES.by_subject("common_en/0")


async def play(hinter: list[str], guesser: list[str], instance: Instance = LANTERN):
    gateway = Gateway()
    models = {HINTER: ScriptedModel(hinter), GUESSER: ScriptedModel(guesser)}
    players = {
        role: Player(AgentModel(gateway, model, role, ModelSettings(model="m")), "a persona's prompt: unused")
        for role, model in models.items()
    }
    sink, events = capture_events()
    setup = TabooSetup(
        card=instance.card, turns=instance.experiment.max_turns, rules="clembench", instance=instance
    )
    result = await play_taboo(setup, players[HINTER], players[GUESSER], events=sink)
    sent = {role: [request.wire_messages() for request in model.requests] for role, model in models.items()}
    return result, events, sent


def user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


def assistant(text: str) -> dict[str, str]:
    return {"role": "assistant", "content": text}


async def test_each_model_hears_the_game_masters_messages_as_clembench_sends_them() -> None:
    """No system prompt; the raw replies forwarded; the guesser's prompt comes with the first clue."""
    clue_1, clue_2 = "CLUE: You carry it on a dark path.", "CLUE: A glass case with a flame inside"
    result, _, sent = await play([clue_1, clue_2], ["GUESS: torch", "GUESS: Lantern."])
    describer, guesser = LANTERN.describer_prompt(), LANTERN.guesser_prompt()
    assert guesser.endswith("Here we go.\n")
    assert sent[HINTER] == [
        [user(describer)],
        [user(describer), assistant(clue_1), user("GUESS: torch")],
    ]
    assert sent[GUESSER] == [
        [user(f"{guesser}\n\n{clue_1}")],
        [user(f"{guesser}\n\n{clue_1}"), assistant("GUESS: torch"), user(clue_2)],
    ]
    assert (result.outcome, result.turns, result.score) == (Outcome.SUCCESS, 2, 50.0)
    assert result.rules == "clembench" and result.scores["Main Score"] == 50.0


async def test_the_describer_prompt_lists_the_target_and_three_related_words() -> None:
    result, _, sent = await play(["CLUE: a boat that crosses"], [], INSTANCES.by_subject("rare_en/0"))
    prompt = sent[HINTER][0][0]["content"]
    assert (
        "The word: ferry\n" in prompt
        and "- boat\n- river\n- transport\n" in prompt
        and "crossing" not in prompt
    )
    assert "2 guesses" in prompt


async def test_a_clue_sharing_a_related_words_stem_loses_at_once() -> None:
    """The fourth related word, unlisted, counts too; the guesser is never asked."""
    result, events, sent = await play(
        ["CLUE: the crossings of a river"], [], INSTANCES.by_subject("rare_en/0")
    )
    violation = next(e for e in events if e["event"] == "rule_violation")
    assert (violation["rule"], violation["word"], violation["text"], violation["span"]) == (
        "related_stem",
        "crossing",
        "crossings",
        [4, 13],
    )
    assert (
        violation["message"]
        == "Related word 'crossing' (stem=cross) is similar to clue word 'crossings' (stem=cross)"
    )
    assert (result.outcome, result.score, result.scores["Lose"], result.scores["Aborted"]) == (
        Outcome.LOSE_VIOLATION,
        0.0,
        1,
        0,
    )
    assert sent[GUESSER] == []


async def test_a_reply_without_the_exact_tag_aborts_without_a_reprompt() -> None:
    result, events, sent = await play(["CLUE: it glows"], ["Guess: lantern"])
    malformed = [e for e in events if e["event"] == "reply_malformed"]
    assert [(e["offender"], e["reprompts_left"]) for e in malformed] == [(GUESSER, 0)]
    assert (result.outcome, result.score, result.turns) == (Outcome.ABORTED, None, 1)
    assert result.scores["Main Score"] is None and result.scores["Violated Request Count"] == 1
    assert len(sent[GUESSER]) == 1


async def test_no_right_guess_in_the_experiments_turns_loses() -> None:
    result, _, _ = await play(
        ["CLUE: it takes cars over water", "CLUE: a vessel on a fixed route"],
        ["GUESS: bridge", "GUESS: ship"],
        INSTANCES.by_subject("rare_en/0"),
    )
    assert (result.outcome, result.turns, result.scores["Request Count"]) == (Outcome.LOSE_TURNS, 2, 2)


async def test_a_guess_must_equal_the_target_after_normalising() -> None:
    """`lanterns` is not `lantern`: clembench does not stem guesses."""
    result, _, _ = await play(["CLUE: it glows", "CLUE: again", "CLUE: once more"], ["GUESS: lanterns"] * 3)
    assert result.outcome is Outcome.LOSE_TURNS
