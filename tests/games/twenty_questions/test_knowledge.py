"""The knowledge base: the shipped file passes the linter, and the linter names file, thing and field."""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path

import pytest

from games.twenty_questions.knowledge import (
    DEFAULT_THINGS_PATH,
    KnowledgeError,
    knowledge_from_data,
    lint_knowledge,
    load_knowledge,
)
from tests.support.datafiles import HOLE, BadFile, malformed_files, spliced

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


def knowledge_file(change, raw: str | None = None) -> bytes:
    """SMALL changed; with raw, the HOLE the change put in written as raw JSON text."""
    data = copy.deepcopy(SMALL)
    change(data)
    return spliced(data, raw) if raw is not None else json.dumps(data).encode()


def thing_field(index: int, key: str, value: object):
    return lambda d: d["things"][index].__setitem__(key, value)


def answer(value: object):
    """The cat's has_fur answer set to value."""
    return lambda d: d["things"][0]["attributes"].__setitem__("has_fur", value)


BAD_KNOWLEDGE = [
    *malformed_files(SMALL),
    BadFile(
        "things an object",
        knowledge_file(lambda d: d.update(things={})),
        "field 'things': must be a non-empty",
    ),
    BadFile(
        "attributes a list", knowledge_file(lambda d: d.update(attributes=[])), "field 'attributes': must be"
    ),
    BadFile(
        "a thing a string",
        knowledge_file(lambda d: d["things"].insert(0, "cat")),
        "thing 1: must be an object",
    ),
    BadFile(
        "a thing null",
        knowledge_file(lambda d: d["things"].append(None)),
        "thing 4: must be an object, not null",
    ),
    BadFile("a name a number", knowledge_file(thing_field(1, "name", 12)), "field 'name': must be a string"),
    BadFile(
        "a name a list", knowledge_file(thing_field(1, "name", ["eagle"])), "field 'name': must be a string"
    ),
    BadFile(
        "an alternate null", knowledge_file(thing_field(0, "alternates", [None])), "'alternates[0]': must be"
    ),
    BadFile(
        "alternates a string",
        knowledge_file(thing_field(0, "alternates", "kitten")),
        "must be a list of names",
    ),
    BadFile(
        "a category a number", knowledge_file(thing_field(0, "category", 1)), "field 'category': must be a"
    ),
    BadFile("attributes a list", knowledge_file(thing_field(0, "attributes", [])), "not a list"),
    BadFile(
        "an answer a number",
        knowledge_file(answer(1)),
        "field 'attributes.has_fur': must be true, false or null",
    ),
    BadFile("an answer a float", knowledge_file(answer(0.0)), "must be true, false or null, not 0.0"),
    BadFile("an answer a string", knowledge_file(answer("yes")), "must be true, false or null, not 'yes'"),
    BadFile("an answer NaN", knowledge_file(answer(HOLE), "NaN"), "things[0].attributes.has_fur: NaN is not"),
    BadFile(
        "a huge answer", knowledge_file(answer(HOLE), "1" * 5000), "things[0].attributes.has_fur: a number"
    ),
    BadFile(
        "an answer twice",
        knowledge_file(answer(HOLE), 'true, "has_fur": false'),
        "the key 'has_fur' is given",
    ),
    BadFile(
        "a question a number", knowledge_file(lambda d: d["attributes"].update(has_fur=1)), "missing question"
    ),
    BadFile(
        "version a float", knowledge_file(lambda d: d.update(version=1.0)), "must be the integer 1, not 1.0"
    ),
    BadFile(
        "version true", knowledge_file(lambda d: d.update(version=True)), "must be the integer 1, not true"
    ),
    BadFile("a five-word name", knowledge_file(thing_field(2, "name", "a b c d e")), "has more than 4 words"),
    BadFile(
        "2001 things", knowledge_file(lambda d: d.update(things=[d["things"][0]] * 2001)), "holds 2001 things"
    ),
    BadFile(
        "501 attributes",
        knowledge_file(lambda d: d.update(attributes={f"a{i}": "Is it?" for i in range(501)})),
        "holds 501 attributes",
    ),
]


@pytest.mark.parametrize("case", BAD_KNOWLEDGE, ids=lambda case: case.id)
def test_a_malformed_knowledge_file_is_one_line_naming_the_file_and_the_place(
    tmp_path: Path, case: BadFile
) -> None:
    """Every malformed knowledge base raises KnowledgeError: one short line, the file's path first."""
    path = tmp_path / "things.json"
    path.write_bytes(case.content)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and case.fragment in message, message
    assert "\n" not in message and len(message) < 200 + len(str(path))


def test_linting_many_distinct_names_ends_in_seconds() -> None:
    """2,000 things with three names each lint in well under ten seconds (no pairwise comparison)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    names = [f"{a}{b}{c}x" for a in letters for b in letters for c in letters][:6000]
    attributes = {f"a{i}": f"Is it number {i}?" for i in range(11)}
    things = [
        {
            "name": names[3 * i],
            "category": "x",
            "alternates": names[3 * i + 1 : 3 * i + 3],
            "attributes": {f"a{bit}": True for bit in range(11) if i >> bit & 1},
        }
        for i in range(2000)
    ]
    data = {"version": 1, "name": "big", "attributes": attributes, "things": things}
    started = time.perf_counter()
    assert len(knowledge_from_data(data)) == 2000
    assert time.perf_counter() - started < 10
