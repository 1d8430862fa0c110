"""The Porter2 stems the rules use come from PyStemmer (Snowball's C stemmers), which snowballstemmer
hands out when it is installed: they must be the stems of snowballstemmer's own Python stemmer, word for
word, or the same game would be judged differently on a machine without PyStemmer."""

from __future__ import annotations

import snowballstemmer
import Stemmer
from snowballstemmer.english_stemmer import EnglishStemmer

from games.kit.lemma_table import table
from games.kit.morphology import stem


def test_the_rules_stem_with_the_compiled_stemmer() -> None:
    assert isinstance(snowballstemmer.stemmer("english"), Stemmer.Stemmer)


def test_the_compiled_stems_are_the_python_stemmers_for_every_word_of_the_lemma_table() -> None:
    words = sorted(table())
    python_stems = EnglishStemmer().stemWords(words)
    assert len(words) > 60_000
    assert [stem(word) for word in words] == python_stems
