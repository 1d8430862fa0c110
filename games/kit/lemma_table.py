"""lemminflect's English dictionary of lemmas, read from the two data files the lemminflect package
ships, without importing the package: its import also loads numpy and a neural model's code, which
only guesses lemmas of unknown words (never asked for here) and would double a game's start-up.

`all_lemmas(word)` answers as `lemminflect.getAllLemmas(word)` does for a lower-case word
(tests/games/kit/test_lemma_table.py compares the two on every word of the dictionary).
"""

from __future__ import annotations

import bisect
import gzip
import importlib.util
from functools import cache
from pathlib import Path

Entry = dict[str, tuple[str, ...]]  # part of speech (NOUN, VERB, AUX, ADJ, ADV) -> lemma spellings


def resources() -> Path:
    """The package's data folder, found without running the package."""
    spec = importlib.util.find_spec("lemminflect")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("No module named 'lemminflect'", name="lemminflect")
    return Path(next(iter(spec.submodule_search_locations))) / "resources"


@cache
def _lookup_lines() -> list[str]:
    """The lookup table's lines (word,category,lemma/lemma...), in the file's order: sorted by word, so a
    word's lines are found by bisection instead of by parsing all 80,000 of them at start-up."""
    return gzip.decompress((resources() / "lemma_lu.csv.gz").read_bytes()).decode("utf-8").splitlines()


@cache
def _overrides() -> dict[str, Entry]:
    """The overrides file (word,POS,lemma; # comments), laid over the lookup table's entries."""
    words: dict[str, Entry] = {}
    for line in (resources() / "lemma_overrides.csv").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, pos, lemma = line.split(",")
            words.setdefault(word, {})[pos] = (lemma.lower(),)
    return words


def _word_of(line: str) -> str:
    return line[: line.index(",")]


@cache
def all_lemmas(word: str) -> Entry:
    """The lemmas of `word` by part of speech, lemmas in lower case as lemminflect gives them for a
    lower-case word; empty for a word the dictionary does not know. Callers must not change it."""
    word = word.lower()
    lines = _lookup_lines()
    entry: Entry = {}
    at = bisect.bisect_left(lines, word, key=_word_of)
    while at < len(lines) and _word_of(lines[at]) == word:
        _, category, forms = lines[at].strip().split(",")
        pos = "AUX" if category == "modal" else category.upper()
        entry[pos] = tuple(form.lower() for form in forms.split("/"))
        at += 1
    entry.update(_overrides().get(word, {}))
    return entry


def table() -> dict[str, Entry]:
    """Every word's entry (the whole dictionary: for tests and tools, not a game's start-up), as
    `all_lemmas` gives it, read in one pass over the lookup table: a bisection per word took a second."""
    found: dict[str, Entry] = {}
    for line in _lookup_lines():
        word, category, forms = line.strip().split(",")
        pos = "AUX" if category == "modal" else category.upper()
        found.setdefault(word, {})[pos] = tuple(forms.lower().split("/"))
    overrides = _overrides()
    entries: dict[str, Entry] = {}
    for word in sorted(found.keys() | overrides.keys()):
        key = word.lower()
        entry = {**found.get(key, {}), **overrides.get(key, {})}
        if entry:
            entries[word] = entry
    return entries
