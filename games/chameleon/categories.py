"""The categories: each a name and its words, each word with the clue words that go with it (material
for the offline players). Loading from JSON, and the linter every file passes before a game uses it.

File format (data/categories.json is the shipped one)::

    {"name": "chameleon-categories", "version": 1,
     "categories": [{"name": "fruit", "words": {"banana": ["yellow", "peel", "monkey"], ...}}, ...]}

Every word and clue word is one word (rules.is_one_word); a word appears once in the whole file; a
category has at least MIN_WORDS words, a word at least MIN_CLUES clue words, none repeated, none a form
or part of the word itself (rules.is_variant).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from games.chameleon.errors import CategoriesError
from games.chameleon.rules import is_one_word, is_variant
from games.kit.datafile import DataFileError, clipped, describe, read_json, shown, too_many
from games.kit.matching import answer_words

DEFAULT_CATEGORIES_PATH = Path(__file__).with_name("data") / "categories.json"
VERSION = 1
TOP_KEYS = ("name", "version", "categories")
CATEGORY_KEYS = ("name", "words")
MIN_WORDS = 3
MIN_CLUES = 3
MAX_WORDS = 1000  # in the whole file; with MAX_CLUES, linting takes seconds at most
MAX_CLUES = 10


@dataclass(frozen=True)
class Category:
    """A category's name and, for each of its words, the clue words associated with it."""

    name: str
    clues: Mapping[str, tuple[str, ...]]

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.clues)


@dataclass(frozen=True)
class Categories:
    """A named, versioned list of categories; every word belongs to exactly one."""

    name: str
    categories: tuple[Category, ...]
    version: int = 1

    def __len__(self) -> int:
        return len(self.categories)

    def __iter__(self) -> Iterator[Category]:
        return iter(self.categories)

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(word for category in self.categories for word in category.words)

    def named(self, name: str) -> Category | None:
        """The category called `name` (case and spacing aside), or None."""
        wanted = answer_words(name)
        return next((c for c in self.categories if answer_words(c.name) == wanted), None)

    def of(self, word: str) -> Category:
        """The category that holds `word`; KeyError if none does."""
        for category in self.categories:
            if word in category.clues:
                return category
        raise KeyError(word)


def load_categories(path: str | Path = DEFAULT_CATEGORIES_PATH) -> Categories:
    """Read and lint a categories file; CategoriesError names what is wrong and where."""
    try:
        data = read_json(path)
    except DataFileError as exc:
        raise CategoriesError(str(exc), path=str(path)) from None
    return categories_from_data(data, path=str(path))


def categories_from_data(data: Any, *, path: str = "<categories>") -> Categories:
    """Build Categories from parsed JSON, linting as it goes."""

    def problem(reason: str, **where: Any) -> CategoriesError:
        return CategoriesError(reason, path=path, **where)

    top = _object(data, "the file must hold a JSON object", problem)
    unknown = sorted(top.keys() - set(TOP_KEYS))
    if unknown:
        raise problem("unknown key", field=clipped(unknown[0]))
    entries = top.get("categories")
    if not isinstance(entries, list) or not entries:
        reason = f"must be a non-empty list of categories, not {shown(entries)}"
        raise problem(reason, field="categories")
    version = top.get("version", VERSION)
    if type(version) is not int or version != VERSION:
        raise problem(f"must be the integer {VERSION}, not {shown(version)}", field="version")
    name = top.get("name", Path(path).name)
    if not isinstance(name, str) or not name.strip():
        raise problem(f"must be a non-empty string, not {shown(name)}", field="name")
    seen_names: set[tuple[str, ...]] = set()
    seen_words: dict[str, str] = {}  # folded word -> its category's name
    categories = []
    for index, entry in enumerate(entries, start=1):
        category = _category(entry, index, problem)
        key = answer_words(category.name)
        if key in seen_names:
            raise problem("a category of this name comes earlier", category=index, name=category.name)
        seen_names.add(key)
        for word in category.words:
            folded = "".join(answer_words(word))
            if folded in seen_words:
                where = {"category": index, "name": category.name, "word": word}
                raise problem(f"the word is already in category {seen_words[folded]!r}", **where)
            seen_words[folded] = category.name
        if len(seen_words) > MAX_WORDS:
            raise problem(f"the file holds more than the {MAX_WORDS} words it may hold", category=index)
        categories.append(category)
    return Categories(name=name, categories=tuple(categories), version=version)


Problem = Callable[..., CategoriesError]


def _object(value: Any, expected: str, problem: Problem, **where: Any) -> dict[str, Any]:
    """A JSON object as a dict; anything else is a problem `where`."""
    if not isinstance(value, dict):
        raise problem(f"{expected}, not {describe(value)}", **where)
    return value


def _category(entry: Any, index: int, problem: Problem) -> Category:
    fields = _object(entry, "must be a JSON object", problem, category=index)
    name = fields.get("name")
    if not isinstance(name, str) or not name.strip():
        raise problem(f"must be a non-empty string, not {shown(name)}", category=index, field="name")
    where = {"category": index, "name": clipped(name.strip())}
    unknown = sorted(fields.keys() - set(CATEGORY_KEYS))
    if unknown:
        raise problem("unknown key", **where, field=clipped(unknown[0]))
    expected = "must be an object of word: [clue words]"
    words = _object(fields.get("words"), expected, problem, **where, field="words")
    if len(words) < MIN_WORDS:
        raise problem(f"needs at least {MIN_WORDS} words, has {len(words)}", **where, field="words")
    if reason := too_many(words, MAX_WORDS, "words"):
        raise problem(reason, **where, field="words")
    clues = {word: _clues(word, listed, problem, where) for word, listed in words.items()}
    return Category(name=name.strip(), clues=clues)


def _clues(word: str, listed: Any, problem: Problem, where: dict[str, Any]) -> tuple[str, ...]:
    at = {**where, "word": clipped(word)}
    if not word.strip() or not is_one_word(word):
        raise problem("a word must be one word: letters only, no spaces, digits or hyphens", **at)
    if not isinstance(listed, list):
        raise problem(f"must be a list of clue words, not {describe(listed)}", **at, field="clues")
    for number, clue in enumerate(listed):
        if not isinstance(clue, str):
            raise problem(f"must be a string, not {describe(clue)}", **at, field=f"clues[{number}]")
    at["field"] = "clues"
    if len(listed) < MIN_CLUES:
        raise problem(f"needs at least {MIN_CLUES} clue words, has {len(listed)}", **at)
    if len(listed) > MAX_CLUES:
        raise problem(f"has {len(listed)} clue words, more than the {MAX_CLUES} a word may have", **at)
    seen: set[str] = set()
    for clue in listed:
        if not clue.strip():
            raise problem("a clue word is empty", **at)
        if not is_one_word(clue):
            raise problem(f"{shown(clue)} is not one word", **at)
        folded = "".join(answer_words(clue))
        if folded in seen:
            raise problem(f"{shown(clue)} is listed twice", **at)
        seen.add(folded)
        if is_variant(clue, word):
            raise problem(f"{shown(clue)} is the word itself, a form of it or a part of it", **at)
    return tuple(listed)
