"""English word forms: Porter2 stems, plurals, and the suffixes Porter2 keeps (snowy, runner, biggest).

Every function takes folded (lower-case) single words.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache

import snowballstemmer

from games.kit.lemma_table import all_lemmas

_STEMMER = snowballstemmer.stemmer("english")
_VOWELS = frozenset("aeiou")

# Suffixes Porter2 leaves on a word, so "snowy"/"snow" or "runner"/"run" need them spelled out.
EXTRA_SUFFIXES = ("y", "er", "est", "ist", "ly")
# Suffixes that may follow one of the above: snowier, snowiest, runners, snowiness, artists, bakery.
FOLLOW_SUFFIXES = ("s", "ed", "ing", "er", "est", "ly", "ness", "y")
# Suffixes stripped when looking for a word's base (is_word, the standalone guard).
STRIP_SUFFIXES = ("ing", "ed", "er", "est", "ist", "ness", "ly", "y", "es", "s")

# Plural endings that no rule produces; the key may end a longer word (snowmen, grandchildren).
# fmt: off
IRREGULAR_PLURALS: dict[str, str] = {
    "men": "man", "children": "child", "feet": "foot", "teeth": "tooth", "geese": "goose",
    "mice": "mouse", "lice": "louse", "people": "person", "oxen": "ox", "dice": "die",
    "cacti": "cactus", "fungi": "fungus", "knives": "knife", "wolves": "wolf",
}
# fmt: on
# Irregular forms that are also everyday words of their own (a saw, a rose, turn left, a bit of): their
# verb reading is ignored, so "a saw" never counts as a form of "see".
HOMOGRAPHS = frozenset(
    "saw rose left found ground wound bore stole spoke lay lit bit dove bound fell".split()
)
# lemminflect's parts of speech whose lemmas count; adjective and adverb lemmas only when regular (see
# dictionary_lemmas), so "better" is not read as "good" nor "more" as "much".
_OPEN_CLASSES = ("NOUN", "VERB", "AUX")
_GRADED_CLASSES = ("ADJ", "ADV")
# Words ending in -s that are not plurals of a shorter word.
NOT_PLURAL = frozenset(
    "news series species lens gas bus yes this his was has does always perhaps chaos canvas "
    "atlas iris tennis bonus virus cactus octopus circus walrus chess glass grass dress boss "
    "physics mathematics politics christmas plus thus us its ours yours hers whereas".split()
)


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """The Porter2 (snowball "english") stem."""
    return _STEMMER.stemWord(word)


def _consonant_y(word: str) -> bool:
    return len(word) >= 2 and word[-1] == "y" and word[-2] not in _VOWELS


def _cvc(word: str) -> bool:
    """Consonant-vowel-consonant ending: the last letter doubles before a vowel suffix (run → running)."""
    return (
        len(word) >= 3
        and word[-1] not in _VOWELS
        and word[-1] not in "wxy"
        and word[-2] in _VOWELS
        and word[-3] not in _VOWELS
    )


def attach(base: str, suffix: str) -> set[str]:
    """Spellings of base + suffix under the regular English rules (some may be junk; callers only
    compare them with real words)."""
    out = {base + suffix}
    if suffix == "s":
        if base.endswith(("s", "x", "z", "ch", "sh", "o")):
            out.add(base + "es")
        if _consonant_y(base):
            out.add(base[:-1] + "ies")
        if base.endswith("f"):
            out.add(base[:-1] + "ves")
        if base.endswith("fe"):
            out.add(base[:-2] + "ves")
        return out
    if suffix[0] in "aeiouy":
        if base.endswith("e"):
            out.add(base[:-1] + suffix)  # bake → baker, ice → icy
        if _cvc(base):
            out.add(base + base[-1] + suffix)  # run → runner, sun → sunny
    if _consonant_y(base) and suffix[0] != "i":
        out.add(base[:-1] + "i" + suffix)  # happy → happier, happiness
    if base.endswith("le") and suffix == "ly":
        out.add(base[:-1] + "y")  # gentle → gently
    return out


@lru_cache(maxsize=4096)
def extra_forms(word: str) -> frozenset[str]:
    """Forms of word that Porter2 does not reduce to its stem: one extra suffix, then optionally
    one more (snow → snowy, snowier, snowiest, snowiness; run → runner, runners; happy → happily).
    -ish only follows words of 4+ letters (yellowish, but not van → vanish)."""
    suffixes = EXTRA_SUFFIXES + (("ish",) if len(word) >= 4 else ())
    first = {form for suffix in suffixes for form in attach(word, suffix)}
    second = {form for base in first for suffix in FOLLOW_SUFFIXES for form in attach(base, suffix)}
    return frozenset(first | second)


@lru_cache(maxsize=16384)
def singulars(word: str) -> frozenset[str]:
    """The word plus every singular it may be the plural of (boxes → box, leaves → leaf, mice → mouse)."""
    out = {word}
    for plural, singular in IRREGULAR_PLURALS.items():
        if word.endswith(plural):
            out.add(word[: len(word) - len(plural)] + singular)
    if len(word) <= 3 or word in NOT_PLURAL or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return frozenset(out)
    out.add(word[:-1])
    if word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh", "o")):
        out.add(word[:-2])  # boxes, tomatoes
    if word.endswith("ies"):
        out.add(word[:-3] + "y")  # cherries
    if word.endswith("ves"):
        out.update((word[:-3] + "f", word[:-3] + "fe"))  # leaves, knives
    return frozenset(out)


@lru_cache(maxsize=65536)
def bases(word: str) -> frozenset[str]:
    """Candidate words that word is a regular inflection or derivation of (junk included)."""
    out = set(singulars(word)) - {word}
    for suffix in STRIP_SUFFIXES:
        root = word[: -len(suffix)]
        if not word.endswith(suffix) or len(root) < 3:
            continue
        out.update((root, root + "e"))
        if root[-1] == root[-2]:
            out.add(root[:-1])  # running → run
        if root.endswith("i") and suffix != "s":
            out.add(root[:-1] + "y")  # happier → happy
    return frozenset(out)


def _stem_prefix(word: str) -> str:
    """The part of a word its derivations start with: universe → univers, happy → happi, die → dy."""
    if word.endswith("ie"):
        return word[:-2] + "y"
    if word.endswith("e"):
        return word[:-1]
    if _consonant_y(word):
        return word[:-1] + "i"
    return word


def _through_standalone(base: str, derived: str, standalone: Collection[str]) -> bool:
    """True when derived is, or is a form of, a standalone word other than base: corner is not corn + er,
    so neither is corners; apply is not apple + y."""
    chain = {derived} | bases(derived)
    return any(w in standalone and w != base and len(w) >= len(base) for w in chain)


def _suffixed(base: str, derived: str) -> bool:
    """derived is base plus Porter2-kept suffixes (snowy, runners), or base + d / -ing after a final e,
    which Porter2 sometimes stems differently (experience/experienced/experiencing)."""
    if len(derived) < len(base) or not derived.startswith(base[:-2]):
        return False  # attach keeps all but at most the last two letters of what it extends, never shortens
    if derived in extra_forms(base):
        return True
    if len(base) < 4 or not base.endswith("e") or base.endswith("ee"):
        return False
    return derived in (base + "d", base[:-1] + "ing")


def _same_stem(short: str, long: str, standalone: Collection[str]) -> bool:
    """Equal Porter2 stems, and the shorter word (or a regular base of it) minus a final e/y starts the
    longer one: televised/television, relate/relation, not experience/experiment. A standalone shorter
    word must start the longer one as it is (shower/showering, not polite/politics)."""
    common = stem(short)
    if common != stem(long) or len(common) < 3:
        return False
    if short in standalone:
        return long.startswith(short)
    candidates = (base for base in (short, *bases(short)) if len(base) >= len(common))
    return any(long.startswith(_stem_prefix(base)) for base in candidates)


@lru_cache(maxsize=65536)
def dictionary_lemmas(word: str) -> frozenset[str]:
    """The lemmas lemminflect's English dictionary gives for word (mice → mouse, felt → feel, flying →
    fly, went → go), without the verb reading of HOMOGRAPHS and without irregular comparatives; empty for
    a word the dictionary does not know."""
    found = all_lemmas(word)
    out = {
        lemma
        for pos in _OPEN_CLASSES
        for lemma in found.get(pos, ())
        if pos != "VERB" or word not in HOMOGRAPHS
    }
    out.update(lemma for pos in _GRADED_CLASSES for lemma in found.get(pos, ()) if lemma[:2] == word[:2])
    return frozenset(lemma.casefold() for lemma in out if lemma.isalpha())


def is_dictionary_word(word: str) -> bool:
    """True when lemminflect's dictionary knows word (about 100,000 English words and their forms)."""
    return bool(all_lemmas(word))


def verb_bases(word: str) -> frozenset[str]:
    """The word and its dictionary lemmas that do not merely undo a regular plural."""
    return frozenset({word, *dictionary_lemmas(word)})


@lru_cache(maxsize=65536)
def lemmas(word: str) -> frozenset[str]:
    """The word, every singular it may be the plural of, and its dictionary lemmas (irregular verb forms
    and plurals included)."""
    return singulars(word) | dictionary_lemmas(word)


@lru_cache(maxsize=65536)  # the referee asks about the same word pairs in every game
def related(a: str, b: str, standalone: frozenset[str] = frozenset()) -> bool:
    """True when a and b are the same word or morphological variants of each other (docs/taboo-rules.md):
    they share a lemma (mice/mouse, ran/run); one is a suffixed form of a lemma of the other (snowy/snow,
    starry/stars); they share a Porter2 stem (see _same_stem); or both are forms of one stem (running/runner).
    No derivation may pass through a standalone word (corn/corner)."""
    if a == b:
        return True
    if min(len(a), len(b)) < 3:
        return False
    lemmas_a, lemmas_b = lemmas(a), lemmas(b)
    if lemmas_a & lemmas_b:
        return True

    def allowed(base: str, derived: str) -> bool:
        return len(base) >= 3 and not _through_standalone(base, derived, standalone)

    for x in lemmas_a:
        for y in lemmas_b:
            if any(allowed(base, der) and _suffixed(base, der) for base, der in ((x, y), (y, x))):
                return True
    for x in verb_bases(a):  # Porter2 handles regular plurals itself
        for y in verb_bases(b):
            short, long = sorted((x, y), key=len)
            if allowed(short, long) and _same_stem(short, long, standalone):
                return True
    for word, other in ((a, b), (b, a)):  # siblings: running and runner are both forms of "run"
        root = stem(word)
        if root != word and word.startswith(root) and allowed(root, other) and other in extra_forms(root):
            return True
    return False
