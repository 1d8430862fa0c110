"""Other spellings of one word: British and American spellings, and digits written for letters.

British/American pairs follow from a few regular correspondences (colour/color, organise/organize,
analyse/analyze, centre/center, catalogue/catalog, defence/defense, travelled/traveled); a respelling
only counts when lemminflect's dictionary knows it, so the rules never invent words. A handful of
pairs that follow no rule (grey/gray, tyre/tire) are listed.

Every function takes folded (lower-case) single words.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

from games.kit.morphology import is_dictionary_word

# (pattern, replacement) pairs, applied in both directions by listing both.
# fmt: off
_RESPELLINGS: tuple[tuple[str, str], ...] = (
    (r"our(?=$|s$|ed$|ing$|ful|less|ite|able|ism|ist|er)", "or"),
    (r"(?<=[^aeou])or(?=$|s$|ed$|ing$|ful|less|ite|able|ism|ist)", "our"),
    (r"is(?=e$|es$|ed$|ing$|er$|ers$|ation)", "iz"), (r"iz(?=e$|es$|ed$|ing$|er$|ers$|ation)", "is"),
    (r"ys(?=e$|es$|ed$|ing$)", "yz"), (r"yz(?=e$|es$|ed$|ing$)", "ys"),
    (r"(?<=[tbgcv])re(?=$|s$)", "er"), (r"(?<=[tbgcv])er(?=$|s$)", "re"),
    (r"ogue(?=$|s$)", "og"), (r"og(?=$|s$)", "ogue"),
    (r"ence(?=$|s$)", "ense"), (r"ense(?=$|s$)", "ence"),
    (r"(?<=[aeiou])ll(?=ed$|ing$|er$|ers$)", "l"), (r"(?<=[aeiou])l(?=ed$|ing$|er$|ers$)", "ll"),
    (r"ae", "e"), (r"oe", "e"), (r"mme$", "m"), (r"m$", "mme"),
)
# Pairs no rule produces.
IRREGULAR_SPELLINGS: tuple[tuple[str, str], ...] = (
    ("grey", "gray"), ("tyre", "tire"), ("plough", "plow"), ("aluminium", "aluminum"), ("mum", "mom"),
    ("pyjamas", "pajamas"), ("jewellery", "jewelry"), ("moustache", "mustache"), ("sceptic", "skeptic"),
    ("doughnut", "donut"), ("cheque", "check"), ("storey", "story"), ("draught", "draft"),
    ("practise", "practice"), ("kerb", "curb"),
)
# fmt: on
_COMPILED = tuple((re.compile(pattern), replacement) for pattern, replacement in _RESPELLINGS)
_IRREGULAR = {a: b for pair in IRREGULAR_SPELLINGS for a, b in (pair, pair[::-1])}

# Digits that stand for letters (sn0w, b1ke, 3xam); 1 may be an i or an l.
DIGIT_LETTERS: dict[str, str] = {
    "0": "o",
    "1": "il",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "8": "b",
    "9": "g",
}
MAX_DIGIT_READINGS = 8  # a token with many ambiguous digits is read at most this many ways


@lru_cache(maxsize=16384)
def respellings(word: str) -> frozenset[str]:
    """The other spellings of word that the dictionary knows (colour for color, organise for organize),
    without word itself."""
    out = {_IRREGULAR[word]} if word in _IRREGULAR else set()
    for pattern, replacement in _COMPILED:
        candidate = pattern.sub(replacement, word)
        if candidate != word and is_dictionary_word(candidate):
            out.add(candidate)
    return frozenset(out)


def has_digit_letters(token: str) -> bool:
    """A token mixing letters and digits that stand for letters: sn0w, 3xam (not 2024, not 3d)."""
    if len(token) < 3 or token.isalpha() or token.isdigit():
        return False
    return any(c.isalpha() for c in token) and any(c in DIGIT_LETTERS for c in token)


def digit_readings(token: str) -> tuple[str, ...]:
    """The token with each digit read as a letter (sn0w → snow; b1ke → bike, blke)."""
    choices = [DIGIT_LETTERS.get(c, c) if c.isdigit() else c for c in token]
    readings = ("".join(letters) for letters in product(*choices))
    return tuple(reading for _, reading in zip(range(MAX_DIGIT_READINGS), readings, strict=False))
