"""The clue checker: does a clue say the target, a taboo word, or a disguised form of one?

The rules are documented in docs/taboo-rules.md; RULES lists their names in priority order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from games.kit.morphology import lemmas, related
from games.kit.normalize import Token, fold_text, tokenize, words
from games.taboo.deck import Card
from games.taboo.lexicon import compound_parts, embeds, is_word, standalone

# Rule names, highest priority first (the tie-break when two violations start at the same offset).
RULES: tuple[str, ...] = (
    "phrase",  # a multi-word entry as a token sequence, or written as one word (ice-cream, icecream)
    "target_word",  # the target, an alternate answer, or a word of a multi-word one, as a token
    "taboo_word",  # a taboo word as a token
    "variant",  # a morphological variant: snows, snowy, snowing, mice for mouse
    "compound_part",  # a part of a compound entry, or a variant of one: flash, lights for flashlight
    "embedded_word",  # an entry of 4+ letters joined to another known word: snowman for snow
    "spelled_out",  # single letters spelling an entry: s-n-o-w, S N O W, s.n.o.w
    "split_word",  # an entry split by punctuation or spaces: sn.ow, sn-ow, sn ow
)
# Words of a multi-word target that are not forbidden on their own.
STOPWORDS = frozenset("a an the of and or in on at to for with by from".split())


@dataclass(frozen=True, slots=True)
class Violation:
    """A broken rule: the rule name, the card entry hit (target or taboo word/phrase as on the card),
    and the [start, end) offsets and text of the offending part of the original clue."""

    rule: str
    word: str
    span: tuple[int, int]
    text: str


@dataclass(frozen=True, slots=True)
class _Entry:
    """A forbidden word or phrase, folded and analysed once per card."""

    label: str  # as written on the card
    words: tuple[str, ...]  # folded tokens
    exact_rule: str  # target_word or taboo_word
    parts: frozenset[str] = frozenset()  # compound parts of a single-word entry
    name: bool = False  # a capitalised word (Mars, NASA): matched exactly, no variants or parts

    @property
    def joined(self) -> str:
        return "".join(self.words)


@dataclass(frozen=True, slots=True)
class _Analysis:
    entries: tuple[_Entry, ...]
    extra: frozenset[str]  # the card's own words count as known words
    allow: frozenset[str]


def _single(label: str, word: str, exact_rule: str, capitalised: bool, extra: frozenset[str]) -> _Entry:
    if capitalised:
        return _Entry(label, (word,), exact_rule, name=True)
    return _Entry(label, (word,), exact_rule, compound_parts(word, extra))


@lru_cache(maxsize=1024)
def _analyse(card: Card) -> _Analysis:
    extra = frozenset(w for entry in (*card.forbidden, *card.alternates) for w in words(entry))
    entries: list[_Entry] = []
    labelled = [
        (card.target, "target_word"),
        *((alternate, "target_word") for alternate in card.alternates),  # an accepted answer is the target
        *((taboo, "taboo_word") for taboo in card.taboo),
    ]
    for label, exact_rule in labelled:
        tokens = tokenize(label)
        capitalised = [label[t.start].isupper() for t in tokens]
        if len(tokens) == 1:
            entries.append(_single(label, tokens[0].text, exact_rule, capitalised[0], extra))
        elif tokens:
            entries.append(_Entry(label, tuple(t.text for t in tokens), exact_rule))
            if exact_rule == "target_word":  # each word of a multi-word target is forbidden too
                for token, upper in zip(tokens, capitalised, strict=True):
                    if token.text not in STOPWORDS and len(token.text) > 1:
                        entries.append(_single(label, token.text, exact_rule, upper, extra))
    return _Analysis(tuple(entries), extra, frozenset(fold_text(w) for w in card.allow))


def _variant(text: str, word: str, extra: frozenset[str]) -> bool:
    """text is a variant of word; a shorter text must be a known word (run for running, not twe for
    twister), so fragments glued from split tokens do not count."""
    if not related(text, word, standalone()):
        return False
    return len(text) >= len(word) or any(is_word(form, extra) for form in lemmas(text))


def _word_rule(text: str, entry: _Entry, extra: frozenset[str], embedded: bool) -> str | None:
    """The rule that one folded word breaks against one entry, if any."""
    if len(entry.words) > 1:
        match = text == entry.joined or (not entry.name and _variant(text, entry.joined, extra))
        return "phrase" if match else None
    word = entry.words[0]
    if text == word:
        return entry.exact_rule
    if entry.name:
        return None
    if _variant(text, word, extra):
        return "variant"
    for part in entry.parts:
        if text == part or _variant(text, part, extra) or (embedded and embeds(text, part, extra)):
            return "compound_part"
    if embedded and embeds(text, word, extra):
        return "embedded_word"
    return None


def _check_word(text: str, analysis: _Analysis, embedded: bool = True) -> tuple[str, str] | None:
    """The highest-priority (rule, entry label) that one folded word breaks, if any."""
    if text in analysis.allow or lemmas(text) & analysis.allow:
        return None
    hits = [
        (rule, entry.label)
        for entry in analysis.entries
        if (rule := _word_rule(text, entry, analysis.extra, embedded)) is not None
    ]
    return min(hits, key=lambda hit: RULES.index(hit[0]), default=None)


def _violation(clue: str, rule: str, label: str, run: Sequence[Token]) -> Violation:
    span = (run[0].start, run[-1].end)
    return Violation(rule, label, span, clue[span[0] : span[1]])


def _phrases(clue: str, tokens: list[Token], analysis: _Analysis) -> list[Violation]:
    """Multi-word entries as token sequences, whatever separates them; the last word may vary."""
    found = []
    for entry in analysis.entries:
        size = len(entry.words)
        if size < 2:
            continue
        for i in range(len(tokens) - size + 1):
            run = tokens[i : i + size]
            heads_match = all(t.text == w for t, w in zip(run[:-1], entry.words[:-1], strict=True))
            if heads_match and related(run[-1].text, entry.words[-1], standalone()):
                found.append(_violation(clue, "phrase", entry.label, run))
    return found


def _single_tokens(clue: str, tokens: list[Token], analysis: _Analysis) -> list[Violation]:
    found = []
    for token in tokens:
        if hit := _check_word(token.text, analysis):
            found.append(_violation(clue, hit[0], hit[1], [token]))
    return found


def _is_letter(token: Token) -> bool:
    return len(token.text) == 1 and token.text.isalpha()


def _runs(tokens: list[Token], joins: Callable[[Token, Token], bool]) -> list[list[Token]]:
    """Maximal runs of tokens where each next token joins the previous one (joins(prev, next))."""
    runs: list[list[Token]] = []
    for token in tokens:
        if runs and joins(runs[-1][-1], token):
            runs[-1].append(token)
        else:
            runs.append([token])
    return [run for run in runs if len(run) > 1]


def _joined_runs(clue: str, runs: list[list[Token]], analysis: _Analysis, rule: str) -> list[Violation]:
    """Every contiguous sub-run of 2+ tokens, glued together, checked as one word."""
    found = []
    for run in runs:
        for i in range(len(run)):
            for j in range(i + 2, len(run) + 1):
                joined = "".join(t.text for t in run[i:j])
                if hit := _check_word(joined, analysis, embedded=rule == "split_word"):
                    found.append(_violation(clue, rule, hit[1], run[i:j]))
    return found


def _spaced_splits(clue: str, tokens: list[Token], analysis: _Analysis) -> list[Violation]:
    """Two or three neighbouring tokens, not all of them words, that together form an entry: sn ow."""
    found = []
    for size in (2, 3):
        for i in range(len(tokens) - size + 1):
            run = tokens[i : i + size]
            if all(is_word(t.text, analysis.extra, inflected=False) for t in run):
                continue
            joined = "".join(t.text for t in run)
            for entry in analysis.entries:
                if joined not in analysis.allow and _variant(joined, entry.joined, analysis.extra):
                    found.append(_violation(clue, "split_word", entry.label, run))
    return found


def find_violations(clue: str, card: Card) -> list[Violation]:
    """Every violation in clue, ordered by start offset, rule priority, then longest first (overlaps
    included)."""
    analysis = _analyse(card)
    tokens = tokenize(clue)
    letters = _runs(tokens, lambda prev, nxt: _is_letter(prev) and _is_letter(nxt))
    glued = _runs(tokens, lambda _prev, nxt: not nxt.spaced)
    found = [
        *_phrases(clue, tokens, analysis),
        *_single_tokens(clue, tokens, analysis),
        *_joined_runs(clue, letters, analysis, "spelled_out"),
        *_joined_runs(clue, glued, analysis, "split_word"),
        *_spaced_splits(clue, tokens, analysis),
    ]
    return sorted(set(found), key=lambda v: (v.span[0], RULES.index(v.rule), -v.span[1]))


def check_clue(clue: str, card: Card) -> Violation | None:
    """The first violation in clue (earliest start, then rule priority, then the longest), or None
    if the clue is legal."""
    violations = find_violations(clue, card)
    return violations[0] if violations else None
