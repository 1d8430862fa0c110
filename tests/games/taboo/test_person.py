"""A person playing Taboo: told the rules and the card before the first clue, a broken rule explained."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents import ChatRequest, HumanModel, ModelSettings
from games.taboo.person import hinter_intro
from tests.support.cli import events, read_log, run_main

CARD = {"target": "thunder", "taboo": ["lightning", "storm", "loud", "rumble", "boom"]}


@pytest.mark.asyncio
async def test_the_intro_is_told_once_above_the_first_prompt() -> None:
    """The first prompt carries the rules and the card; later prompts are the prompt alone."""
    prompts: list[str] = []

    async def read_line(prompt: str) -> str:
        prompts.append(prompt)
        return "a clap after a flash"

    person = HumanModel("Your clue> ", "CLUE: ", read_line=read_line, intro=hinter_intro)
    request = ChatRequest.build(
        "hinter", [], ModelSettings(model="human"), context={"card": CARD, "turns": 5}
    )
    for _ in range(2):
        assert (await person.complete(request)).text == "CLUE: a clap after a flash"
    assert "Taboo words: lightning, storm, loud, rumble, boom." in prompts[0]
    assert "breaks a rule loses the game" in prompts[0] and prompts[0].endswith("Your clue> ")
    assert prompts[1] == "Your clue> "


def test_a_person_giving_clues_sees_the_rules_and_why_a_clue_broke_one(tmp_path: Path) -> None:
    """--human hinter: rules and taboo words before the first clue; the broken rule named in words."""
    log = tmp_path / "hinter.jsonl"
    done = run_main(
        "taboo",
        "--card",
        "thunder",
        "--human",
        "hinter",
        "--seed",
        "1",
        "--log",
        str(log),
        stdin="a loud sound in a storm\n",
    )
    assert done.returncode == 0, done.stderr
    before = done.stdout.split("Your clue>")[0]
    assert "Taboo words: lightning, storm, loud, rumble, boom." in before and "loses the game" in before
    assert events(read_log(log), "game_ended")[0]["outcome"] == "lose_violation"
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("Lost after 1 turn, score 0: the clue said 'loud', a taboo word — log: ")
    assert "taboo_word" not in done.stdout
