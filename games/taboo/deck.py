"""Taboo cards and decks: the Card type, loading a deck from JSON, and the deck linter."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from games.kit.datafile import DataFileError, clipped, describe, read_json, shown, too_many
from games.kit.morphology import related
from games.kit.normalize import words
from games.taboo.errors import DeckError
from games.taboo.lexicon import standalone

__all__ = [
    "DEFAULT_DECK_PATH",
    "DIFFICULTIES",
    "Card",
    "Deck",
    "DeckError",
    "Difficulty",
    "deck_from_data",
    "lint_deck",
    "load_deck",
]

# Words of a multi-word entry that do not count when comparing stems ("pot of gold").
STOPWORDS = frozenset("a an the of and or in on at to for with by from".split())

Difficulty = Literal["easy", "medium", "hard"]
DIFFICULTIES: tuple[Difficulty, ...] = ("easy", "medium", "hard")


@dataclass(frozen=True, slots=True)
class Card:
    """One Taboo card: the target, its five taboo words or phrases, accepted alternate answers, and
    words always allowed in clues for this card (exceptions to the variant/compound rules)."""

    target: str
    taboo: tuple[str, ...]
    alternates: tuple[str, ...] = ()
    allow: frozenset[str] = frozenset()
    difficulty: Difficulty = "medium"

    def __post_init__(self) -> None:
        # Accept any iterables but store hashable ones, so a Card stays a frozen, hashable value.
        object.__setattr__(self, "taboo", tuple(self.taboo))
        object.__setattr__(self, "alternates", tuple(self.alternates))
        object.__setattr__(self, "allow", frozenset(self.allow))

    @property
    def forbidden(self) -> tuple[str, ...]:
        """The target followed by the taboo words: everything a clue must not say."""
        return (self.target, *self.taboo)


@dataclass(frozen=True, slots=True)
class Deck:
    """A named, versioned sequence of cards."""

    name: str
    cards: tuple[Card, ...]
    version: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "cards", tuple(self.cards))

    def __len__(self) -> int:
        return len(self.cards)

    def __iter__(self) -> Iterator[Card]:
        return iter(self.cards)

    def by_difficulty(self, difficulty: Difficulty) -> tuple[Card, ...]:
        """The cards of one difficulty, in deck order."""
        return tuple(card for card in self.cards if card.difficulty == difficulty)


# --- loading -------------------------------------------------------------------------------------------

DEFAULT_DECK_PATH = Path(__file__).with_name("data") / "deck.json"


def load_deck(path: str | Path = DEFAULT_DECK_PATH) -> Deck:
    """Read, lint and build a deck; raise DeckError (file, card, field) on the first problem.

    The shipped deck's words are not compared again at every start (half a second of morphology):
    the test suite lints it in full (tests/games/taboo/test_deck.py). Any other deck is linted in full.
    The shipped deck is the file, however the path names it (a log records it relative to the project).
    A process that loads the same unchanged file again (an eval's cells, a worker's batches, a rerun
    after a run) gets the deck it built the first time: decks are immutable.
    """
    label = str(path)
    resolved = Path(path).resolve()
    version = _file_version(resolved)
    if version is not None and (known := _LOADED.get(version)) is not None:
        return known
    try:
        data = read_json(path)
    except DataFileError as exc:
        raise DeckError(str(exc), path=label) from exc
    deck = deck_from_data(data, label, compare_words=resolved != DEFAULT_DECK_PATH.resolve())
    if version is not None and version == _file_version(resolved):  # unchanged while it was read
        _LOADED[version] = deck
    return deck


_LOADED: dict[tuple[Path, int, int, int], Deck] = {}  # by _file_version: the decks loaded so far


def _file_version(path: Path) -> tuple[Path, int, int, int] | None:
    """What tells one version of a file from another: its path, inode, size and modification time."""
    try:
        stat = path.stat()
    except OSError:
        return None  # reading it says what is wrong
    return path, stat.st_ino, stat.st_size, stat.st_mtime_ns


def deck_from_data(data: object, source: str = "<deck>", *, compare_words: bool = True) -> Deck:
    """Lint parsed JSON and build the Deck; raise the first problem as a DeckError. `compare_words`:
    also check that no taboo word shares the target's stem or overlaps another taboo word."""
    for problem in _problems(data, source, compare_words):
        raise problem
    assert isinstance(data, dict)
    cards = tuple(
        Card(
            target=card["target"],
            taboo=tuple(card["taboo"]),
            alternates=tuple(card.get("alternates", ())),
            allow=frozenset(card.get("allow", ())),
            difficulty=card["difficulty"],
        )
        for card in data["cards"]
    )
    return Deck(name=data["name"], cards=cards, version=data["version"])


# --- linting -------------------------------------------------------------------------------------------

TOP_KEYS = ("version", "name", "cards")
CARD_KEYS = ("target", "taboo", "alternates", "allow", "difficulty")
REQUIRED_CARD_KEYS = ("target", "taboo", "difficulty")
DECK_VERSION = 1
TABOO_COUNT = 5
MAX_CARDS = 1000  # linting a card takes milliseconds: a file of 40,000 would take minutes
MAX_LIST_ENTRIES = 20  # alternates or allow words of one card
MAX_ENTRY_CHARS = 32
MAX_ENTRY_WORDS = 3
# Letters only, words joined by a single space, hyphen or apostrophe: "ice cream", "jack-o'-lantern".
_ENTRY = re.compile(r"[^\W\d_]+(?:(?: |-|'|-'-)[^\W\d_]+)*")


def lint_deck(data: object, source: str = "<deck>") -> list[str]:
    """Every problem of a parsed deck (JSON data), as "source: card N ('target'): field 'f': reason"."""
    return [str(problem) for problem in _problems(data, source, compare_words=True)]


def _key(text: str) -> str:
    """Duplicate key: folded words glued together (case, accents, spaces and hyphens do not count)."""
    return "".join(words(text))


def _entry_problem(value: object) -> str | None:
    """Why one target/taboo/alternate entry is malformed, or None."""
    if not isinstance(value, str):
        return f"must be a string, not {describe(value)}"
    if not value.strip():
        return "must not be empty"
    if value != value.strip():
        return f"{shown(value)} has leading or trailing whitespace"
    if "  " in value:
        return f"{shown(value)} has repeated spaces"
    if len(value) > MAX_ENTRY_CHARS:
        return f"{shown(value)} is too long ({len(value)} > {MAX_ENTRY_CHARS} characters)"
    if len(value.split()) > MAX_ENTRY_WORDS:
        return f"{shown(value)} has more than {MAX_ENTRY_WORDS} words"
    if not (value[0].isalpha() and value[-1].isalpha()):
        return f"{shown(value)} starts or ends with a non-letter"
    if not _ENTRY.fullmatch(value):
        return f"{shown(value)} must be letters with single spaces, hyphens or apostrophes between words"
    return None


def _shares_stem(a: str, b: str) -> bool:
    """True when any word of a is a word of b or a morphological variant of one."""
    lone = standalone()
    return any(related(x, y, lone) for x in _content_words(a) for y in _content_words(b))


@lru_cache(maxsize=1024)
def _content_words(entry: str) -> tuple[str, ...]:
    return tuple(w for w in words(entry) if w not in STOPWORDS)


def _problems(data: object, path: str, compare_words: bool) -> Iterator[DeckError]:
    if not isinstance(data, dict):
        yield DeckError(f"the top level must be an object, not {describe(data)}", path=path)
        return
    for key in sorted(data.keys() - set(TOP_KEYS)):
        yield DeckError("unknown key", path=path, field=clipped(key))
    version = data.get("version")
    if type(version) is not int or version != DECK_VERSION:
        yield DeckError(
            f"must be the integer {DECK_VERSION}, not {shown(version)}", path=path, field="version"
        )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        yield DeckError("must be a non-empty string", path=path, field="name")
    cards = data.get("cards")
    if not isinstance(cards, list) or not cards:
        yield DeckError(f"must be a non-empty list of cards, not {shown(cards)}", path=path, field="cards")
        return
    if reason := too_many(cards, MAX_CARDS, "cards"):
        yield DeckError(reason, path=path, field="cards")
        return
    seen: dict[str, int] = {}
    for number, card in enumerate(cards, start=1):
        yield from _card_problems(card, number, path, compare_words)
        target = card.get("target") if isinstance(card, dict) else None
        if isinstance(target, str) and _entry_problem(target) is None:
            first = seen.setdefault(_key(target), number)
            if first != number:
                reason = f"duplicate of card {first}"
                yield DeckError(reason, path=path, card=number, target=target, field="target")


def _card_problems(card: object, number: int, path: str, compare_words: bool) -> Iterator[DeckError]:
    if not isinstance(card, dict):
        yield DeckError(f"must be an object, not {describe(card)}", path=path, card=number)
        return
    raw_target = card.get("target")
    target = raw_target if isinstance(raw_target, str) else None

    def problem(field: str, reason: str) -> DeckError:
        return DeckError(reason, path=path, card=number, target=target, field=field)

    for key in sorted(card.keys() - set(CARD_KEYS)):
        yield problem(clipped(key), "unknown key")
    for key in REQUIRED_CARD_KEYS:
        if key not in card:
            yield problem(key, "missing")
    if "target" in card and (reason := _entry_problem(raw_target)):
        yield problem("target", reason)
        target = None
    difficulty = card.get("difficulty")
    if "difficulty" in card and (not isinstance(difficulty, str) or difficulty not in DIFFICULTIES):
        yield problem("difficulty", f"must be one of {', '.join(DIFFICULTIES)}, not {shown(difficulty)}")
    valid: dict[str, list[str]] = {}
    for field in ("taboo", "alternates", "allow"):
        if field in card:
            valid[field] = []
            compared = target if compare_words else None
            for where, reason in _list_problems(field, card[field], compared, valid[field]):
                yield problem(where, reason)
    entries = (target or "", *valid.get("taboo", ()), *valid.get("alternates", ()))
    forbidden = {_key(entry) for entry in entries}
    for entry in valid.get("allow", ()):
        if _key(entry) in forbidden:
            yield problem("allow", f"{entry!r} is forbidden on this card, it cannot be allowed")


def _list_problems(
    field: str, value: object, target: str | None, valid: list[str]
) -> Iterator[tuple[str, str]]:
    """Problems of a card's taboo, alternates or allow list, as (field or entry, reason), an entry
    spelled like taboo[1] (0-based, as in a JSON path); fills valid with the well-formed entries.
    target is None when the card's target is itself invalid."""
    if not isinstance(value, list):
        yield field, f"must be a list, not {describe(value)}"
        return
    if field == "taboo" and len(value) != TABOO_COUNT:
        yield field, f"must have exactly {TABOO_COUNT} entries, not {len(value)}"
    if reason := too_many(value, MAX_LIST_ENTRIES, "entries"):
        yield field, reason
        return
    keys: set[str] = set()
    at: list[str] = []  # where each valid entry is
    for index, entry in enumerate(value):
        where = f"{field}[{index}]"
        if reason := _entry_problem(entry):
            yield where, reason
        elif field == "allow" and " " in entry:
            yield where, f"{shown(entry)} must be a single word"
        elif _key(entry) in keys:
            yield where, f"{shown(entry)} is listed twice"
        else:
            keys.add(_key(entry))
            valid.append(entry)
            at.append(where)
    if target is None:
        return
    for where, entry in zip(at, valid, strict=True):
        if field == "alternates" and _key(entry) == _key(target):
            yield where, f"{entry!r} is the target itself"
        if field == "taboo" and _shares_stem(entry, target):
            yield where, f"{entry!r} shares the target's stem"
    if field == "taboo" and len(value) == TABOO_COUNT:
        for i, a in enumerate(valid):
            for b in valid[i + 1 :]:
                if _shares_stem(a, b) and not _shares_stem(a, target):
                    yield field, f"{a!r} and {b!r} overlap (the same word or a variant of it)"
