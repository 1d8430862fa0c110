"""The knowledge base: things, the yes/no attributes that describe them, and the question that asks
each attribute. Loading runs the linter; a problem raises KnowledgeError naming file, thing and field.

File format (data/things.json):

    {"version": 1, "name": "...",
     "attributes": {"is_alive": "Is it alive?", ...},
     "things": [{"name": "cat", "category": "animal", "alternates": ["kitten"],
                 "attributes": {"is_alive": true, "has_fur": true, "comes_out_at_night": null}}]}

A thing's attribute is true, false or null (unknown: the answer depends, or nobody could say). An
attribute a thing does not list is false, so each thing lists what is true of it and what is unknown.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from games.kit.datafile import DataFileError, clipped, describe, read_json, shown, too_many
from games.kit.matching import answer_words, same_answer
from games.kit.morphology import singulars
from games.kit.normalize import words
from games.twenty_questions.errors import KnowledgeError

__all__ = [
    "DEFAULT_THINGS_PATH",
    "Knowledge",
    "KnowledgeError",
    "Thing",
    "knowledge_from_data",
    "lint_knowledge",
    "load_knowledge",
    "question_key",
]

DEFAULT_THINGS_PATH = Path(__file__).with_name("data") / "things.json"
VERSION = 1
TOP_KEYS = ("version", "name", "attributes", "things")
THING_KEYS = ("name", "category", "alternates", "attributes")
REQUIRED_THING_KEYS = ("name", "category", "attributes")
MAX_NAME_WORDS = 4
MAX_THINGS = 2000
MAX_ATTRIBUTES = 500
MAX_ALTERNATES = 20
FOUND_KEPT = 4096  # names whose lookup a Knowledge remembers (a game asks for its secret at every question)
_ATTRIBUTE = re.compile(r"[a-z][a-z0-9_]*")
_NAME = re.compile(r"[^\W\d_]+(?:[ '-][^\W\d_]+)*")
# Words that do not change what a yes/no question asks ("Can it fly?" = "Does it fly?").
_FILLER = frozenset(
    "is it a an the does do can could would will be of its you your people thing".split()
    + "usually commonly mostly".split()
)


@dataclass(frozen=True)
class Thing:
    """A thing that can be the secret: its name, accepted alternates and every attribute's value."""

    name: str
    category: str
    alternates: tuple[str, ...]
    attributes: Mapping[str, bool | None]  # every attribute of the knowledge base

    @property
    def names(self) -> tuple[str, ...]:
        """Every answer that names this thing."""
        return (self.name, *self.alternates)


@dataclass(frozen=True)
class Knowledge:
    """A loaded knowledge base: the questions by attribute, and the things in file order."""

    name: str
    questions: Mapping[str, str]  # attribute -> its yes/no question
    things: tuple[Thing, ...]
    _by_question: Mapping[str, str] = field(init=False, repr=False, compare=False)
    _by_name: tuple[tuple[tuple[str, ...], Thing], ...] = field(init=False, repr=False, compare=False)
    _found: dict[tuple[str, ...], Thing | None] = field(init=False, repr=False, compare=False)
    _named: dict[tuple[str, ...], frozenset[int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_found", {})
        object.__setattr__(self, "_named", {})
        keys = {question_key(question): attribute for attribute, question in self.questions.items()}
        object.__setattr__(self, "_by_question", MappingProxyType(keys))
        names = tuple((answer_words(name), thing) for thing in self.things for name in thing.names)
        object.__setattr__(self, "_by_name", names)

    def __len__(self) -> int:
        return len(self.things)

    def find(self, name: str) -> Thing | None:
        """The thing `name` names (tolerant matching, alternates included), or None."""
        said = answer_words(name)
        if said in self._found:  # the answerer looks its secret up at every question
            return self._found[said]
        found = next((thing for words, thing in self._by_name if same_answer(said, words)), None)
        if len(self._found) < FOUND_KEPT:
            self._found[said] = found
        return found

    def named_by(self, guess: str) -> frozenset[int]:
        """The positions in `things` of every thing `guess` names (as games.kit.matching.matches says).
        Remembered: the offline questioner leaves out every thing guessed so far, at each question."""
        said = answer_words(guess)
        named = self._named.get(said)
        if named is None:
            named = frozenset(
                number
                for number, thing in enumerate(self.things)
                if any(same_answer(said, answer_words(name)) for name in thing.names)
            )
            if len(self._named) < FOUND_KEPT:
                self._named[said] = named
        return named

    def attribute_for(self, question: str) -> str | None:
        """The attribute a question asks: its own question, or one with the same content words."""
        return self._by_question.get(question_key(question))


def question_key(question: str) -> str:
    """What a question asks, for lookups: its folded content words, singular, sorted."""
    content = {min(singulars(word)) for word in words(question) if word not in _FILLER}
    return " ".join(sorted(content))


# --- loading -------------------------------------------------------------------------------------------


def load_knowledge(path: str | Path = DEFAULT_THINGS_PATH) -> Knowledge:
    """Read, lint and build a knowledge base; raise KnowledgeError on the first problem."""
    label = str(path)
    try:
        data = read_json(path)
    except DataFileError as exc:
        raise KnowledgeError(str(exc), path=label) from exc
    return knowledge_from_data(data, label)


def knowledge_from_data(data: object, source: str = "<things>") -> Knowledge:
    """Lint parsed JSON and build the Knowledge; raise the first problem as a KnowledgeError."""
    for problem in _problems(data, source):
        raise problem
    assert isinstance(data, dict)
    questions: dict[str, str] = data["attributes"]
    things = tuple(_thing(raw, questions) for raw in data["things"])
    return Knowledge(name=data["name"], questions=MappingProxyType(dict(questions)), things=things)


def _thing(raw: dict, questions: Mapping[str, str]) -> Thing:
    given = raw["attributes"]
    values = {attribute: given.get(attribute, False) for attribute in questions}
    return Thing(raw["name"], raw["category"], tuple(raw.get("alternates", ())), MappingProxyType(values))


# --- linting -------------------------------------------------------------------------------------------


def lint_knowledge(data: object, source: str = "<things>") -> list[str]:
    """Every problem of a parsed knowledge base, as "source: thing N ('name'): field 'f': reason"."""
    return [str(problem) for problem in _problems(data, source)]


def _problems(data: object, path: str) -> Iterator[KnowledgeError]:
    if not isinstance(data, dict):
        yield KnowledgeError(f"the top level must be an object, not {describe(data)}", path=path)
        return
    for key in sorted(data.keys() - set(TOP_KEYS)):
        yield KnowledgeError("unknown key", path=path, field=clipped(key))
    version = data.get("version")
    if type(version) is not int or version != VERSION:
        yield KnowledgeError(
            f"must be the integer {VERSION}, not {shown(version)}", path=path, field="version"
        )
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        yield KnowledgeError("must be a non-empty string", path=path, field="name")
    attributes = data.get("attributes")
    if not isinstance(attributes, dict) or not attributes:
        yield KnowledgeError(
            f"must be a non-empty object of attribute: question, not {describe(attributes)}",
            path=path,
            field="attributes",
        )
        return
    if reason := too_many(attributes, MAX_ATTRIBUTES, "attributes"):
        yield KnowledgeError(reason, path=path, field="attributes")
        return
    yield from _attribute_problems(attributes, path)
    things = data.get("things")
    if not isinstance(things, list) or not things:
        reason = f"must be a non-empty list of things, not {describe(things)}"
        yield KnowledgeError(reason, path=path, field="things")
        return
    if reason := too_many(things, MAX_THINGS, "things"):
        yield KnowledgeError(reason, path=path, field="things")
        return
    named: dict[tuple[str, ...], int] = {}  # each answer key of a valid name -> the first thing it names
    answers: dict[tuple[bool | None, ...], int] = {}
    for number, thing in enumerate(things, start=1):
        problems = list(_thing_problems(thing, number, attributes, path))
        yield from problems
        if problems:
            continue
        name = thing["name"]
        alternates = thing.get("alternates", ())
        listed = ((f"alternates[{index}]", alternate) for index, alternate in enumerate(alternates))
        for where, entry in (("name", name), *listed):
            keys = _answer_keys(answer_words(entry))
            first = min((named[key] for key in keys if key in named), default=None)
            if first == number:
                reason = f"{entry!r} is listed twice (the same answer as another of its names)"
            elif first is not None:
                reason = f"{entry!r} also names thing {first} ({things[first - 1]['name']!r})"
            if first is not None:
                yield KnowledgeError(reason, path=path, thing=number, name=name, field=where)
            for key in keys:
                named.setdefault(key, number)
        row = tuple(thing["attributes"].get(attribute, False) for attribute in attributes)
        twin = answers.setdefault(row, number)
        if twin != number:
            twin_name = things[twin - 1]["name"]
            reason = f"answers every question like thing {twin} ({twin_name!r}): no question tells them apart"
            yield KnowledgeError(reason, path=path, thing=number, name=name, field="attributes")


def _answer_keys(said: tuple[str, ...]) -> set[tuple[str, ...]]:
    """Keys two answers share exactly when they match (matching.same_answer): each choice of one
    singular per word, and each singular of the words glued together. Linear, where comparing every
    pair of names would take minutes on a large file."""
    if not said:
        return set()
    keys = {("glued", singular) for singular in singulars("".join(said))}
    keys.update(("words", *choice) for choice in itertools.product(*map(singulars, said)))
    return keys


def _attribute_problems(attributes: dict, path: str) -> Iterator[KnowledgeError]:
    seen: dict[str, str] = {}
    for attribute, question in attributes.items():
        field = f"attributes.{clipped(attribute)}"
        if not _ATTRIBUTE.fullmatch(attribute):
            yield KnowledgeError("attribute names are lower_snake_case", path=path, field=field)
        if not isinstance(question, str) or not question.strip():
            yield KnowledgeError(
                "missing question: give the yes/no question that asks it", path=path, field=field
            )
            continue
        if not question.rstrip().endswith("?"):
            yield KnowledgeError(f"the question {shown(question)} must end with '?'", path=path, field=field)
        other = seen.setdefault(question_key(question), attribute)
        if other != attribute:
            yield KnowledgeError(f"asks the same as {other!r}", path=path, field=field)


def _thing_problems(thing: object, number: int, attributes: dict, path: str) -> Iterator[KnowledgeError]:
    if not isinstance(thing, dict):
        yield KnowledgeError(f"must be an object, not {describe(thing)}", path=path, thing=number)
        return
    name = thing.get("name") if isinstance(thing.get("name"), str) else None

    def problem(field: str, reason: str) -> KnowledgeError:
        return KnowledgeError(reason, path=path, thing=number, name=name, field=field)

    for key in sorted(thing.keys() - set(THING_KEYS)):
        yield problem(clipped(key), "unknown key")
    for key in REQUIRED_THING_KEYS:
        if key not in thing:
            yield problem(key, "missing")
    alternates = thing.get("alternates", [])
    if not isinstance(alternates, list):
        yield problem("alternates", f"must be a list of names, not {describe(alternates)}")
        alternates = []
    if reason := too_many(alternates, MAX_ALTERNATES, "names"):
        yield problem("alternates", reason)
        alternates = []
    entries = [("name", thing["name"])] if "name" in thing else []
    listed = ((f"alternates[{index}]", alternate) for index, alternate in enumerate(alternates))
    for where, entry in [*entries, *listed]:
        if not isinstance(entry, str):
            yield problem(where, f"must be a string, not {describe(entry)}")
        elif not _NAME.fullmatch(entry):
            yield problem(
                where, f"{shown(entry)} must be letters, with single spaces, hyphens or apostrophes"
            )
        elif len(entry.split()) > MAX_NAME_WORDS:
            yield problem(where, f"{shown(entry)} has more than {MAX_NAME_WORDS} words")
    category = thing.get("category")
    if "category" in thing and (not isinstance(category, str) or not category.strip()):
        yield problem("category", f"must be a non-empty string, not {shown(category)}")
    values = thing.get("attributes")
    if "attributes" in thing and not isinstance(values, dict):
        yield problem(
            "attributes", f"must be an object of attribute: true, false or null, not {describe(values)}"
        )
        return
    for attribute, value in (values or {}).items():
        if attribute not in attributes:
            yield problem(
                f"attributes.{clipped(attribute)}", "unknown attribute (not in the file's attributes)"
            )
        elif value is not None and not isinstance(value, bool):
            yield problem(
                f"attributes.{clipped(attribute)}", f"must be true, false or null, not {shown(value)}"
            )
