"""The clue checker: every rule, every evasion, and the innocent words that must pass."""

from __future__ import annotations

from typing import Any

import pytest

from games.taboo.deck import Card
from games.taboo.rules import RULES, Violation, check_clue, find_violations

ZWSP, ZWJ, BOM, SHY = "\u200b", "\u200d", "\ufeff", "\u00ad"


def fields(target: str, *taboo: str) -> dict[str, Any]:
    return {"target": target, "taboo": taboo}


SNOWMAN = fields("snowman", "snow", "winter", "carrot", "frosty", "ice cream")
FLASHLIGHT = fields("flashlight", "torch", "battery", "dark", "beam", "bulb")
SHORT = fields("television", "it", "art", "ear", "car", "pine")
UNIVERSE = fields("universe", "space", "galaxy", "stars", "cosmos", "everything")
RIVER = fields("river", "flow", "water", "stream", "bank", "current")
CORN = fields("corn", "cob", "maize", "popcorn", "kernel", "field")
ICE_CREAM = fields("ice cream", "cone", "vanilla", "scoop", "dessert", "frozen")
SUNFLOWER = fields("sunflower", "yellow", "seed", "petal", "tall", "garden")
RUNNING = fields("running", "jog", "race", "fast", "marathon", "sprint")
MOUSE = fields("mouse", "cheese", "rodent", "squeak", "computer", "trap")
BUSY = fields("busy", "work", "hectic", "occupied", "schedule", "time")
IMPORT = fields("import", "bring", "foreign", "trade", "goods", "customs")
EXPERIENCE = fields("experience", "skill", "knowledge", "practice", "years", "learn")

CASES: list[tuple[str, dict[str, Any], str | None]] = [
    # legal clues
    ("A cold white figure you build in the yard", SNOWMAN, None),
    ("You carry it when the power goes out", FLASHLIGHT, None),
    ("Something you watch on a couch", SHORT, None),
    # target_word / taboo_word: whole tokens, any case
    ("Build a snowman", SNOWMAN, "target_word"),
    ("SNOWMAN", SNOWMAN, "target_word"),
    ("Let it snow", SNOWMAN, "taboo_word"),
    ("it is white", SHORT, "taboo_word"),
    ("a carrot nose", SNOWMAN, "taboo_word"),
    ("Frosty the", SNOWMAN, "taboo_word"),
    ("fresh snow-covered hills", SNOWMAN, "taboo_word"),
    ("the water's edge", RIVER, "taboo_word"),
    # variant: plurals, -y, -er/-est, -ing, -ed, shared stems, irregular forms
    ("snowy hills", SNOWMAN, "variant"),
    ("snowier than ever", SNOWMAN, "variant"),
    ("snowing outside", SNOWMAN, "variant"),
    ("it snowed", SNOWMAN, "variant"),
    ("two snowmen", SNOWMAN, "variant"),
    ("winters are long", SNOWMAN, "variant"),
    ("carrots", SNOWMAN, "variant"),
    ("torches", FLASHLIGHT, "variant"),
    ("batteries", FLASHLIGHT, "variant"),
    ("darkness", FLASHLIGHT, "variant"),
    ("darker", FLASHLIGHT, "variant"),
    ("darkest night", FLASHLIGHT, "variant"),
    ("flowing", RIVER, "variant"),
    ("watery", RIVER, "variant"),
    ("streaming", RIVER, "variant"),
    ("banking", RIVER, "variant"),
    ("corny", CORN, "variant"),
    ("kernels", CORN, "variant"),
    ("mice", MOUSE, "variant"),
    ("cheesy", MOUSE, "variant"),
    ("squeaky", MOUSE, "variant"),
    ("trapped", MOUSE, "variant"),
    ("computing", MOUSE, "variant"),
    ("run", RUNNING, "variant"),
    ("ran", RUNNING, "variant"),
    ("runner", RUNNING, "variant"),
    ("jogging", RUNNING, "variant"),
    ("racing", RUNNING, "variant"),
    ("faster", RUNNING, "variant"),
    ("fastest", RUNNING, "variant"),
    ("a sprinter", RUNNING, "variant"),
    ("busier", BUSY, "variant"),
    ("timer", BUSY, "variant"),
    ("imported", IMPORT, "variant"),
    ("brought", IMPORT, "variant"),
    ("foreigner", IMPORT, "variant"),
    ("experienced", EXPERIENCE, "variant"),
    ("skilled", EXPERIENCE, "variant"),
    ("learner", EXPERIENCE, "variant"),
    ("yearly", EXPERIENCE, "variant"),
    ("galaxies", UNIVERSE, "variant"),
    ("starry", UNIVERSE, "variant"),
    ("universes", UNIVERSE, "variant"),
    ("yellowish", SUNFLOWER, "variant"),
    ("an artist", SHORT, "variant"),
    ("pines", SHORT, "variant"),
    # Porter2 stems: university/universe differ; experiment/experience share "experi" but neither word
    # starts the other; busy is a standalone word (not bus + y), so business must start with it;
    # important/import conflate: the card's allow-list decides
    ("university", UNIVERSE, None),
    ("university", {**UNIVERSE, "allow": ("university",)}, None),
    ("experiment", EXPERIENCE, None),
    ("experiencing", EXPERIENCE, "variant"),
    ("business", BUSY, None),
    ("a bus", BUSY, None),
    ("an important thing", IMPORT, "variant"),
    ("an important thing", {**IMPORT, "allow": ("important",)}, None),
    ("IMPORTANT", {**IMPORT, "allow": ("Important",)}, None),
    # standalone words: not a short word plus a suffix
    ("a corner", CORN, None),
    ("a flower", RIVER, None),
    ("flowers", RIVER, None),
    # compound_part: parts of a compound target or taboo word, and their variants
    ("a flash of", FLASHLIGHT, "compound_part"),
    ("light", FLASHLIGHT, "compound_part"),
    ("lights", FLASHLIGHT, "compound_part"),
    ("flashy", FLASHLIGHT, "compound_part"),
    ("moonlight", FLASHLIGHT, "compound_part"),
    ("a man made of", SNOWMAN, "compound_part"),
    ("snowball", SNOWMAN, "compound_part"),
    ("sun", SUNFLOWER, "compound_part"),
    ("sunny", SUNFLOWER, "compound_part"),
    ("flowers", SUNFLOWER, "compound_part"),
    ("pop", CORN, "compound_part"),
    ("cornfield", CORN, "compound_part"),
    ("every single thing", UNIVERSE, "compound_part"),
    ("ice", ICE_CREAM, "target_word"),
    ("a cream", ICE_CREAM, "target_word"),
    ("creamy", ICE_CREAM, "variant"),
    ("icy", ICE_CREAM, "variant"),
    # embedded_word: a forbidden word of 4+ letters joined to another known word
    ("snowflakes", SNOWMAN, "compound_part"),
    ("wintertime", SNOWMAN, "embedded_word"),
    ("pineapple", SHORT, "embedded_word"),
    ("pinecone", SHORT, "embedded_word"),
    ("overflow", RIVER, "embedded_word"),
    ("riverbank", RIVER, "embedded_word"),
    ("waterfall", RIVER, "embedded_word"),
    ("spaceship", UNIVERSE, "embedded_word"),
    ("starfish", UNIVERSE, "embedded_word"),
    ("trapdoor", MOUSE, "embedded_word"),
    ("homework", BUSY, "embedded_word"),
    # phrase: multi-word entries as token sequences or one token
    ("I love ice cream", SNOWMAN, "phrase"),
    ("ice-cream", SNOWMAN, "phrase"),
    ("ice  cream", SNOWMAN, "phrase"),
    ("Ice\nCream", SNOWMAN, "phrase"),
    ("icecream", SNOWMAN, "phrase"),
    ("ICE CREAMS", SNOWMAN, "phrase"),
    ("ice-cream", ICE_CREAM, "phrase"),
    ("ice on the cream", SNOWMAN, None),
    ("cream", SNOWMAN, None),
    # spelled_out
    ("s-n-o-w", SNOWMAN, "spelled_out"),
    ("S N O W", SNOWMAN, "spelled_out"),
    ("s.n.o.w", SNOWMAN, "spelled_out"),
    ("s n o w", SNOWMAN, "spelled_out"),
    ("it starts with s_n_o_w", SNOWMAN, "spelled_out"),
    ("f l a s h", FLASHLIGHT, "spelled_out"),
    ("I T", SHORT, "spelled_out"),
    ("i c e c r e a m", SNOWMAN, "spelled_out"),
    ("d.a.r.k.e.r", FLASHLIGHT, "spelled_out"),
    # split_word: inserted punctuation or spaces
    ("sn.ow", SNOWMAN, "split_word"),
    ("sn-ow", SNOWMAN, "split_word"),
    ("sn'ow", SNOWMAN, "split_word"),
    ("sn*ow*y", SNOWMAN, "split_word"),
    ("win-ter", SNOWMAN, "split_word"),
    ("sn ow", SNOWMAN, "split_word"),
    ("s now", SNOWMAN, "split_word"),
    ("tele vision", SHORT, "split_word"),
    ("sn.ow-man", SNOWMAN, "split_word"),
    # invisible characters, compatibility forms, homoglyphs, case
    (f"sn{ZWSP}ow", SNOWMAN, "taboo_word"),
    (f"sn{ZWJ}ow", SNOWMAN, "taboo_word"),
    (f"{BOM}snow", SNOWMAN, "taboo_word"),
    (f"sn{SHY}ow", SNOWMAN, "taboo_word"),
    (f"w{ZWSP}i{ZWSP}n{ZWSP}t{ZWSP}e{ZWSP}r", SNOWMAN, "taboo_word"),
    ("ｓｎｏｗ", SNOWMAN, "taboo_word"),
    ("\ufb02ashlight", FLASHLIGHT, "target_word"),
    ("ⓢⓝⓞⓦ", SNOWMAN, "taboo_word"),
    ("s\u0336n\u0336o\u0336w\u0336", SNOWMAN, "taboo_word"),
    ("sNoW", SNOWMAN, "taboo_word"),
    ("snоw", SNOWMAN, "taboo_word"),  # Cyrillic о
    ("wintеr", SNOWMAN, "taboo_word"),  # Cyrillic е
    ("cаrrot", SNOWMAN, "taboo_word"),  # Cyrillic а
    ("ice сream", SNOWMAN, "phrase"),  # Cyrillic с
    ("рine", SHORT, "taboo_word"),  # Cyrillic р
    ("SΝOW", SNOWMAN, "taboo_word"),  # Greek Ν
    # family, spelling, digits, clipping: see tests/games/taboo/test_families.py for each family
    ("a likelihood of rain", fields("weather", "likely", "rain", "sun", "cloud", "forecast"), "family"),
    ("a colourful one", fields("crayon", "color", "wax", "draw", "box", "child"), "spelling"),
    ("sn0w in winter", SNOWMAN, "digits"),
    ("ride in a limo", fields("limousine", "car", "luxury", "driver", "long", "wedding"), "clipping"),
    # innocent words: whole tokens only, short words never searched inside others
    ("without a doubt", SHORT, None),
    ("start the show", SHORT, None),
    ("with all my heart", SHORT, None),
    ("a small scar", SHORT, None),
    ("your spine", SHORT, None),
    ("in my opinion", SHORT, None),
    ("an earring", SHORT, None),
    ("a cartoon", SHORT, None),
    ("a carpet", SHORT, None),
    ("its colour", SHORT, None),
    ("unicorn", CORN, None),
    ("an acorn", CORN, None),
    ("cobweb", CORN, None),
    ("Sunday", SUNFLOWER, None),
    ("brainstorm", RIVER, None),
    ("embankment", RIVER, None),
    ("in a snap", SNOWMAN, None),
    ("cosmetics", UNIVERSE, None),
    ("start", UNIVERSE, None),
]


@pytest.mark.parametrize(("clue", "fields", "expected"), CASES)
def test_clue_verdicts(clue: str, fields: dict[str, Any], expected: str | None) -> None:
    """Each clue gets the expected rule (or passes) for its card."""
    violation = check_clue(clue, Card(**fields))
    assert (violation.rule if violation else None) == expected, violation


def test_table_covers_every_rule() -> None:
    """The verdict table exercises every rule name."""
    assert {rule for _, _, rule in CASES} - {None} == set(RULES)


@pytest.mark.parametrize(
    ("clue", "fields", "span", "text"),
    [
        ("Let it snow tonight", SNOWMAN, (7, 11), "snow"),
        (f"cold sn{ZWSP}ow here", SNOWMAN, (5, 10), f"sn{ZWSP}ow"),
        ("a tasty Ice\nCream cone", SNOWMAN, (8, 17), "Ice\nCream"),
        ("spell it: s-n-o-w!", SNOWMAN, (10, 17), "s-n-o-w"),
        ("big ｓｎｏｗ", SNOWMAN, (4, 8), "ｓｎｏｗ"),
        ("a \ufb02ashlight", FLASHLIGHT, (2, 11), "\ufb02ashlight"),
        ("the snоwy hill", SNOWMAN, (4, 9), "snоwy"),
        ("sn*ow*y hills", SNOWMAN, (0, 7), "sn*ow*y"),
    ],
)
def test_spans_point_into_the_original(
    clue: str, fields: dict[str, Any], span: tuple[int, int], text: str
) -> None:
    """Spans are offsets into the original clue, even after folding removed or expanded characters."""
    violation = check_clue(clue, Card(**fields))
    assert violation is not None
    assert violation.span == span
    assert violation.text == text == clue[span[0] : span[1]]


def test_violation_names_the_card_entry() -> None:
    """The violation's word is the entry as written on the card, not the clue's form."""
    assert check_clue("a tall Waterfall", Card(**RIVER)) == Violation(
        "embedded_word", "water", (7, 16), "Waterfall"
    )
    assert check_clue("a bright light", Card(**FLASHLIGHT)).word == "flashlight"  # type: ignore[union-attr]


def test_first_violation_is_the_earliest() -> None:
    """check_clue reports the earliest violation; find_violations lists them all in order."""
    card = Card(**SNOWMAN)
    clue = "carrot nose, snowy hat"
    assert [(v.rule, v.text) for v in find_violations(clue, card)] == [
        ("taboo_word", "carrot"),
        ("variant", "snowy"),
    ]
    assert check_clue(clue, card) == find_violations(clue, card)[0]


def test_same_start_prefers_higher_priority_rule() -> None:
    """When two violations start together, the rule listed first in RULES wins."""
    assert check_clue("ice cream", Card(**ICE_CREAM)).rule == "phrase"  # type: ignore[union-attr]
    assert check_clue("s-n-o-w", Card(**SNOWMAN)).rule == "spelled_out"  # type: ignore[union-attr]


def test_empty_clue_passes() -> None:
    """An empty or punctuation-only clue breaks no rule (format is the parser's job)."""
    assert check_clue("", Card(**SNOWMAN)) is None
    assert check_clue(" ...! ", Card(**SNOWMAN)) is None


def test_each_rule_set_name_finds_the_rule_set_of_that_name() -> None:
    from games.taboo.rulesets import DEFAULT_RULES, RULE_SET_NAMES, rule_set

    assert RULE_SET_NAMES[0] == DEFAULT_RULES
    assert sorted(RULE_SET_NAMES) == ["clembench", "strict"]
    for name in RULE_SET_NAMES:
        found = rule_set(name)
        assert found.name == name and callable(found.player_flow)
    with pytest.raises(KeyError):
        rule_set("lenient")
