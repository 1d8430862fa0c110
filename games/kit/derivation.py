"""Derivational families: the dictionary words a word is built from by English suffixes and prefixes.

decision → decide, description → describe, inference → infer, contributor → contribute, likelihood →
likely, mixture → mix, individually → individual, impurities → impurity → purity → pure,
independent → dependent. Every step must land on a word lemminflect's dictionary knows (or the
caller's own words), so junk stems never link two words; and no step may pass through a standalone
word (a word that only looks derived: university is not universe + ity).

Every function takes folded (lower-case) single words.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache

from games.kit.morphology import dictionary_lemmas, is_dictionary_word, lemmas

# How to undo a derivational suffix: the suffix and what may have stood in its place. Longest first
# within a family of endings, so "ication" is tried before "ation" and "ion".
# fmt: off
SUFFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ibility", ("ible",)), ("ability", ("able",)), ("ication", ("y",)), ("ization", ("ize",)),
    ("isation", ("ise",)), ("ation", ("ate", "e", "")), ("ition", ("ite", "e", "")),
    ("ution", ("ute", "ve")), ("ption", ("be", "pt")), ("ssion", ("ss", "t", "d")),
    ("sion", ("de", "d", "se", "t")), ("ction", ("ct",)), ("tion", ("te",)), ("ion", ("e", "")),
    ("lihood", ("ly",)), ("ment", ("",)), ("ness", ("",)),
    ("ity", ("e", "")), ("ance", ("e", "", "ant")), ("ence", ("e", "", "ent")), ("ancy", ("ant",)),
    ("ency", ("ent",)), ("ense", ("end",)), ("onse", ("ond",)), ("ture", ("",)), ("ure", ("e",)),
    ("ator", ("ate",)), ("utor", ("ute",)),
    ("or", ("e", "")), ("er", ("e", "")), ("ee", ("",)), ("ist", ("", "e", "y")), ("ism", ("", "e")),
    ("ical", ("ic", "y")), ("ally", ("al", "")), ("ily", ("y",)), ("ly", ("", "le")), ("ful", ("",)),
    ("less", ("",)), ("able", ("e", "")), ("ible", ("e", "")), ("ive", ("e", "")), ("ous", ("", "e")),
    ("ify", ("", "e", "ity")), ("ifier", ("ify",)), ("ize", ("", "e", "y")), ("ise", ("", "e", "y")),
    ("al", ("", "e")), ("ic", ("", "e", "y")), ("ant", ("", "e")), ("ent", ("", "e")), ("y", ("", "e")),
)
# fmt: on
# Prefixes glued to a word of the same family: negative ones (independent, unlikely, impure, nonviolent,
# dishonest, misfire) and a few that keep the meaning of the word (preheat, restart, overpay).
PREFIXES = ("non", "un", "in", "im", "il", "ir", "dis", "mis", "anti", "pre", "re", "over", "under", "out")
MIN_ROOT = 3  # shortest word a family can meet in (mix, fly)
MIN_PREFIXED = 5  # shortest word a prefix may be glued to (independent, restart, unlikely)
MAX_STEPS = 3  # suffixes and prefixes undone one after another (impurities → impurity → purity → pure)


# SUFFIXES by their last letter, in their order: a word is only compared with those it may end in.
_SUFFIXES_BY_LAST: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    last: tuple(entry for entry in SUFFIXES if entry[0][-1] == last) for last in {s[-1] for s, _ in SUFFIXES}
}


def _undo_suffix(word: str) -> set[str]:
    """Every word that word may be built from by one derivational suffix (some are junk)."""
    out: set[str] = set()
    for suffix, replacements in _SUFFIXES_BY_LAST.get(word[-1:], ()):
        if not word.endswith(suffix) or len(word) - len(suffix) < MIN_ROOT:
            continue
        stem = word[: -len(suffix)]
        for replacement in replacements:
            out.add(stem + replacement)
        if stem.endswith("i"):
            out.add(stem[:-1] + "y")  # likelihood → likely, happiness → happy
        if len(stem) >= 2 and stem[-1] == stem[-2] and stem[-1] not in "aeiouls":
            out.add(stem[:-1])  # planner → plan, fitness → fit
    return out


def _undo_prefix(word: str) -> set[str]:
    """The words left after a prefix, when they have MIN_PREFIXED letters or more: shorter ones are too
    often chance (inside is not in + side, missing not mis + sing)."""
    return {word[len(p) :] for p in PREFIXES if word.startswith(p) and len(word) - len(p) >= MIN_PREFIXED}


def _known(word: str, extra: Collection[str]) -> bool:
    return len(word) >= MIN_ROOT and (word in extra or is_dictionary_word(word))


@lru_cache(maxsize=65536)
def roots(
    word: str, standalone: frozenset[str] = frozenset(), extra: frozenset[str] = frozenset()
) -> frozenset[str]:
    """The word, its lemmas, and every known word it is derived from by undoing up to MAX_STEPS
    suffixes and prefixes, never passing through a standalone word."""
    found = {word, *lemmas(word)} if word not in standalone else {word}
    frontier = set(found)
    for _ in range(MAX_STEPS):
        step: set[str] = set()
        for form in frontier - standalone:
            for base in _undo_suffix(form) | _undo_prefix(form):
                if base in standalone and not form.startswith(base):
                    continue  # a standalone word must begin its derivatives as written: busy, not business
                if base not in found and _known(base, extra):
                    step.add(base)
                    step.update(dictionary_lemmas(base))
        found |= step
        frontier = step
        if not frontier:
            break
    return frozenset(found)


def same_family(
    a: str, b: str, standalone: frozenset[str] = frozenset(), extra: frozenset[str] = frozenset()
) -> bool:
    """True when a and b share a root: one is derived from the other (decision, decide) or both from a
    third word (impurities, purifier: pure). A shared root of three letters counts only when it is a or b
    itself or one of their lemmas (mix, mixing, mixture): short unrelated stems never link two longer
    words."""
    if a == b:
        return True
    shared = roots(a, standalone, extra) & roots(b, standalone, extra)
    own = lemmas(a) | lemmas(b)
    return any(len(root) > MIN_ROOT or root in own for root in shared)
