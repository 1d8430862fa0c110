"""Word families the checker catches (issue 13), one test per family, and look-alikes it leaves alone."""

from __future__ import annotations

import pytest

from games.taboo.deck import Card
from games.taboo.rules import check_clue


def verdict(clue: str, target: str, *taboo: str) -> str | None:
    violation = check_clue(clue, Card(target, taboo))
    return violation.rule if violation else None


@pytest.mark.parametrize(
    ("clue", "forbidden"),
    [
        ("a firm decision", "decide"),
        ("a short description", "describe"),
        ("an inference from facts", "infer"),
        ("a contributor to the fund", "contribute"),
        ("a contribution to the fund", "contributor"),
        ("the likelihood of rain", "likely"),
        ("a mixture of colours", "mix"),
        ("mixing paint", "mixture"),
        ("people individually", "individual"),
        ("it summarizes the text", "summary"),
        ("a combined effort", "combination"),
        ("the Electoral College", "election"),
    ],
)
def test_derivational_family(clue: str, forbidden: str) -> None:
    """A word derived from a forbidden word, or from the same root, is caught: by the family rule, or by
    the variant rule when the two share a Porter2 stem."""
    assert verdict(clue, "thing", forbidden, "x", "y") in {"family", "variant"}


@pytest.mark.parametrize(
    ("clue", "forbidden"),
    [
        ("an independent state", "dependent"),
        ("an unlikely win", "likely"),
        ("removes impurities", "purifier"),
        ("a nonviolent protest", "violent"),
        ("preorder the book", "order"),
        ("restart the machine", "start"),
        ("reheats leftovers", "heat"),
    ],
)
def test_prefix_glued_to_a_family_member(clue: str, forbidden: str) -> None:
    """A negative or other prefix glued to a family member still counts."""
    assert verdict(clue, "thing", forbidden, "x", "y") == "family"


@pytest.mark.parametrize(
    ("clue", "forbidden"),
    [
        ("birds flying south", "fly"),
        ("it flies", "fly"),
        ("felt through the skin", "feel"),
        ("given freely", "give"),
    ],
)
def test_inflections_from_the_dictionary(clue: str, forbidden: str) -> None:
    """Irregular and y-before-ing forms come from lemminflect's dictionary."""
    assert verdict(clue, "thing", forbidden, "x", "y") == "variant"


@pytest.mark.parametrize("clue", ["old PCs", "two TVs here", "the PC's screen"])
def test_plurals_and_possessives_of_abbreviations(clue: str) -> None:
    """PCs, TVs and PC's are forms of the short entry."""
    assert verdict(clue, "computer", "pc", "tv", "screen") in {"variant", "taboo_word"}


def test_lower_case_plural_of_a_short_word_is_not_an_abbreviation() -> None:
    """its is not the plural of it: only capitals followed by s read as an abbreviation's plural."""
    assert verdict("its colour", "television", "it", "art", "ear") is None


@pytest.mark.parametrize(
    ("clue", "forbidden"), [("sn0w", "snow"), ("a b1ke ride", "bike"), ("3xam day", "exam")]
)
def test_digits_for_letters(clue: str, forbidden: str) -> None:
    """Digits standing for letters are read back (0 o, 1 i or l, 3 e, 4 a, 5 s, 7 t)."""
    assert verdict(clue, "thing", forbidden, "x", "y") == "digits"


def test_numbers_alone_are_not_words() -> None:
    """A plain number is never read as letters."""
    assert verdict("in 2005 or 1999", "thing", "soos", "x", "y") is None


@pytest.mark.parametrize(
    ("clue", "forbidden"),
    [
        ("a colourful room", "color"),
        ("organise the files", "organize"),
        ("the city centre", "center"),
        ("grey skies", "gray"),
    ],
)
def test_british_and_american_spellings(clue: str, forbidden: str) -> None:
    """The other side's spelling of a forbidden word counts."""
    assert verdict(clue, "thing", forbidden, "x", "y") == "spelling"


@pytest.mark.parametrize(
    ("clue", "target"),
    [
        ("a stretch limo", "limousine"),
        ("an exam at school", "examination"),
        ("a photo album", "photograph"),
        ("Kanga from the stories", "kangaroo"),
        ("a tele set", "television"),
    ],
)
def test_clippings_of_the_target(clue: str, target: str) -> None:
    """Common clippings of the target, listed or found by rule, count."""
    assert verdict(clue, target, "x", "y", "z") == "clipping"


@pytest.mark.parametrize(
    ("clue", "forbidden"), [("warm sunlight", "sun"), ("a carpool lane", "car"), ("a shiny racecar", "car")]
)
def test_short_taboo_word_inside_a_compound(clue: str, forbidden: str) -> None:
    """A three-letter forbidden word joined to a known word of four or more letters counts."""
    assert verdict(clue, "thing", forbidden, "x", "y") == "embedded_word"


@pytest.mark.parametrize(
    "clue", ["con tri bu tor", "con-tri-bu-tor", "c o n t r i b u t o r", "co ntr ib ut or"]
)
def test_word_split_into_four_or_more_pieces(clue: str) -> None:
    """A word broken into four or more pieces is glued back together."""
    assert verdict(clue, "contributor", "donor", "giver", "x") in {"split_word", "spelled_out"}


@pytest.mark.parametrize(
    ("clue", "forbidden"),
    [
        ("you know it", "snow"),
        ("a long search", "sear"),
        ("public transportation", "port"),
        ("starting soon", "star"),
        ("a universal truth", "university"),
        ("a university degree", "universal"),
        ("the inside track", "side"),
        ("a missing sock", "sing"),
        ("an important date", "port"),
        ("a cobweb", "cob"),
        ("an earring", "ear"),
        ("on Sunday", "sun"),
        ("a cartoon", "car"),
        ("a shallot is a small one", "onion"),
        ("the information desk", "form"),
        ("a business trip", "busy"),
        ("a big organization", "organ"),
        ("the principle of it", "principal"),
        ("not at all", "nobody"),
    ],
)
def test_look_alikes_stay_innocent(clue: str, forbidden: str) -> None:
    """Words that merely share letters with a forbidden word are legal."""
    assert verdict(clue, "thing", forbidden, "x", "y") is None
