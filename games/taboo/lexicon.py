"""The built-in English word list and what the checker derives from it: compound parts and embedded words.

data/words.txt holds a few thousand common English words (whitespace-separated, "#" starts a comment);
data/standalone.txt lists words that merely look like a shorter word plus a suffix or another word
(carpet is not car + pet, corner is not corn + er): they are never split or treated as variants.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import cache
from pathlib import Path

from games.kit.morphology import bases, is_dictionary_word, lemmas, related, singulars

DATA_DIR = Path(__file__).with_name("data")
MIN_PART = 3  # shortest part of a compound (sun + flower)
MIN_EMBEDDED = 4  # shortest forbidden word looked for inside a longer token
MIN_DICTIONARY_TAIL = 5  # a compound's second part this long lets any dictionary word be its first
MIN_PARTNER = 4  # a three-letter word counts inside a compound only beside a word this long (sunlight)
# Suffix-like words that never count as a compound part (friendship is not friend + ship).
NOT_PARTS = frozenset(
    "ship hood less ful ness some like wise ward wards ways dom ism ist her hers our ours yours its his per "
    "for not".split()
)


def _read(name: str) -> frozenset[str]:
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return frozenset(w.casefold() for line in lines for w in line.split("#", 1)[0].split())


@cache
def known_words() -> frozenset[str]:
    """The words of data/words.txt."""
    return _read("words.txt")


@cache
def standalone() -> frozenset[str]:
    """The words of data/standalone.txt."""
    return _read("standalone.txt")


def is_word(word: str, extra: Collection[str] = frozenset(), *, inflected: bool = True) -> bool:
    """True when word is a known word or in extra; with inflected, also when a regular base of it is
    (balls → ball, capped → cap, boarding → board)."""
    known = known_words()
    candidates = (word, *bases(word)) if inflected else (word,)
    return any(w in known or w in extra for w in candidates)


def _is_plain_word(word: str, extra: Collection[str]) -> bool:
    """A known word, or the plural of one (sunglasses, chopsticks), never a suffix-like word."""
    return word not in NOT_PARTS and any(is_word(w, extra, inflected=False) for w in singulars(word))


def compound_parts(word: str, extra: Collection[str] = frozenset()) -> frozenset[str]:
    """The parts of every split of word into two known words of 3+ letters (flashlight → flash, light);
    the first part must be a word as it stands, the second may be a plural (sunglasses). Before a known
    word of MIN_DICTIONARY_TAIL+ letters, the first part may be any dictionary word (forecourt,
    automobile)."""
    if singulars(word) & standalone():
        return frozenset()
    parts: set[str] = set()
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        head, tail = word[:cut], word[cut:]
        if head in NOT_PARTS or not _is_plain_word(tail, extra):
            continue
        if is_word(head, extra, inflected=False) or (
            len(tail) >= MIN_DICTIONARY_TAIL and is_dictionary_word(head)
        ):
            parts.update((head, tail))
    return frozenset(parts)


def embeds(token: str, word: str, extra: Collection[str] = frozenset()) -> bool:
    """True when token is word (or a variant of it) joined at its start or end to another known word of
    3+ letters: snowman, snowballs and pineapple embed snow, ball and pine; spine and heart embed nothing."""
    if len(word) < MIN_EMBEDDED or len(token) <= len(word) or token in standalone():
        return False
    for cut in range(MIN_PART, len(token) - MIN_PART + 1):
        head, tail = token[:cut], token[cut:]
        if _is_form_of(head, word) and is_word(tail, extra):
            return True
        if _is_form_of(tail, word) and is_word(head, extra, inflected=False):
            return True
    return False


def _is_form_of(piece: str, word: str) -> bool:
    """piece is word, its singular, or a longer variant of it (balls for ball), never a fragment
    (ital for italy)."""
    if piece == word or piece in lemmas(word):
        return True
    return len(piece) > len(word) and related(piece, word, standalone())


def embeds_short(token: str, word: str, extra: Collection[str] = frozenset()) -> bool:
    """True when token is a three-letter word joined at its start or end to a known word of
    MIN_PARTNER+ letters (sunlight, carpool, racecar for sun and car). Shorter partners are too often
    chance (cobweb, Sunday), and standalone words are never split (carpet, earring)."""
    if len(word) != 3 or len(token) < len(word) + MIN_PARTNER or token in standalone():
        return False
    if token.startswith(word) and _is_plain_word(token[3:], extra):
        return True
    return (
        token.endswith(word) and token[:-3] not in NOT_PARTS and is_word(token[:-3], extra, inflected=False)
    )
