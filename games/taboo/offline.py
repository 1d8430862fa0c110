"""The built-in offline players: they play for real, without a model.

The offline hinter clues from the card's hints (short descriptions written with the deck), checks each
clue against the rules before saying it (as a careful player would) and, with a small `slip_rate`,
blurts one out anyway. The offline guesser knows the deck's vocabulary (every card's words and hints,
like a person knows the language, never the card in play) and guesses the target whose words the
clues so far share most, weighted by how rare each shared word is; it never repeats a guess.
Both read only the observation the game attaches to the request (`request.context`), seeded by the game.
"""

from __future__ import annotations

import math
import random
import re
import struct
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

from agents import ChatRequest
from games.kit.normalize import words
from games.kit.voices import unvoiced, voiced
from games.taboo.deck import Card, Deck
from games.taboo.hints import hints_for
from games.taboo.players import card_from_body
from games.taboo.rules import check_clue
from games.taboo.state import HINTER

_FILLER = frozenset(
    "a an the of and or in on at to for with by from it its is are be you your that this thing "
    "something someone can has have what which who when where one some very not no".split()
)


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return _STEMMER.stemWord(word)


def content_stems(text: str) -> list[str]:
    """The stems of a text's meaningful words."""
    return [_stem(word) for word in words(text.lower()) if word not in _FILLER and len(word) > 1]


@dataclass(frozen=True)
class HinterStyle:
    """Offline knobs a persona can set: `terse` clues say only a hint's key word."""

    terse: bool = field(default=False, metadata={"help": "clue with only the key word of each hint"})
    slip_rate: float = field(
        default=0.02, metadata={"help": "the chance, each turn, of blurting out a taboo word"}
    )
    voice: str = field(
        default="", metadata={"help": "how the clues are said: pirate, poet, or plain (empty)"}
    )


@dataclass(frozen=True)
class GuesserStyle:
    """Offline knobs a persona can set: `lateral` is the chance of trying a less obvious candidate;
    `knowledge` the share of each card's associations (hints) this guesser has in mind."""

    lateral: float = field(default=0.0, metadata={"help": "the chance of guessing a less obvious candidate"})
    knowledge: float = field(
        default=0.6, metadata={"help": "the share of each card's associations the guesser has in mind"}
    )


class OfflineHinter:
    """Clues from the card's hints, in the deck's order (vaguest first), checked before they are said."""

    def __init__(self, seed: int, style: HinterStyle = HinterStyle()) -> None:
        self._random = random.Random(seed)
        self.style = style

    def __call__(self, request: ChatRequest) -> str:
        context = request.context or {}
        card = card_from_body(context["card"])
        hints = hints_for(card.target)
        used = {unvoiced(str(clue), self.style.voice) for clue in context.get("clues", ())}
        if self._random.random() < self.style.slip_rate:
            return f"CLUE: it is a lot like {self._random.choice(card.taboo)}"
        for hint in hints:
            clue = self._phrase(hint)
            if clue not in used and _legal(clue, card):
                said = voiced(clue, self.style.voice, self._random)
                return f"CLUE: {said if said == clue or _legal(said, card) else clue}"
        return f"CLUE: {_fallback_clue(card, len(used))}"

    def _phrase(self, hint: str) -> str:
        if not self.style.terse:
            return hint
        stems = [word for word in words(hint) if word.lower() not in _FILLER]
        return max(stems, key=len) if stems else hint


def _legal(clue: str, card: Card) -> bool:
    """Whether the rules allow `clue` for `card` (check_clue remembers its answers: a hinter asks again
    each turn about the hints it could not say)."""
    return check_clue(clue, card) is None


def _fallback_clue(card: Card, index: int) -> str:
    """A weak but legal clue for a card without (enough) hints."""
    letters = len(card.target.replace(" ", ""))
    if index % 2 == 0:
        return f"{letters} letters, the first is {card.target[0].upper()}"
    return f"ends in {card.target[-1].upper()}, {letters} letters"


class Vocabulary:
    """What the offline guesser knows of a deck: each target's words, and how rare each word is."""

    def __init__(self, deck: Deck) -> None:
        self.targets = [card.target for card in deck]
        self.core: dict[str, list[str]] = {}  # stems of the taboo words and alternates: always known
        self.hints: dict[str, list[list[str]]] = {}  # stems of each hint: known in part
        document_frequency: Counter[str] = Counter()
        for card in deck:
            self.core[card.target] = content_stems(" ".join((*card.taboo, *card.alternates)))
            self.hints[card.target] = [content_stems(hint) for hint in hints_for(card.target)]
            every = set(self.core[card.target]).union(*self.hints[card.target])
            document_frequency.update(every)
        count = max(len(self.targets), 1)
        self.rarity = defaultdict(
            lambda: math.log(count + 1),
            {stem: math.log((count + 1) / (df + 0.5)) for stem, df in document_frequency.items()},
        )
        # Which cards a stem belongs to: through their core words, or through one of their hints (the
        # deck's hints numbered in order), so that a guesser finds the cards a clue's stems point to
        # without a set of words per card.
        self.core_cards: dict[str, set[int]] = defaultdict(set)
        self.hint_cards: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.hint_count = 0
        for number, target in enumerate(self.targets):
            for stem in self.core[target]:
                self.core_cards[stem].add(number)
            for hint in self.hints[target]:
                for stem in hint:
                    self.hint_cards[stem].append((number, self.hint_count))
                self.hint_count += 1
        self.lowered = [target.lower() for target in self.targets]


_VOCABULARIES: dict[int, tuple[Deck, Vocabulary]] = {}


def vocabulary(deck: Deck) -> Vocabulary:
    """The deck's vocabulary, built once per deck object (a batch shares it across games)."""
    known = _VOCABULARIES.get(id(deck))
    if known is None or known[0] is not deck:
        known = _VOCABULARIES[id(deck)] = (deck, Vocabulary(deck))
    return known[1]


_DRAW = struct.Struct("<II")
_UNIT = 2.0**53  # random.random() is (a * 2**26 + b) / 2**53, a and b the high bits of two 32-bit outputs


class _SeededShare:
    """`share[i]` is `rng.random() < chance` for the i-th of `count` draws made in turn, without a
    Python call per draw: the generator's 2 * count 32-bit outputs are taken at once (getrandbits
    produces them in the same order, least significant first, and leaves the generator where the draws
    would) and a draw is read from its two outputs when asked. `x / 2**53 < chance` is `x < chance *
    2**53` exactly (scaling by a power of two), so every answer is the draw's."""

    __slots__ = ("_outputs", "_bound")

    def __init__(self, rng: random.Random, count: int, chance: float) -> None:
        self._outputs = rng.getrandbits(64 * count).to_bytes(8 * count, "little") if count else b""
        self._bound = chance * _UNIT

    def __getitem__(self, index: int) -> bool:
        first, second = _DRAW.unpack_from(self._outputs, 8 * index)
        return (first >> 5) * 67108864 + (second >> 6) < self._bound


class OfflineGuesser:
    """Guesses the deck target that best fits the clues so far."""

    def __init__(self, deck: Deck, seed: int, style: GuesserStyle = GuesserStyle()) -> None:
        self._random = random.Random(seed)
        self.style = style
        known = self._known = vocabulary(deck)
        self._targets = known.targets
        self._rarity = known.rarity
        # This guesser's associations: every card's core words and a seeded share of its hints (one
        # draw per hint, card by card in the deck's order), drawn at once and read when a clue needs them.
        self._hints_in_mind = _SeededShare(self._random, known.hint_count, style.knowledge)
        self._cards_of: dict[str, set[int]] = {}  # stem -> the cards whose associations hold it

    def _associated(self, stem: str) -> set[int]:
        """The cards (by number) among whose associations this guesser has `stem`."""
        cards = self._cards_of.get(stem)
        if cards is None:
            in_mind = self._hints_in_mind
            cards = set(self._known.core_cards.get(stem, ()))
            cards.update(card for card, hint in self._known.hint_cards.get(stem, ()) if in_mind[hint])
            self._cards_of[stem] = cards
        return cards

    def __call__(self, request: ChatRequest) -> str:
        context = request.context or {}
        clues = [str(clue) for clue in context.get("clues", ())]
        tried = {guess.lower() for guess in context.get("guesses", ())}
        ranked = self._rank(clues, tried)
        if not ranked:
            return "GUESS: " + self._random.choice(self._targets)
        if self.style.lateral and len(ranked) > 1 and self._random.random() < self.style.lateral:
            return "GUESS: " + self._random.choice(ranked[1:3])
        return "GUESS: " + ranked[0]

    def _rank(self, clues: list[str], tried: set[str]) -> list[str]:
        # Later clues weigh a little more: they answer the wrong guesses before them.
        weights: Counter[str] = Counter()
        for position, clue in enumerate(clues, start=1):
            for stem in sorted(set(content_stems(clue))):  # a fixed order: float sums follow it
                weights[stem] += 1 + 0.25 * position
        shape = _shape(clues)
        # Each stem's share of a score, and the cards holding it; a card's score adds the shares of the
        # stems it holds, in the order of `weights` (the same float sums as stem by stem).
        shares = [(weight * self._rarity[stem], self._associated(stem)) for stem, weight in weights.items()]
        touched = set().union(*(cards for _, cards in shares))
        known_shape, draw = shape.known, self._random.random
        # Every share is positive (a weight times a rarity, both above zero), so without a known shape
        # only the cards holding a stem can score: they are visited in the deck's order, as all were.
        numbers = range(len(self._targets)) if known_shape else sorted(touched)
        targets, lowered = self._targets, self._known.lowered
        scores: list[tuple[float, float, str]] = []
        for number in numbers:
            target = targets[number]
            if lowered[number] in tried or (known_shape and not shape(target)):
                continue
            score = sum(share for share, cards in shares if number in cards) if number in touched else 0
            if score > 0 or known_shape:
                scores.append((score, draw(), target))
        scores.sort(reverse=True)
        return [target for _, _, target in scores]


@dataclass(frozen=True)
class _Shape:
    """What clues said about the word's spelling: its length, its first and last letters."""

    length: int | None = None
    first: str | None = None
    last: str | None = None

    @property
    def known(self) -> bool:
        return any(value is not None for value in (self.length, self.first, self.last))

    def __call__(self, target: str) -> bool:
        letters = target.replace(" ", "").lower()
        return (
            (self.length is None or len(letters) == self.length)
            and (self.first is None or letters.startswith(self.first))
            and (self.last is None or letters.endswith(self.last))
        )


def _shape(clues: list[str]) -> _Shape:
    length = first = last = None
    for clue in clues:
        text = clue.lower()
        if match := re.search(r"\b(\d+) letters\b", text):
            length = int(match.group(1))
        if match := re.search(r"\bthe first is ([a-z])\b", text):
            first = match.group(1)
        if match := re.search(r"\bends in ([a-z])\b", text):
            last = match.group(1)
    return _Shape(length, first, last)


def offline_policy(
    role: str,
    deck: Deck,
    seed: int,
    hinter: HinterStyle = HinterStyle(),
    guesser: GuesserStyle = GuesserStyle(),
) -> OfflineHinter | OfflineGuesser:
    """The offline player for `role` in a game seeded with `seed` (each role draws its own numbers)."""
    if role == HINTER:
        return OfflineHinter(seed * 2 + 1, hinter)
    return OfflineGuesser(deck, seed * 2 + 2, guesser)
