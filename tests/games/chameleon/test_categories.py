"""The categories file: the shipped one passes the linter, and every problem is named where it is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from games.chameleon.categories import DEFAULT_CATEGORIES_PATH, categories_from_data, load_categories
from games.chameleon.errors import CategoriesError
from tests.support.datafiles import HOLE, BadFile, malformed_files, spliced


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "cats.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def category(name: str = "fruit", **words: list[str]) -> dict:
    words = words or {
        "banana": ["yellow", "peel", "monkey"],
        "apple": ["orchard", "pie", "cider"],
        "cherry": ["red", "stone", "pie"],
    }
    return {"name": name, "words": words}


def test_the_shipped_file_passes_the_linter_with_room_to_play():
    """The shipped file lints clean: 20+ categories, 12-16 words each, 5-8 clue words per word."""
    shipped = load_categories(DEFAULT_CATEGORIES_PATH)

    assert len(shipped) >= 20
    for each in shipped:
        assert 12 <= len(each.words) <= 16, each.name
        for word, clues in each.clues.items():
            assert 5 <= len(clues) <= 8, (each.name, word)
    assert len(set(shipped.words)) == len(shipped.words)


def test_a_category_is_found_by_name_and_a_word_by_category():
    """named() ignores case and spacing; of() finds the category holding a word."""
    shipped = load_categories()

    found = shipped.named("  Fruit ")
    assert found is not None and "banana" in found.words
    assert shipped.of("banana").name == "fruit"
    assert shipped.named("planets") is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "must hold a JSON object"),
        ({"categories": []}, "field 'categories': must be a non-empty list"),
        (
            {"categories": [category(), category()]},
            "category 2 ('fruit'): a category of this name comes earlier",
        ),
        (
            {
                "categories": [
                    category(),
                    category("sweets", cherry=["red", "pie", "jam"], a=["b", "c", "d"], e=["f", "g", "h"]),
                ]
            },
            "category 2 ('sweets'): word 'cherry': the word is already in category 'fruit'",
        ),
        (
            {
                "categories": [
                    category(
                        banana=["yellow", "bananas", "peel"], apple=["x", "y", "z"], kiwi=["a", "b", "c"]
                    )
                ]
            },
            "word 'banana': field 'clues': 'bananas' is the word itself, a form of it or a part of it",
        ),
        (
            {
                "categories": [
                    category(
                        snowman=["snow", "carrot", "winter"], apple=["x", "y", "z"], kiwi=["a", "b", "c"]
                    )
                ]
            },
            "word 'snowman': field 'clues': 'snow' is the word itself",
        ),
        (
            {
                "categories": [
                    category(banana=["yellow", " ", "peel"], apple=["x", "y", "z"], kiwi=["a", "b", "c"])
                ]
            },
            "word 'banana': field 'clues': a clue word is empty",
        ),
        (
            {
                "categories": [
                    category(banana=["yellow", "Yellow", "peel"], apple=["x", "y", "z"], kiwi=["a", "b", "c"])
                ]
            },
            "word 'banana': field 'clues': 'Yellow' is listed twice",
        ),
        (
            {
                "categories": [
                    category(
                        banana=["yellow", "long fruit", "peel"], apple=["x", "y", "z"], kiwi=["a", "b", "c"]
                    )
                ]
            },
            "'long fruit' is not one word",
        ),
        (
            {
                "categories": [
                    category(banana=["yellow", "peel"], apple=["x", "y", "z"], kiwi=["a", "b", "c"])
                ]
            },
            "word 'banana': field 'clues': needs at least 3 clue words, has 2",
        ),
        ({"categories": [category(banana=["a", "b", "c"])]}, "field 'words': needs at least 3 words, has 1"),
        ({"categories": [{"name": "", "words": {}}]}, "category 1: field 'name': must be a non-empty string"),
        (
            {
                "categories": [
                    category(
                        **{
                            "ice cream": ["cold", "cone", "scoop"],
                            "apple": ["x", "y", "z"],
                            "kiwi": ["a", "b", "c"],
                        }
                    )
                ]
            },
            "word 'ice cream': a word must be one word",
        ),
    ],
)
def test_the_linter_names_the_problem_and_where_it_is(data, message):
    """Each kind of problem raises CategoriesError naming the file, category, word and field."""
    with pytest.raises(CategoriesError) as caught:
        categories_from_data(data, path="cats.json")

    assert str(caught.value).startswith("cats.json")
    assert message in str(caught.value)


def test_a_word_given_twice_in_one_category_is_caught_in_the_file(tmp_path):
    """A JSON key repeated inside a category's words (which json would merge silently) is an error."""
    text = (
        '{"categories": [{"name": "fruit", "words": {"kiwi": ["green", "fuzzy", "seeds"], '
        '"kiwi": ["bird", "zealand", "brown"], "plum": ["a", "b", "c"], "pear": ["d", "e", "f"]}}]}'
    )

    with pytest.raises(
        CategoriesError, match=r"cats.json: categories\[0\].words: the key 'kiwi' is given twice"
    ):
        load_categories(write(tmp_path, text))


def test_an_unreadable_or_broken_file_is_one_clear_error(tmp_path):
    """A missing file and a file that is not JSON each raise CategoriesError naming the file."""
    with pytest.raises(CategoriesError, match="cannot read the file"):
        load_categories(tmp_path / "missing.json")
    with pytest.raises(CategoriesError, match=r"cats.json: invalid JSON: line 1, "):
        load_categories(write(tmp_path, "{oops"))


VALID = {"name": "test", "version": 1, "categories": [category()]}


def categories_file(change, raw: str | None = None) -> bytes:
    """VALID changed; with raw, the HOLE the change put in written as raw JSON text."""
    data = json.loads(json.dumps(VALID))
    change(data)
    return spliced(data, raw) if raw is not None else json.dumps(data).encode()


def clues(value: object):
    """The banana's clue words set to value."""
    return lambda d: d["categories"][0]["words"].__setitem__("banana", value)


def twelve_words(index: int) -> dict:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return {f"w{letters[index // 26]}{letters[index % 26]}{k}": ["one", "two", "six"] for k in "abcdefghijkl"}


BAD_CATEGORIES = [
    *malformed_files(VALID),
    BadFile(
        "categories an object", categories_file(lambda d: d.update(categories={})), "field 'categories': must"
    ),
    BadFile(
        "a category a string",
        categories_file(lambda d: d["categories"].append("fruit")),
        "category 2: must be",
    ),
    BadFile(
        "a category null",
        categories_file(lambda d: d["categories"].append(None)),
        "must be a JSON object, not null",
    ),
    BadFile(
        "a name a number",
        categories_file(lambda d: d["categories"][0].update(name=3)),
        "field 'name': must be",
    ),
    BadFile("words a list", categories_file(lambda d: d["categories"][0].update(words=[])), "not a list"),
    BadFile(
        "clue words a string",
        categories_file(clues("yellow")),
        "word 'banana': field 'clues': must be a list",
    ),
    BadFile(
        "a clue word null",
        categories_file(clues(["a", None, "c"])),
        "field 'clues[1]': must be a string, not null",
    ),
    BadFile(
        "a clue word a number", categories_file(clues(["a", "b", 3])), "field 'clues[2]': must be a string"
    ),
    BadFile(
        "a clue word a list", categories_file(clues([["a"], "b", "c"])), "field 'clues[0]': must be a string"
    ),
    BadFile(
        "a huge clue word", categories_file(clues(["a", HOLE, "c"]), "9" * 100_000), "banana[1]: a number"
    ),
    BadFile(
        "a word twice",
        categories_file(clues(HOLE), '["a", "b", "c"], "banana": ["d", "e", "f"]'),
        "given twice",
    ),
    BadFile("version 2", categories_file(lambda d: d.update(version=2)), "must be the integer 1, not 2"),
    BadFile(
        "version huge", categories_file(lambda d: d.update(version=10**17)), "must be the integer 1, not 1000"
    ),
    BadFile(
        "version true", categories_file(lambda d: d.update(version=True)), "must be the integer 1, not true"
    ),
    BadFile(
        "name a list",
        categories_file(lambda d: d.update(name=[])),
        "field 'name': must be a non-empty string",
    ),
    BadFile(
        "an unknown key", categories_file(lambda d: d.update(categorys=[])), "field 'categorys': unknown key"
    ),
    BadFile(
        "a category's unknown key", categories_file(lambda d: d["categories"][0].update(wrods={})), "'wrods'"
    ),
    BadFile(
        "eleven clue words", categories_file(clues([f"c{'x' * i}" for i in range(11)])), "has 11 clue words"
    ),
    BadFile(
        "1008 words",
        categories_file(
            lambda d: d.update(categories=[category(f"c{i}", **twelve_words(i)) for i in range(84)])
        ),
        "more than the 1000 words",
    ),
]


@pytest.mark.parametrize("case", BAD_CATEGORIES, ids=lambda case: case.id)
def test_a_malformed_categories_file_is_one_line_naming_the_file_and_the_place(tmp_path, case):
    """Every malformed categories file raises CategoriesError: one short line, the file's path first."""
    path = tmp_path / "cats.json"
    path.write_bytes(case.content)
    with pytest.raises(CategoriesError) as caught:
        load_categories(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and case.fragment in message, message
    assert "\n" not in message and len(message) < 200 + len(str(path))
