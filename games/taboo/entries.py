"""A card's forbidden entries, analysed once per card, and the verdict on one clue word against them.

Each entry carries small prefilter sets (the first letters of its forms and roots), so a clue word is
compared in depth only with the entries it could possibly match: judging a word costs about the same
whatever the word, and each distinct word is judged once per card (docs/taboo-rules.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache

from games.kit.derivation import roots, same_family
from games.kit.morphology import dictionary_lemmas, is_dictionary_word, lemmas, related
from games.kit.normalize import fold_text, tokenize, words
from games.kit.spelling import respellings
from games.taboo.deck import Card
from games.taboo.lexicon import DATA_DIR, compound_parts, embeds, embeds_short, is_word, standalone

# Rule names, highest priority first (the tie-break when two violations start at the same offset).
RULES: tuple[str, ...] = (
    "phrase",  # a multi-word entry as a token sequence, or written as one word (ice-cream, icecream)
    "target_word",  # the target, an alternate answer, or a word of a multi-word one, as a token
    "taboo_word",  # a taboo word as a token
    "variant",  # an inflection or close variant: snows, snowy, snowing, mice for mouse, PCs for PC
    "family",  # a derivational relative, prefixes included: decision for decide, independent for dependent
    "spelling",  # the other side of the Atlantic: colour for color, organise for organize
    "compound_part",  # a part of a compound entry, or a variant of one: flash, lights for flashlight
    "embedded_word",  # an entry joined to another known word: snowman for snow, sunlight for sun
    "digits",  # digits written for letters: sn0w, 3xam
    "spelled_out",  # single letters spelling an entry: s-n-o-w, S N O W, s.n.o.w
    "split_word",  # an entry split by punctuation or spaces: sn.ow, sn-ow, sn ow, con tri bu tor
    "clipping",  # a common clipping of the target: limo for limousine, exam for examination
)
# Words of a multi-word target that are not forbidden on their own.
STOPWORDS = frozenset("a an the of and or in on at to for with by from".split())
MIN_CLIPPING = 4  # shortest clipping found by rule (limo); shorter ones must be listed (lab, gym)


@cache
def listed_clippings() -> dict[str, frozenset[str]]:
    """data/clippings.txt: for each long word, its common clippings."""
    out: dict[str, set[str]] = {}
    for line in (DATA_DIR / "clippings.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            short, long = line.split(maxsplit=1)
            out.setdefault(fold_text(long), set()).add(fold_text(short))
    return {long: frozenset(shorts) for long, shorts in out.items()}


def _key(form: str) -> str:
    """The first three letters of a form, two for a form of three letters or fewer (ice, icy)."""
    return form[:2] if len(form) <= 3 else form[:3]


@lru_cache(maxsize=65536)
def _first_letters(word: str) -> frozenset[str]:
    """The first two and three letters of the word and of its lemmas (mice: mi, mic, mo, mou). A word
    can only be a variant of another whose keys (_key) include one of these (morphology.related)."""
    forms = lemmas(word)
    return frozenset({form[:2] for form in forms} | {form[:3] for form in forms})


def _anchor(root: str) -> str:
    """What a derivative keeps of its root: the first four letters, three of a short root."""
    return root[:4] if len(root) >= 5 else root[:3]


@lru_cache(maxsize=65536)
def _grams(word: str) -> frozenset[str]:
    """Every stretch of two, three and four letters of the word."""
    return frozenset(word[i : i + n] for n in (2, 3, 4) for i in range(len(word) - n + 1))


@dataclass(frozen=True, slots=True)
class Entry:
    """A forbidden word or phrase, folded and analysed once per card."""

    label: str  # as written on the card
    words: tuple[str, ...]  # folded tokens
    exact_rule: str  # target_word or taboo_word
    parts: frozenset[str] = frozenset()  # compound parts of a single-word entry
    name: bool = False  # a capitalised word (Mars, NASA): matched exactly, no variants or parts
    starts: frozenset[str] = frozenset()  # first two letters of its forms and parts (prefilter)
    anchors: frozenset[str] = frozenset()  # first three letters of its derivational roots (prefilter)
    spellings: frozenset[str] = frozenset()  # its other spellings (colour for color)
    clippings: frozenset[str] = frozenset()  # a target's listed clippings (exam for examination)
    clippable: bool = False  # a target or alternate: non-word clippings of it count too (limo)

    @property
    def joined(self) -> str:
        return "".join(self.words)


def _single(label: str, word: str, exact_rule: str, capitalised: bool, extra: frozenset[str]) -> Entry:
    if capitalised:
        return Entry(label, (word,), exact_rule, name=True, starts=frozenset({_key(word)}))
    parts = compound_parts(word, extra)
    forms = {word, *lemmas(word), *parts}
    spellings = frozenset(s for form in (word, *lemmas(word)) for s in respellings(form))
    clippable = exact_rule == "target_word"
    clippings = listed_clippings().get(word, frozenset()) if clippable else frozenset()
    starts = {_key(form) for form in (*forms, *spellings, *clippings)} | {
        _key(x) for p in parts for x in lemmas(p)
    }
    anchors = frozenset(_anchor(root) for root in roots(word, standalone(), extra) if len(root) >= 3)
    return Entry(
        label, (word,), exact_rule, parts, starts=frozenset(starts), anchors=anchors,
        spellings=spellings, clippings=clippings, clippable=clippable,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Analysis:
    """A card's entries, the words that count as known for it, its allow-list, and a per-card memo
    of verdicts on single words."""

    entries: tuple[Entry, ...]
    extra: frozenset[str]  # the card's own words count as known words
    allow: frozenset[str]
    longest: int  # letters in the longest entry, the bound for gluing pieces back together
    starts: frozenset[str]  # every entry's first letters: a glued run must begin with one of them
    verdicts: dict[tuple[str, bool], tuple[str, str] | None] = field(
        default_factory=dict, compare=False, hash=False
    )

    def judge(self, text: str, embedded: bool = True) -> tuple[str, str] | None:
        """The highest-priority (rule, entry label) one folded word breaks, if any (memoised)."""
        key = (text, embedded)
        if key not in self.verdicts:
            self.verdicts[key] = _judge(text, self, embedded)
        return self.verdicts[key]


def analyse(card: Card) -> Analysis:
    """The card's forbidden entries: target, alternates and taboo entries, each word of a multi-word
    target or alternate on its own too. Remembered by what the rules read of a card, so a card rebuilt
    from a message (without its difficulty) shares the deck card's analysis."""
    return analysis_of(card.target, card.taboo, card.alternates, card.allow)


@lru_cache(maxsize=1024)
def analysis_of(
    target: str, taboo: tuple[str, ...], alternates: tuple[str, ...], allowed: frozenset[str]
) -> Analysis:
    """`analyse` of a card with these fields."""
    extra = frozenset(w for entry in (target, *taboo, *alternates) for w in words(entry))
    entries: list[Entry] = []
    labelled = [
        (target, "target_word"),
        *((alternate, "target_word") for alternate in alternates),  # an accepted answer is the target
        *((word, "taboo_word") for word in taboo),
    ]
    for label, exact_rule in labelled:
        tokens = tokenize(label)
        capitalised = [label[t.start].isupper() for t in tokens]
        if len(tokens) == 1:
            entries.append(_single(label, tokens[0].text, exact_rule, capitalised[0], extra))
        elif tokens:
            texts = tuple(t.text for t in tokens)
            entries.append(Entry(label, texts, exact_rule, starts=frozenset({_key(texts[0]), texts[0][:2]})))
            if exact_rule == "target_word":  # each word of a multi-word target is forbidden too
                for token, upper in zip(tokens, capitalised, strict=True):
                    if token.text not in STOPWORDS and len(token.text) > 1:
                        entries.append(_single(label, token.text, exact_rule, upper, extra))
    longest = max((len(e.joined) for e in entries), default=0)
    starts = frozenset(s for e in entries for s in e.starts)
    allow = frozenset(fold_text(w) for w in allowed)
    return Analysis(tuple(entries), extra, allow, longest, starts)


def variant(text: str, word: str, extra: frozenset[str]) -> bool:
    """text is a variant of word; a shorter text must be a known word (run for running, not twe for
    twister), so fragments glued from split tokens do not count."""
    if not related(text, word, standalone()):
        return False
    return len(text) >= len(word) or any(is_word(form, extra) for form in lemmas(text))


def _family(text: str, entry: Entry, extra: frozenset[str]) -> bool:
    """text shares a derivational root with the entry's word (decision/decide, unlikely/likely)."""
    if not (
        _grams(text) & entry.anchors
        or any(_anchor(lemma) in entry.anchors for lemma in dictionary_lemmas(text))
    ):
        return False
    if len(text) < len(entry.words[0]) and not is_word(text, extra) and not is_dictionary_word(text):
        return False  # a fragment glued from split tokens, not a word
    return same_family(text, entry.words[0], standalone(), extra)


def _respelled(text: str, entry: Entry) -> bool:
    """text, or a word it is derived from, is the entry's word spelled the other way (colourful: colour)."""
    word = entry.words[0]
    if text in entry.spellings or word in respellings(text):
        return True
    bases = roots(text, standalone())
    return not bases.isdisjoint(entry.spellings) or any(word in respellings(base) for base in bases)


def _clipping(text: str, entry: Entry) -> bool:
    """text is a listed clipping of the target (exam) or a beginning of it that is no word (limo)."""
    if text in entry.clippings:
        return True
    word = entry.words[0]
    return (
        entry.clippable
        and MIN_CLIPPING <= len(text) <= len(word) - 3
        and word.startswith(text)
        and not is_dictionary_word(text)
        and not is_word(text)
    )


def _word_rule(text: str, entry: Entry, extra: frozenset[str], embedded: bool, near: bool) -> str | None:
    """The rule that one folded word breaks against one entry, if any; near says whether the word's
    first letters meet the entry's (otherwise only embedding and families can apply)."""
    if len(entry.words) > 1:
        match = text == entry.joined or (near and variant(text, entry.joined, extra))
        return "phrase" if match else None
    word = entry.words[0]
    if text == word:
        return entry.exact_rule
    if entry.name:
        return None
    if near and variant(text, word, extra):
        return "variant"
    if _family(text, entry, extra):
        return "family"
    if near and _respelled(text, entry):
        return "spelling"
    for part in entry.parts:
        if text == part or (near and variant(text, part, extra)) or (embedded and embeds(text, part, extra)):
            return "compound_part"
    if embedded and (embeds(text, word, extra) or embeds_short(text, word, extra)):
        return "embedded_word"
    if near and _clipping(text, entry):
        return "clipping"
    return None


def _embeddable(text: str, entry: Entry) -> bool:
    """Some letters inside text begin one of the entry's forms: the cheap test before embedding."""
    return not _grams(text).isdisjoint(entry.starts)


def _judge(text: str, analysis: Analysis, embedded: bool) -> tuple[str, str] | None:
    if text in analysis.allow or lemmas(text) & analysis.allow:
        return None
    first = _first_letters(text)
    hits = []
    for entry in analysis.entries:
        near = bool(first & entry.starts)
        if not near and not entry.anchors and not (embedded and _embeddable(text, entry)):
            continue
        deep = embedded and (near or _embeddable(text, entry))
        rule = _word_rule(text, entry, analysis.extra, deep, near)
        if rule is not None:
            hits.append((rule, entry.label))
    return min(hits, key=lambda hit: RULES.index(hit[0]), default=None)
