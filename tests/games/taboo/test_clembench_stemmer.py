"""The Porter2 stemmer behind the clembench rule set gives NLTK's stems (clembench's), where the newer
Snowball 3 stemmer of the snowballstemmer package does not."""

from __future__ import annotations

from pathlib import Path

import pytest
import snowballstemmer

from games.taboo.clembench.stemmer import stem

TABLE = Path(__file__).parent / "data" / "nltk_stems.tsv"


def nltk_stems() -> list[tuple[str, str]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line:
            continue
        word, expected = line.split("\t")
        rows.append((word.replace("\\n", "\n").replace("\\\\", "\\"), expected.replace("\\n", "\n")))
    return rows


def test_every_stem_in_the_table_is_nltks() -> None:
    """All 1,400 words of the table stem as NLTK 3.8.1 stems them."""
    rows = nltk_stems()
    wrong = [(word, expected, stem(word)) for word, expected in rows if stem(word) != expected]
    assert len(rows) > 1400
    assert wrong == []


def test_the_table_holds_words_where_snowball_3_differs() -> None:
    """The table is a real test: the newer stemmer gets well over a hundred of its words wrong."""
    newer = snowballstemmer.stemmer("english")
    differ = [word for word, expected in nltk_stems() if newer.stemWord(word.lower()) != expected]
    assert len(differ) > 150


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("added", "ad"),  # Snowball 3: add
        ("university", "univers"),  # Snowball 3: universiti
        ("realization", "realize"),  # NLTK empties R2 when a suffix is swapped
        ("sensationalism", "sensate"),  # NLTK's regions after a replaced suffix
        ("January", "januari"),  # lower-cased first
        ("it’s", "it"),  # a typographic apostrophe reads as '
        ("at", "at"),  # two letters or fewer: as they are
        ("skies", "sky"),
        ("proceed", "proceed"),
        ("transition", "transit"),
        ("drop\nsnow", "drop\nsnow"),  # any string: a newline is a consonant
    ],
)
def test_known_stems(word: str, expected: str) -> None:
    """Stems NLTK gives and a different Porter2 would not."""
    assert stem(word) == expected
