"""The categories file: the shipped one passes the linter, and every problem is named where it is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from games.chameleon.categories import DEFAULT_CATEGORIES_PATH, categories_from_data, load_categories
from games.chameleon.errors import CategoriesError


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
