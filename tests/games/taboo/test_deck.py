"""Cards, deck loading and the deck linter, including the shipped deck."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from games.taboo.deck import (
    DEFAULT_DECK_PATH,
    DIFFICULTIES,
    Card,
    Deck,
    DeckError,
    deck_from_data,
    lint_deck,
    load_deck,
)
from games.taboo.rules import check_clue
from tests.support.datafiles import HOLE, BadFile, malformed_files, spliced

VALID: dict[str, Any] = {
    "version": 1,
    "name": "test deck",
    "cards": [
        {"target": "snowman", "taboo": ["winter", "carrot", "cold", "build", "frosty"], "difficulty": "easy"},
        {
            "target": "ice cream",
            "taboo": ["cone", "vanilla", "scoop", "dessert", "frozen"],
            "alternates": ["gelato"],
            "allow": ["icing"],
            "difficulty": "medium",
        },
    ],
}


def mutated(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    change(data)
    return data


def card_field(index: int, key: str, value: object) -> Callable[[dict[str, Any]], object]:
    return lambda data: data["cards"][index].__setitem__(key, value)


def taboo(*words: object) -> Callable[[dict[str, Any]], object]:
    return card_field(0, "taboo", list(words))


def first(word: object) -> Callable[[dict[str, Any]], object]:
    """The first card's taboo list with one entry under test and four good ones."""
    return taboo(word, "winter", "carrot", "frost", "build")


REJECTIONS: list[tuple[str, Callable[[dict[str, Any]], object], str]] = [
    # wrong count
    (
        "four taboo",
        taboo("winter", "carrot", "cold", "build"),
        "field 'taboo': must have exactly 5 entries, not 4",
    ),
    ("six taboo", taboo("a", "b", "c", "d", "e", "f"), "must have exactly 5 entries, not 6"),
    # duplicates and shared stems
    (
        "duplicate target",
        card_field(1, "target", "Snow-man"),
        "card 2 ('Snow-man'): field 'target': duplicate of card 1",
    ),
    ("taboo twice", taboo("cold", "Cold", "winter", "carrot", "build"), "'Cold' is listed twice"),
    (
        "taboo shares stem",
        first("snowmen"),
        "'snowmen' shares the target's stem",
    ),
    (
        "taboo is target",
        first("snowman"),
        "'snowman' shares the target's stem",
    ),
    (
        "phrase shares stem",
        card_field(1, "taboo", ["icy", "cone", "a", "b", "c"]),
        "'icy' shares the target's stem",
    ),
    ("taboo variants", taboo("stick", "sticky", "winter", "cold", "build"), "'stick' and 'sticky' overlap"),
    ("alternate is target", card_field(1, "alternates", ["Ice-Cream"]), "'Ice-Cream' is the target itself"),
    ("allow forbidden", card_field(1, "allow", ["cone"]), "'cone' is forbidden on this card"),
    ("allow phrase", card_field(1, "allow", ["ice pop"]), "'ice pop' must be a single word"),
    # junk entries
    ("empty", first(""), "must not be empty"),
    ("whitespace only", first("   "), "must not be empty"),
    (
        "padded",
        first(" cold"),
        "' cold' has leading or trailing whitespace",
    ),
    ("digits", first("c0ld"), "'c0ld' must be letters"),
    ("symbols", first("co$ld"), "'co$ld' must be letters"),
    (
        "double space",
        first("ice  pop"),
        "'ice  pop' has repeated spaces",
    ),
    (
        "leading punctuation",
        first("-cold"),
        "starts or ends with a non-letter",
    ),
    (
        "trailing punctuation",
        first("cold."),
        "starts or ends with a non-letter",
    ),
    ("double hyphen", first("ice--pop"), "must be letters"),
    ("too long", first("a" * 33), "is too long (33 > 32 characters)"),
    ("too many words", first("one two three four"), "more than 3 words"),
    ("bad target", card_field(0, "target", "snow man!"), "field 'target': 'snow man!' starts or ends"),
    # wrong types, unknown and missing keys
    ("taboo not a list", card_field(0, "taboo", "winter"), "field 'taboo': must be a list, not a string"),
    ("taboo entry not a string", first(7), "field 'taboo[0]': must be a string, not a number"),
    (
        "target not a string",
        card_field(0, "target", 3),
        "card 1: field 'target': must be a string, not a number",
    ),
    ("alternates not a list", card_field(1, "alternates", "gelato"), "field 'alternates': must be a list"),
    ("allow not a list", card_field(1, "allow", None), "field 'allow': must be a list, not null"),
    ("unknown card key", card_field(0, "hint", "x"), "card 1 ('snowman'): field 'hint': unknown key"),
    ("missing taboo", lambda d: d["cards"][0].pop("taboo"), "field 'taboo': missing"),
    ("missing target", lambda d: d["cards"][0].pop("target"), "card 1: field 'target': missing"),
    ("missing difficulty", lambda d: d["cards"][0].pop("difficulty"), "field 'difficulty': missing"),
    (
        "bad difficulty",
        card_field(0, "difficulty", "extreme"),
        "must be one of easy, medium, hard, not 'extreme'",
    ),
    ("card not an object", lambda d: d["cards"].append(["snow"]), "card 3: must be an object, not a list"),
    ("unknown top key", lambda d: d.__setitem__("author", "me"), "<deck>: field 'author': unknown key"),
    ("wrong version", lambda d: d.__setitem__("version", 2), "field 'version': must be the integer 1, not 2"),
    ("string version", lambda d: d.__setitem__("version", "1"), "must be the integer 1, not '1'"),
    ("bool version", lambda d: d.__setitem__("version", True), "must be the integer 1, not true"),
    ("empty name", lambda d: d.__setitem__("name", " "), "field 'name': must be a non-empty string"),
    ("no cards", lambda d: d.__setitem__("cards", []), "field 'cards': must be a non-empty list of cards"),
    ("top level list", lambda d: d.clear(), "field 'version'"),
]


def test_valid_deck_has_no_problems() -> None:
    """The reference data used by the rejection table is itself clean."""
    assert lint_deck(VALID) == []


@pytest.mark.parametrize(("case", "change", "message"), REJECTIONS, ids=[row[0] for row in REJECTIONS])
def test_linter_rejects(case: str, change: Callable[[dict[str, Any]], object], message: str) -> None:
    """Each kind of bad deck gets a problem naming the card and field."""
    problems = lint_deck(mutated(change))
    assert any(message in problem for problem in problems), problems


def test_top_level_must_be_an_object() -> None:
    """A JSON array (or anything but an object) is rejected as a whole."""
    assert lint_deck([VALID]) == ["<deck>: the top level must be an object, not a list"]


def test_problem_message_format() -> None:
    """Problems read "file: card N ('target'): field 'f': reason" and DeckError carries the parts."""
    data = mutated(taboo("winter", "carrot", "cold", "build"))
    expected = "decks/x.json: card 1 ('snowman'): field 'taboo': must have exactly 5 entries, not 4"
    assert lint_deck(data, "decks/x.json") == [expected]
    with pytest.raises(DeckError) as raised:
        deck_from_data(data, "decks/x.json")
    error = raised.value
    assert str(error) == expected
    assert (error.path, error.card, error.target, error.field) == ("decks/x.json", 1, "snowman", "taboo")


def write(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "deck.json"
    path.write_bytes(content)
    return path


def test_load_deck_builds_cards(tmp_path: Path) -> None:
    """A clean file becomes a Deck of frozen Cards with every field."""
    deck = load_deck(write(tmp_path, json.dumps(VALID).encode()))
    assert deck.name == "test deck" and len(deck) == 2 and deck.version == 1
    ice = deck.cards[1]
    assert ice == Card(
        "ice cream", ("cone", "vanilla", "scoop", "dessert", "frozen"), ("gelato",), {"icing"}, "medium"
    )
    assert deck.by_difficulty("easy") == (deck.cards[0],)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ice.target = "x"  # type: ignore[misc]


def test_a_deck_file_is_built_once_while_it_is_unchanged(tmp_path: Path) -> None:
    """Loading the same unchanged file again gives the deck built the first time; a file changed on
    disk, or made invalid, is read and linted again."""
    path = write(tmp_path, json.dumps(VALID).encode())
    first = load_deck(path)
    assert load_deck(path) is first
    assert load_deck(tmp_path / "." / "deck.json") is first  # however the path names it
    renamed = mutated(lambda deck: deck.update(name="renamed deck"))
    path.write_bytes(json.dumps(renamed).encode())
    assert load_deck(path).name == "renamed deck"
    path.write_bytes(json.dumps(mutated(card_field(0, "difficulty", "extreme"))).encode())
    with pytest.raises(DeckError, match="difficulty"):
        load_deck(path)


def test_load_deck_raises_first_problem(tmp_path: Path) -> None:
    """load_deck raises the first lint problem, prefixed with the file path."""
    path = write(tmp_path, json.dumps(mutated(card_field(0, "difficulty", "extreme"))).encode())
    with pytest.raises(
        DeckError, match=r"deck\.json: card 1 \('snowman'\): field 'difficulty': must be one of"
    ):
        load_deck(path)


def test_invalid_json_reports_line(tmp_path: Path) -> None:
    """JSON syntax errors name the line and column from json's error."""
    path = write(tmp_path, b'{\n  "version": 1,\n  "name": "x",\n  "cards": [,]\n}\n')
    with pytest.raises(DeckError, match=r"deck\.json: invalid JSON: line 4, column 13"):
        load_deck(path)


def test_non_utf8_reports_line(tmp_path: Path) -> None:
    """A file that is not UTF-8 is rejected with the line of the first bad byte."""
    path = write(tmp_path, b'{\n  "version": 1,\n  "name": "caf\xe9"\n}\n')
    with pytest.raises(DeckError, match=r"deck\.json: not valid UTF-8: line 3, column 15 \(byte 32\)"):
        load_deck(path)


def test_missing_file(tmp_path: Path) -> None:
    """An unreadable path is a DeckError, not an OSError."""
    with pytest.raises(DeckError, match="cannot read the file"):
        load_deck(tmp_path / "nope.json")


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    """A UTF-8 byte-order mark does not break loading."""
    assert len(load_deck(write(tmp_path, b"\xef\xbb\xbf" + json.dumps(VALID).encode()))) == 2


def deck_file(change: Callable[[dict[str, Any]], object], raw: str | None = None) -> bytes:
    """The valid deck changed; with raw, the HOLE the change put in written as raw JSON text."""
    data = mutated(change)
    return spliced(data, raw) if raw is not None else json.dumps(data).encode()


BAD_DECKS = [
    *malformed_files(VALID),
    BadFile(
        "cards an object", deck_file(lambda d: d.update(cards={})), "field 'cards': must be a non-empty list"
    ),
    BadFile(
        "cards null", deck_file(lambda d: d.update(cards=None)), "field 'cards': must be a non-empty list"
    ),
    BadFile(
        "a card that is a string",
        deck_file(lambda d: d["cards"].insert(0, "snowman")),
        "card 1: must be an object",
    ),
    BadFile(
        "a card that is null",
        deck_file(lambda d: d["cards"].append(None)),
        "card 3: must be an object, not null",
    ),
    BadFile(
        "taboo words an object",
        deck_file(card_field(0, "taboo", {})),
        "field 'taboo': must be a list, not an object",
    ),
    BadFile("a taboo word null", deck_file(first(None)), "field 'taboo[0]': must be a string, not null"),
    BadFile(
        "a taboo word a number", deck_file(first(7.5)), "field 'taboo[0]': must be a string, not a number"
    ),
    BadFile("a taboo word true", deck_file(first(True)), "field 'taboo[0]': must be a string, not true"),
    BadFile(
        "a taboo word a list", deck_file(first(["cold"])), "field 'taboo[0]': must be a string, not a list"
    ),
    BadFile(
        "a target a list",
        deck_file(card_field(1, "target", ["x"])),
        "card 2: field 'target': must be a string",
    ),
    BadFile(
        "an alternate null",
        deck_file(card_field(1, "alternates", ["gelato", None])),
        "'alternates[1]': must be",
    ),
    BadFile(
        "an allow word a number", deck_file(card_field(1, "allow", [3])), "field 'allow[0]': must be a string"
    ),
    BadFile("difficulty a number", deck_file(card_field(0, "difficulty", 2)), "hard, not 2"),
    BadFile("difficulty a list", deck_file(card_field(0, "difficulty", ["easy"])), "hard, not ['easy']"),
    BadFile("version a float", deck_file(lambda d: d.update(version=1.0)), "must be the integer 1, not 1.0"),
    BadFile("version true", deck_file(lambda d: d.update(version=True)), "must be the integer 1, not true"),
    BadFile("version a string", deck_file(lambda d: d.update(version="1")), "must be the integer 1, not '1'"),
    BadFile(
        "name a number", deck_file(lambda d: d.update(name=3)), "field 'name': must be a non-empty string"
    ),
    BadFile(
        "a huge taboo word", deck_file(first(HOLE), "9" * 100_000), "cards[0].taboo[0]: a number with 100000"
    ),
    BadFile(
        "NaN as a target", deck_file(card_field(1, "target", HOLE), "NaN"), "cards[1].target: NaN is not"
    ),
    BadFile(
        "a card's key twice",
        deck_file(card_field(1, "target", HOLE), '"x", "target": "y"'),
        "cards[1]: the key",
    ),
    BadFile(
        "a long entry",
        deck_file(first("a" * 100_000)),
        "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa... is too long",
    ),
    BadFile(
        "1001 cards",
        deck_file(lambda d: d.update(cards=d["cards"][:1] * 1001)),
        "holds 1001 cards, more than",
    ),
    BadFile(
        "100 alternates", deck_file(card_field(1, "alternates", ["a"] * 100)), "holds 100 entries, more than"
    ),
]


@pytest.mark.parametrize("case", BAD_DECKS, ids=lambda case: case.id)
def test_a_malformed_deck_file_is_one_line_naming_the_file_and_the_place(
    tmp_path: Path, case: BadFile
) -> None:
    """Every malformed deck file raises DeckError: one short line, the file's path first, what and where."""
    path = write(tmp_path, case.content)
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and case.fragment in message, message
    assert "\n" not in message and len(message) < 200 + len(str(path))


def test_card_accepts_iterables_and_stays_hashable() -> None:
    """Card stores tuples and a frozenset whatever iterables it is given, so it can be hashed."""
    card = Card("snow", ["cold", "white"], alternates=["snowfall"], allow=["snowy"])  # type: ignore[arg-type]
    assert card.taboo == ("cold", "white") and card.allow == frozenset({"snowy"})
    assert card.forbidden == ("snow", "cold", "white")
    assert hash(card) == hash(Card("snow", ("cold", "white"), ("snowfall",), frozenset({"snowy"})))


# --- the shipped deck ----------------------------------------------------------------------------------


def test_shipped_deck_lints_clean() -> None:
    """The shipped deck has zero linter problems, its words compared too (load_deck skips that for it)."""
    data = json.loads(DEFAULT_DECK_PATH.read_text(encoding="utf-8"))
    assert lint_deck(data, str(DEFAULT_DECK_PATH)) == []


def test_a_deck_of_ones_own_has_its_words_compared_on_loading(tmp_path: Path) -> None:
    """Only the shipped deck (linted in full above) is loaded without comparing its words."""
    data = json.loads(DEFAULT_DECK_PATH.read_text(encoding="utf-8"))
    data["cards"][0]["taboo"][0] = data["cards"][0]["target"] + "s"
    copied = tmp_path / "deck.json"
    copied.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DeckError, match="shares the target's stem"):
        load_deck(copied)


def test_shipped_deck_size_and_mix() -> None:
    """The shipped deck has 250+ cards of every difficulty, five taboo entries each."""
    deck = load_deck()
    assert len(deck) >= 250
    assert all(len(deck.by_difficulty(level)) >= 30 for level in DIFFICULTIES)
    assert all(len(card.taboo) == 5 for card in deck)
    assert any(" " in entry for card in deck for entry in card.taboo)  # some multi-word taboo phrases


def test_shipped_cards_do_not_forbid_their_own_allow_words() -> None:
    """Every allow-listed word on a shipped card really passes the checker for that card."""
    deck: Deck = load_deck()
    for card in deck:
        for word in card.allow:
            assert check_clue(f"a {word} here", card) is None, (card.target, word)
