"""The lemma table read from lemminflect's data files answers as lemminflect itself does."""

from __future__ import annotations

import gzip

import lemminflect

from games.kit.lemma_table import all_lemmas, resources


def test_every_word_has_the_lemmas_lemminflect_gives() -> None:
    with gzip.open(resources() / "lemma_lu.csv.gz", "rt", encoding="utf-8") as lines:
        words = {line.split(",", 1)[0].lower() for line in lines}
    overrides = (resources() / "lemma_overrides.csv").read_text(encoding="utf-8").splitlines()
    words |= {line.split(",", 1)[0] for line in overrides if line.strip() and not line.startswith("#")}
    assert len(words) > 60_000
    differ = [word for word in sorted(words) if all_lemmas(word) != lemminflect.getAllLemmas(word)]
    assert differ == []


def test_a_word_the_dictionary_does_not_know_has_none() -> None:
    assert all_lemmas("zorpquib") == {} == lemminflect.getAllLemmas("zorpquib")
    assert all_lemmas("mice") == {"NOUN": ("mouse",)}
    assert "go" in all_lemmas("went")["VERB"]
