"""The clue checker: does a clue say the target, a taboo word, or a disguised form of one?

The rules are documented in docs/taboo-rules.md; RULES lists their names in priority order. The work
is linear in the clue's length: every token is judged once per card (games.taboo.entries memoises the
verdicts), and pieces are glued back together only up to the length of the longest entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from games.kit.normalize import Token, tokenize
from games.kit.spelling import digit_readings, has_digit_letters
from games.taboo.deck import Card
from games.taboo.entries import RULES, Analysis, analyse, variant
from games.taboo.lexicon import is_word

__all__ = ["RULES", "Violation", "check_clue", "find_violations"]

SLACK = 6  # letters a glued run may exceed the longest entry by (a suffix: s-n-o-w-i-e-s-t)
MAJORITY_BROKEN = 0.5  # in four or more spaced pieces, more than this share must be no words (con tri bu tor)
# An abbreviation's plural as written: PCs, TVs, CDs (the lower-case s after capitals).
_ABBREVIATION_PLURAL = re.compile(r"[A-Z]{2,}s")
_EXACT_RULES = ("target_word", "taboo_word")


@dataclass(frozen=True, slots=True)
class Violation:
    """A broken rule: the rule name, the card entry hit (target or taboo word/phrase as on the card),
    and the [start, end) offsets and text of the offending part of the original clue."""

    rule: str
    word: str
    span: tuple[int, int]
    text: str


def _violation(clue: str, rule: str, label: str, run: Sequence[Token]) -> Violation:
    span = (run[0].start, run[-1].end)
    return Violation(rule, label, span, clue[span[0] : span[1]])


def _phrases(clue: str, tokens: list[Token], analysis: Analysis) -> list[Violation]:
    """Multi-word entries as token sequences, whatever separates them; the last word may vary."""
    found = []
    for entry in analysis.entries:
        size = len(entry.words)
        if size < 2:
            continue
        for i in range(len(tokens) - size + 1):
            run = tokens[i : i + size]
            if all(t.text == w for t, w in zip(run[:-1], entry.words[:-1], strict=True)) and variant(
                run[-1].text, entry.words[-1], analysis.extra
            ):
                found.append(_violation(clue, "phrase", entry.label, run))
    return found


def _disguised(clue: str, token: Token, analysis: Analysis) -> Violation | None:
    """An abbreviation's plural (PCs) or a word with digits for letters (sn0w), read back."""
    written = clue[token.start : token.end]
    if written[-1] == "s" and _ABBREVIATION_PLURAL.fullmatch(written):
        hit = analysis.judge(token.text[:-1], embedded=False)
        if hit and hit[0] in _EXACT_RULES:
            return _violation(clue, "variant", hit[1], [token])
    if has_digit_letters(token.text):
        for reading in digit_readings(token.text):
            if hit := analysis.judge(reading, embedded=False):
                return _violation(clue, "digits", hit[1], [token])
    return None


def _single_tokens(clue: str, tokens: list[Token], analysis: Analysis) -> list[Violation]:
    found = []
    for token in tokens:
        if hit := analysis.judge(token.text):
            found.append(_violation(clue, hit[0], hit[1], [token]))
        elif disguised := _disguised(clue, token, analysis):
            found.append(disguised)
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


def _glued(run: Sequence[Token], analysis: Analysis, min_size: int = 2):
    """Every contiguous stretch of min_size+ tokens of run, glued, no longer than the longest entry
    plus SLACK letters and beginning like one of the entries: (start, end, text) triples."""
    bound = analysis.longest + SLACK
    for i in range(len(run)):
        text = ""
        for j in range(i, len(run)):
            text += run[j].text
            if len(text) > bound:
                break
            if j - i + 1 >= min_size and (text[:2] in analysis.starts or text[:3] in analysis.starts):
                yield i, j + 1, text


def _joined_runs(clue: str, runs: list[list[Token]], analysis: Analysis, rule: str) -> list[Violation]:
    """Stretches of 2+ tokens, glued together, checked as one word."""
    found = []
    for run in runs:
        for i, j, text in _glued(run, analysis):
            if hit := analysis.judge(text, embedded=rule == "split_word"):
                found.append(_violation(clue, rule, hit[1], run[i:j]))
    return found


def _broken_enough(pieces: Sequence[Token], analysis: Analysis) -> bool:
    """Two or three pieces: not all of them words (pine cone stays two words). Four or more: most of them
    no words, so ordinary sentences are never glued into one."""
    broken = sum(not is_word(t.text, analysis.extra, inflected=False) for t in pieces)
    return broken > 0 if len(pieces) <= 3 else broken > MAJORITY_BROKEN * len(pieces)


def _spaced_splits(clue: str, tokens: list[Token], analysis: Analysis) -> list[Violation]:
    """Neighbouring tokens, broken enough, that together form an entry: sn ow, tele vision, con tri bu tor."""
    found = []
    for i, j, text in _glued(tokens, analysis):
        run = tokens[i:j]
        if text in analysis.allow or not _broken_enough(run, analysis):
            continue
        for entry in analysis.entries:
            if variant(text, entry.joined, analysis.extra):
                found.append(_violation(clue, "split_word", entry.label, run))
    return found


def find_violations(clue: str, card: Card) -> list[Violation]:
    """Every violation in clue, ordered by start offset, rule priority, then longest first (overlaps
    included)."""
    analysis = analyse(card)
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
    if the clue is legal. Remembered by the clue and what the rules read of the card (not its
    difficulty): an offline hinter checks each hint, on the card as its message gave it, before the
    referee checks it again on the deck's card, and a batch deals the same cards again."""
    return _first_violation(clue, card.target, card.taboo, card.alternates, card.allow)


@lru_cache(maxsize=16384)
def _first_violation(
    clue: str, target: str, taboo: tuple[str, ...], alternates: tuple[str, ...], allow: frozenset[str]
) -> Violation | None:
    violations = find_violations(clue, Card(target, taboo, alternates, allow))
    return violations[0] if violations else None
