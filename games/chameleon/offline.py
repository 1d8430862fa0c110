"""The built-in offline players: they play for real, without a model, from the categories' clue words.

Each player recalls a seeded share (`knowledge`) of every word's clue words, never fewer than two, and
recognises all of them when it hears one. A player who knows the secret clues with one of the secret's
clue words nobody has said yet, picked at random; with chance `subtlety` it clues carefully instead:
the clue word (fresh, or one said once already: an echo gives nothing away) that leaves the secret least
ahead of its closest rival in the chameleon's eyes. The chameleon ranks the category's words by how
well the clues heard so far fit them and bluffs with an unsaid clue word those best candidates share
(with chance `boldness`, one of the best candidate's own), never a word of the category itself; going
first, it says the category's most common clue word. Votes go to the player whose clue fits the secret
worst: a clue word of the secret fits, less so the more words share it; one of a neighbouring word (one
sharing a clue word with the secret) fits a little; one of another word of the category, hardly. The
chameleon votes the same way against its best candidate, so it accuses a plausible innocent. Caught,
it guesses the candidate that fits the others' clues best.

Everything is read from the observation the game attaches to the request (`request.context`) and
drawn from generators seeded per seat: the same seed and requests give the same replies.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from agents import ChatRequest
from games.chameleon.categories import Categories, Category
from games.chameleon.rules import is_variant
from games.chameleon.state import PASS, Phase
from games.kit.matching import answer_words

MIN_KNOWN = 2  # clue words a player recalls of every word, whatever its knowledge
# How well a heard clue fits the secret in a voter's eyes (the lowest draws the vote): one of the
# secret's clue words (FIT_OWN, less up to FIT_VAGUE the more words share it), one of a neighbouring
# word's, one of another word's (a bluff, most likely), a pass, a word the voter does not know.
FIT_OWN, FIT_VAGUE, FIT_NEAR, FIT_OTHER, FIT_PASS, FIT_UNKNOWN = 1.0, 0.5, 0.35, 0.1, 0.3, 0.3
NOISE = 0.05  # a voter's hesitation between near-equal suspects


@dataclass(frozen=True)
class PlayerKnobs:
    """Offline knobs a persona can set, for whichever side the seat ends up on.

    `subtlety`: the chance of a careful clue (one that gives the word away least) when you know it.
    `knowledge`: the share of every word's clue words this player recalls.
    `boldness`: the chance the chameleon clues from its single best candidate.
    """

    subtlety: float = field(
        default=0.8, metadata={"help": "the chance of a careful clue when you know the word"}
    )
    knowledge: float = field(default=0.6, metadata={"help": "the share of every word's clue words recalled"})
    boldness: float = field(default=0.2, metadata={"help": "the chameleon's chance of a committed bluff"})


def fold(word: str) -> str:
    return "".join(answer_words(word))


class Associations:
    """One player's sense of a category. Recall (what comes to mind when clueing or guessing) is the
    seeded share `knowledge` of each word's clue words; recognition (does a heard clue go with a word?)
    is all of them."""

    def __init__(self, category: Category, knowledge: float, rng: random.Random) -> None:
        self.words = category.words
        self.bags: dict[str, dict[str, str]] = {}  # recall: word -> folded clue word -> as written
        self.known: dict[str, set[str]] = {}  # recognition: word -> folded clue words
        for word, clues in category.clues.items():
            recalled = [clue for clue in clues if rng.random() < knowledge]
            for clue in clues:
                if len(recalled) >= MIN_KNOWN:
                    break
                if clue not in recalled:
                    recalled.append(clue)
            self.bags[word] = {fold(clue): clue for clue in recalled}
            self.known[word] = {fold(clue) for clue in clues}
        self.share = Counter(clue for bag in self.bags.values() for clue in bag)  # words recalled per clue
        self.known_share = Counter(clue for bag in self.known.values() for clue in bag)
        self.written = {fold(clue): clue for clues in category.clues.values() for clue in clues}

    def fit(self, clues: Sequence[str]) -> dict[str, float]:
        """Each word's fit to `clues` as recalled, rarer clue words weighing more."""
        fits = {}
        for word in self.words:
            # In a fixed order: a float sum over a set would differ with the process's string hashing.
            fits[word] = sum(1 / self.share[clue] for clue in sorted(set(clues)) if clue in self.bags[word])
        return fits

    def ranked(self, clues: Sequence[str], rng: random.Random) -> list[str]:
        """The words, best fit first; ties in a seeded order."""
        fits = self.fit(clues)
        return sorted(self.words, key=lambda word: (-fits[word], rng.random()))

    def neighbours(self, word: str) -> list[str]:
        """The other words that share a clue word with `word`."""
        bag = self.known[word]
        return [other for other in self.words if other != word and bag & self.known[other]]

    def fit_of(self, clue: str, secret: str) -> float:
        """How well a heard clue fits the secret, as recognised (1 is best)."""
        if clue == fold(PASS):
            return FIT_PASS
        if clue in self.known[secret]:
            return FIT_OWN - FIT_VAGUE * (1 - 1 / self.known_share[clue])  # vaguer: could come from anyone
        if any(clue in self.known[word] for word in self.neighbours(secret)):
            return FIT_NEAR
        return FIT_OTHER if self.known_share[clue] else FIT_UNKNOWN


class OfflinePlayer:
    """One seat's offline player, for either side: it learns which from the observation."""

    def __init__(self, categories: Categories, seed: int, knobs: PlayerKnobs = PlayerKnobs()) -> None:
        self.categories = categories
        self.seed = seed
        self.knobs = knobs
        self._random = random.Random(seed)
        self._associations: dict[str, Associations] = {}

    def __call__(self, request: ChatRequest) -> str:
        seen = request.context or {}
        known = self._known(str(seen["category"]))
        heard = [(str(player), fold(str(clue))) for player, clue in seen.get("clues", ())]
        phase = Phase(seen["phase"])
        secret = seen.get("secret")
        name = str(seen["name"])
        if phase is Phase.CLUES:
            clue = self._bluff(known, heard) if secret is None else self._clue(known, str(secret), heard)
            return f"CLUE: {clue}"
        if phase is Phase.VOTES:
            if secret is None:  # the chameleon accuses as if its best candidate were the word
                secret = known.ranked(_others(heard, name), self._random)[0]
            return f"VOTE: {self._suspect(known, str(secret), heard, name)}"
        return f"GUESS: {known.ranked(_others(heard, name), self._random)[0]}"

    def _known(self, category: str) -> Associations:
        if category not in self._associations:
            found = self.categories.named(category)
            if found is None:
                raise ValueError(f"the offline player does not know the category {category!r}")
            rng = random.Random(f"{self.seed}:{found.name}")  # not tied to the order of requests
            self._associations[category] = Associations(found, self.knobs.knowledge, rng)
        return self._associations[category]

    def _clue(self, known: Associations, secret: str, heard: list[tuple[str, str]]) -> str:
        said = {clue for _, clue in heard}
        fresh = [clue for clue in known.bags[secret] if clue not in said]
        fresh = fresh or sorted(known.known[secret] - said) or list(known.bags[secret])
        if self._random.random() >= self.knobs.subtlety:
            return known.written[self._random.choice(sorted(fresh))]
        clues = [clue for _, clue in heard]

        def margin(clue: str) -> tuple[float, float]:
            fits = known.fit([*clues, clue])
            rival = max(fit for word, fit in fits.items() if word != secret)
            return (fits[secret] - rival, self._random.random())

        once = {clue for clue in said if sum(c == clue for _, c in heard) == 1}
        options = sorted(set(fresh) | (known.known[secret] & once))
        return known.written[min(options, key=margin)]

    def _bluff(self, known: Associations, heard: list[tuple[str, str]]) -> str:
        said = {clue for _, clue in heard}
        written = known.written
        allowed = [
            clue
            for clue in sorted(known.share)
            if clue not in said and not any(is_variant(clue, word) for word in known.words)
        ]
        if not allowed:
            return written[self._random.choice(sorted(known.share))]
        clues = [clue for _, clue in heard if clue != fold(PASS)]
        fits = known.fit(clues)
        ranked = known.ranked(clues, self._random)
        if clues and self._random.random() < self.knobs.boldness:
            own = [clue for clue in allowed if clue in known.bags[ranked[0]]]
            if own:
                return written[self._random.choice(own)]
        # A clue word shared by the best candidates: each candidate counts by its fit (a little even
        # with no fit, so that with nothing heard the most common clue word wins).
        score = {
            clue: sum(fits[word] + 0.1 for word in known.words if clue in known.bags[word])
            for clue in allowed
        }
        best = max(score.values())
        return written[self._random.choice([clue for clue in allowed if score[clue] == best])]

    def _suspect(self, known: Associations, secret: str, heard: list[tuple[str, str]], name: str) -> str:
        fits = {player: known.fit_of(clue, secret) + self._random.random() * NOISE for player, clue in heard}
        fits.pop(name, None)
        return min(fits, key=lambda player: fits[player])


def _others(heard: list[tuple[str, str]], name: str) -> list[str]:
    """The clues the other players gave, passes left out."""
    return [clue for player, clue in heard if player != name and clue != fold(PASS)]


def offline_policy(
    categories: Categories, seat: str, seed: int, knobs: PlayerKnobs | Mapping[str, Any] = PlayerKnobs()
) -> OfflinePlayer:
    """The offline player for `seat` in a game seeded with `seed` (each seat draws its own numbers)."""
    if not isinstance(knobs, PlayerKnobs):
        knobs = PlayerKnobs(**knobs)
    return OfflinePlayer(categories, _seat_seed(seed, seat), knobs)


def _seat_seed(seed: int, seat: str) -> int:
    return random.Random(f"{seed}:{seat}").randrange(2**31)
