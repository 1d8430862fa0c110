"""The English Snowball ("Porter2") stemmer as clembench's Taboo applies it.

clembench stems with NLTK 3.8.1's `SnowballStemmer("english")`, which implements the original Porter2
algorithm (snowballstem.org, before Snowball 3.0). The `snowballstemmer` package this project also
depends on implements Snowball 3.0's revised English stemmer, which stems some words differently
(`added` is `ad` in Porter2 and `add` in Snowball 3; `university`, `organism`, `evening`, `paste`
too), so clembench's verdicts need this one. Like NLTK's, it lower-cases the word, leaves words of
one or two characters as they are, and reads the typographic apostrophes (U+2018, U+2019, U+201B)
as "'". Any string is accepted: characters other than the vowels a, e, i, o, u, y count as consonants.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

VOWELS = frozenset("aeiouy")
DOUBLES = ("bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt")
LI_ENDINGS = frozenset("cdeghkmnrt")
APOSTROPHES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'"})

# Whole words the algorithm does not stem by its rules.
EXCEPTIONS = {
    "skis": "ski",
    "skies": "sky",
    "dying": "die",
    "lying": "lie",
    "tying": "tie",
    "idly": "idl",
    "gently": "gentl",
    "ugly": "ugli",
    "early": "earli",
    "only": "onli",
    "singly": "singl",
    **{word: word for word in ("sky", "news", "howe", "atlas", "cosmos", "bias", "andes")},
}
# Words left as they are once step 1a has run.
AFTER_STEP_1A = frozenset(
    {"inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"}
)
# Prefixes after which R1 starts, whatever the vowels say.
R1_PREFIXES = ("gener", "commun", "arsen")

# How a rule's edit moves the regions R1 and R2, which NLTK keeps as the word's last characters:
CUT = "cut"  # the regions lose as many characters from their end as the word does
SWAP = "swap"  # a region holding the whole suffix swaps it for the replacement; a shorter one empties
SWAP_E = "swap, R2 e"  # as SWAP, but an R2 shorter than the suffix becomes the final "e"

# Step 2 and step 3: suffix -> (replacement, how the regions move), when the suffix is in R1.
STEP_2 = {
    "ization": ("ize", SWAP),
    "ational": ("ate", SWAP_E),
    "fulness": ("ful", CUT),
    "ousness": ("ous", SWAP),
    "iveness": ("ive", SWAP_E),
    "tional": ("tion", CUT),
    "biliti": ("ble", SWAP),
    "lessli": ("less", CUT),
    "entli": ("ent", CUT),
    "ation": ("ate", SWAP_E),
    "alism": ("al", SWAP),
    "aliti": ("al", SWAP),
    "ousli": ("ous", SWAP),
    "iviti": ("ive", SWAP_E),
    "fulli": ("ful", CUT),
    "enci": ("ence", CUT),
    "anci": ("ance", CUT),
    "abli": ("able", CUT),
    "izer": ("ize", SWAP),
    "ator": ("ate", SWAP_E),
    "alli": ("al", SWAP),
    "bli": ("ble", SWAP),
    "ogi": ("og", CUT),  # only after l
    "li": ("", CUT),  # only after a valid li-ending
}
STEP_3 = {
    "ational": ("ate", SWAP),
    "tional": ("tion", CUT),
    "alize": ("al", CUT),
    "icate": ("ic", SWAP),
    "iciti": ("ic", SWAP),
    "ative": ("", CUT),  # only in R2
    "ical": ("ic", SWAP),
    "ness": ("", CUT),
    "ful": ("", CUT),
}
# Step 4: suffixes deleted when in R2 ("ion" only after s or t).
STEP_4 = (
    "ement", "ance", "ence", "able", "ible", "ment",
    "ant", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion",
    "al", "er", "ic",
)  # fmt: skip


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Porter2 stem of `word` (lower-cased first)."""
    word = word.lower()
    if len(word) <= 2:
        return word
    if word in EXCEPTIONS:
        return EXCEPTIONS[word]
    word = word.translate(APOSTROPHES).removeprefix("'")
    return _Stemming(_mark_ys(word)).run()


def _mark_ys(word: str) -> str:
    """An initial y, and a y after a vowel, become Y: a consonant."""
    letters = list(word)
    for index, letter in enumerate(letters):
        if letter == "y" and (index == 0 or letters[index - 1] in VOWELS):
            letters[index] = "Y"
    return "".join(letters)


def _region_start(word: str, start: int) -> int:
    """Where the region after the first non-vowel following a vowel begins, looking from `start`."""
    for index in range(start + 1, len(word)):
        if word[index] not in VOWELS and word[index - 1] in VOWELS:
            return index + 1
    return len(word)


def _ends_in_short_syllable(word: str) -> bool:
    """A vowel then a consonant other than w, x and Y at the end, after a consonant; or a two-letter
    word of a vowel and a consonant."""
    if len(word) == 2:
        return word[0] in VOWELS and word[1] not in VOWELS
    return (
        len(word) >= 3
        and word[-3] not in VOWELS
        and word[-2] in VOWELS
        and word[-1] not in VOWELS
        and word[-1] not in "wxY"
    )


@dataclass
class _Stemming:
    """One word being stemmed, with the lengths of its regions R1 and R2 (each a tail of the word)."""

    word: str
    r1: int = 0
    r2: int = 0

    def __post_init__(self) -> None:
        word = self.word
        prefix = next((prefix for prefix in R1_PREFIXES if word.startswith(prefix)), None)
        r1_start = len(prefix) if prefix else _region_start(word, 0)
        self.r1 = len(word) - r1_start
        self.r2 = len(word) - _region_start(word, r1_start)

    def run(self) -> str:
        self.step_0()
        self.step_1a()
        if self.word in AFTER_STEP_1A:
            return self.word
        self.step_1b()
        self.step_1c()
        self.step_2()
        self.step_3()
        self.step_4()
        self.step_5()
        return self.word.replace("Y", "y")

    # -- helpers -----------------------------------------------------------------------------

    def replace(self, suffix: str, replacement: str, regions: str = CUT) -> None:
        """Put `replacement` for the word's `suffix`, moving the regions as `regions` says."""
        self.word = self.word[: len(self.word) - len(suffix)] + replacement
        if regions == CUT:
            lost = len(suffix) - len(replacement)
            self.r1 = max(0, self.r1 - lost)
            self.r2 = max(0, self.r2 - lost)
            return
        grown = len(replacement) - len(suffix)
        self.r1 = self.r1 + grown if self.r1 >= len(suffix) else 0
        if self.r2 >= len(suffix):
            self.r2 += grown
        else:
            self.r2 = 1 if regions == SWAP_E else 0

    def longest(self, suffixes) -> str | None:
        return max((suffix for suffix in suffixes if self.word.endswith(suffix)), key=len, default=None)

    # -- the steps ---------------------------------------------------------------------------

    def step_0(self) -> None:
        suffix = self.longest(("'s'", "'s", "'"))
        if suffix:
            self.replace(suffix, "")

    def step_1a(self) -> None:
        suffix = self.longest(("sses", "ied", "ies", "us", "ss", "s"))
        if suffix == "sses":
            self.replace(suffix, "ss")
        elif suffix in ("ied", "ies"):
            self.replace(suffix, "i" if len(self.word) > 4 else "ie")
        elif suffix == "s" and any(letter in VOWELS for letter in self.word[:-2]):
            self.replace(suffix, "")

    def step_1b(self) -> None:
        suffix = self.longest(("eed", "eedly", "ed", "edly", "ing", "ingly"))
        if suffix is None:
            return
        if suffix in ("eed", "eedly"):
            if self.r1 >= len(suffix):
                self.replace(suffix, "ee", SWAP)
            return
        if not any(letter in VOWELS for letter in self.word[: -len(suffix)]):
            return
        self.replace(suffix, "")
        word = self.word
        if word.endswith(("at", "bl", "iz")):
            self.word += "e"  # R1 takes the e; R2 too when the word is long or R1 is
            self.r1 += 1
            if len(self.word) > 5 or self.r1 >= 3:
                self.r2 += 1
        elif word.endswith(DOUBLES):
            self.replace(word[-1], "")
        elif self.r1 == 0 and _ends_in_short_syllable(word):
            self.word += "e"  # a short word: R1 and R2 stay empty

    def step_1c(self) -> None:
        word = self.word
        if len(word) > 2 and word[-1] in "yY" and word[-2] not in VOWELS:
            self.replace(word[-1], "i")

    def step_2(self) -> None:
        suffix = self.longest(STEP_2)
        if suffix is None or self.r1 < len(suffix):
            return
        before = self.word[-len(suffix) - 1 : -len(suffix)]
        if suffix == "ogi" and before != "l":
            return
        if suffix == "li" and before not in LI_ENDINGS:
            return
        self.replace(suffix, *STEP_2[suffix])

    def step_3(self) -> None:
        suffix = self.longest(STEP_3)
        if suffix is None or self.r1 < len(suffix):
            return
        if suffix == "ative" and self.r2 < len(suffix):
            return
        self.replace(suffix, *STEP_3[suffix])

    def step_4(self) -> None:
        suffix = self.longest(STEP_4)
        if suffix is None or self.r2 < len(suffix):
            return
        if suffix == "ion" and self.word[-4:-3] not in ("s", "t"):
            return
        self.replace(suffix, "")

    def step_5(self) -> None:
        word = self.word
        if self.r2 >= 1 and word.endswith("ll"):
            self.word = word[:-1]
        elif self.r2 >= 1 and word.endswith("e"):
            self.word = word[:-1]
        elif self.r1 >= 1 and word.endswith("e") and len(word) >= 4:
            if not _ends_in_short_syllable(word[:-1]):
                self.word = word[:-1]
