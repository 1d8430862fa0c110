"""The shortcuts morphology takes answer as the long way would."""

from __future__ import annotations

from functools import cache

from games.kit.derivation import SUFFIXES, _undo_suffix
from games.kit.lemma_table import table
from games.kit.morphology import _suffixed, extra_forms


@cache
def words() -> list[str]:
    """Every 23rd word of the lemma table and a few short ones: read when a test asks, not as the module
    is collected (every pytest-xdist worker collects it)."""
    return [*sorted(table())[::23], "fe", "f", "ie", "by", "knife", "leaf", "gentle", "run", "happy", "snow"]


def test_every_extra_form_keeps_all_but_the_last_two_letters_of_its_base() -> None:
    """What _suffixed's early no rests on: no extra form is shorter than its base or cuts more of it."""
    for word in words():
        for form in extra_forms(word):
            assert len(form) >= len(word) and form.startswith(word[:-2]), (word, form)


def test_suffixed_is_membership_in_the_extra_forms_or_the_e_endings() -> None:
    for base in ("snow", "run", "happy", "experience", "bake", "knife", "gentle"):
        for derived in (*extra_forms(base), base + "d", base[:-1] + "ing", "snowman", "ru", "experiment"):
            expected = derived in extra_forms(base) or (
                len(base) >= 4 and base.endswith("e") and not base.endswith("ee")
                and derived in (base + "d", base[:-1] + "ing")
            )  # fmt: skip
            assert _suffixed(base, derived) is expected, (base, derived)


def test_undoing_suffixes_tries_every_suffix_a_word_ends_in() -> None:
    """Suffixes looked up by the word's last letter: the same words as trying them all."""
    for word in words():
        every: set[str] = set()
        for suffix, replacements in SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                stem = word[: -len(suffix)]
                every.update(stem + replacement for replacement in replacements)
                if stem.endswith("i"):
                    every.add(stem[:-1] + "y")
                if len(stem) >= 2 and stem[-1] == stem[-2] and stem[-1] not in "aeiouls":
                    every.add(stem[:-1])
        assert _undo_suffix(word) == every, word
