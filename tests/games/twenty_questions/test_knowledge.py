"""The knowledge base: the shipped file passes the linter, and the linter names file, thing and field."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from games.twenty_questions.knowledge import (
    DEFAULT_THINGS_PATH,
    KnowledgeError,
    knowledge_from_data,
    lint_knowledge,
    load_knowledge,
)

SMALL = {
    "version": 1,
    "name": "small",
    "attributes": {"is_alive": "Is it alive?", "has_fur": "Does it have fur?", "can_fly": "Can it fly?"},
    "things": [
        {
            "name": "cat",
            "category": "animal",
            "alternates": ["kitten"],
            "attributes": {"is_alive": True, "has_fur": True},
        },
        {"name": "eagle", "category": "animal", "attributes": {"is_alive": True, "can_fly": True}},
        {"name": "rock", "category": "nature", "attributes": {"can_fly": None}},
    ],
}


def shipped() -> dict:
    return json.loads(DEFAULT_THINGS_PATH.read_text(encoding="utf-8"))


def test_the_shipped_knowledge_base_passes_the_linter() -> None:
    """The shipped file has no problem, at least 120 things, and a question for every attribute."""
    assert lint_knowledge(shipped(), "things.json") == []
    knowledge = load_knowledge()
    assert len(knowledge) >= 120
    assert all(question.endswith("?") for question in knowledge.questions.values())
    assert len({thing.category for thing in knowledge.things}) >= 6


def test_every_thing_answers_every_question() -> None:
    """A loaded thing has a value for every attribute: unlisted attributes are false, null is unknown."""
    knowledge = load_knowledge()
    cat = knowledge.find("cat")
    assert cat is not None
    assert set(cat.attributes) == set(knowledge.questions)
    assert cat.attributes["has_fur"] is True
    assert cat.attributes["has_wheels"] is False
    assert any(value is None for thing in knowledge.things for value in thing.attributes.values())


def test_things_are_found_with_tolerant_matching() -> None:
    """find() forgives case, articles, plurals and takes alternates."""
    knowledge = knowledge_from_data(SMALL)
    assert knowledge.find("The Kittens").name == "cat"  # type: ignore[union-attr]
    assert knowledge.find("dog") is None


@pytest.mark.parametrize(
    ("question", "attribute"),
    [
        ("Is it alive?", "is_alive"),
        ("is it ALIVE", "is_alive"),
        ("Does it fly?", "can_fly"),
        ("Has it fur?", None),
    ],
)
def test_attribute_for_a_question(question: str, attribute: str | None) -> None:
    """A question maps to the attribute whose question has the same content words."""
    assert knowledge_from_data(SMALL).attribute_for(question) == attribute


def broken(change) -> list[str]:
    data = copy.deepcopy(SMALL)
    change(data)
    return lint_knowledge(data, "things.json")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["things"][1].update(name="Cat"),
            "things.json: thing 2 ('Cat'): field 'name': 'Cat' also names thing 1 ('cat')",
        ),
        (
            lambda d: d["things"][1].update(alternates=["kittens"]),
            "thing 2 ('eagle'): field 'alternates[0]': 'kittens' also names thing 1",
        ),
        (
            lambda d: d["things"][0].update(alternates=["kitten", "a kitten"]),
            "thing 1 ('cat'): field 'alternates[1]': 'a kitten' is listed twice",
        ),
        (
            lambda d: d["things"][0]["attributes"].update(purrs=True),
            "thing 1 ('cat'): field 'attributes.purrs': unknown attribute",
        ),
        (
            lambda d: d["things"][0]["attributes"].update(has_fur="yes"),
            "field 'attributes.has_fur': must be true, false or null, not 'yes'",
        ),
        (
            lambda d: d["attributes"].update(has_fur=""),
            "things.json: field 'attributes.has_fur': missing question",
        ),
        (lambda d: d["attributes"].update(can_swim=None), "field 'attributes.can_swim': missing question"),
        (
            lambda d: d["attributes"].update(flies="Does it fly?"),
            "field 'attributes.flies': asks the same as 'can_fly'",
        ),
        (
            lambda d: d["attributes"].update(swims="Does it swim"),
            "field 'attributes.swims': the question 'Does it swim' must end with '?'",
        ),
        (
            lambda d: d["things"][2].update(attributes={"is_alive": True, "has_fur": True}),
            "thing 3 ('rock'): field 'attributes': answers every question like thing 1 ('cat')",
        ),
        (lambda d: d["things"][2].pop("category"), "thing 3 ('rock'): field 'category': missing"),
        (lambda d: d["things"][2].update(name="r0ck"), "field 'name': 'r0ck' must be letters"),
        (lambda d: d["things"][2].update(alternates="stone"), "field 'alternates': must be a list of names"),
        (lambda d: d["things"][2].update(colour="grey"), "field 'colour': unknown key"),
        (lambda d: d.update(version=2), "things.json: field 'version': must be the integer 1"),
        (lambda d: d.update(things=[]), "field 'things': must be a non-empty list"),
    ],
)
def test_the_linter_names_file_thing_and_field(change, expected: str) -> None:
    """Each kind of problem is reported with the file, the thing and the field."""
    problems = broken(change)
    assert any(expected in problem for problem in problems), problems


def test_loading_raises_the_first_problem(tmp_path: Path) -> None:
    """load_knowledge raises KnowledgeError for a broken file, for bad JSON and for a missing file."""
    data = copy.deepcopy(SMALL)
    data["things"][0]["attributes"]["purrs"] = True
    path = tmp_path / "things.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"things.json: thing 1 \('cat'\): field 'attributes.purrs'"):
        load_knowledge(path)
    path.write_text('{"version": 1,', encoding="utf-8")
    with pytest.raises(KnowledgeError, match="invalid JSON: line 1"):
        load_knowledge(path)
    with pytest.raises(KnowledgeError, match="cannot read the file"):
        load_knowledge(tmp_path / "missing.json")
