"""lemminflect's English dictionary of lemmas, read from the two data files the lemminflect package
ships, without importing the package: its import also loads numpy and a neural model's code, which
only guesses lemmas of unknown words (never asked for here) and would double a game's start-up.

`all_lemmas(word)` answers as `lemminflect.getAllLemmas(word)` does for a lower-case word
(tests/games/kit/test_lemma_table.py compares the two on every word of the dictionary).
"""

from __future__ import annotations

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
def table() -> dict[str, Entry]:
    """Every word's entry: the lookup table (word,category,lemma/lemma...) with the overrides file
    (word,POS,lemma; # comments) laid over it, part of speech by part of speech. Lemmas in lower case,
    as lemminflect gives them for a lower-case word. Loaded once; callers must not change it."""
    folder = resources()
    words: dict[str, Entry] = {}
    with gzip.open(folder / "lemma_lu.csv.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            word, category, forms = line.strip().split(",")
            pos = "AUX" if category == "modal" else category.upper()
            words.setdefault(word, {})[pos] = tuple(form.lower() for form in forms.split("/"))
    with open(folder / "lemma_overrides.csv", encoding="utf-8") as lines:
        for line in lines:
            line = line.strip()
            if line and not line.startswith("#"):
                word, pos, lemma = line.split(",")
                words.setdefault(word, {})[pos] = (lemma.lower(),)
    return words


def all_lemmas(word: str) -> Entry:
    """The lemmas of `word` by part of speech; empty for a word the dictionary does not know."""
    return table().get(word.lower(), {})
