"""clembench's Taboo checks, as its game master applies them to the raw replies (clembench v1.6 to
v2.0 and its current code alike; docs/taboo-rules.md, "The clembench rule set").

- A reply is well formed when it starts with `CLUE:` (the describer) or `GUESS:` (the guesser),
  exactly: case, spaces and markdown count. Anything else aborts the game.
- A clue loses every `CLUE:` it holds, surrounding whitespace, case and ASCII punctuation; it is split
  on single spaces (so newlines stay inside words and double spaces give empty words); stopwords are
  dropped; each word's Porter2 stem is compared with the stems of the target and of every related
  word, as given. The first match is the clue's error.
- A guess loses every `GUESS:`, surrounding whitespace, case and ASCII punctuation; it is right when
  it equals the target word exactly.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from games.taboo.clembench.stemmer import stem

CLUE_TAG = "CLUE:"
GUESS_TAG = "GUESS:"
STOPWORDS_PATH = Path(__file__).resolve().parents[1] / "data" / "clembench_stopwords.txt"
TARGET, RELATED = "target", "related"  # the two kinds of error, as clembench numbers them 0 and 1
_NO_PUNCTUATION = str.maketrans("", "", string.punctuation)


@cache
def stopwords() -> frozenset[str]:
    lines = STOPWORDS_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def remove_punctuation(text: str) -> str:
    """`text` without the ASCII punctuation characters (others, such as ’ or …, stay)."""
    return text.translate(_NO_PUNCTUATION)


def is_clue(reply: str) -> bool:
    return reply.startswith(CLUE_TAG)


def is_guess(reply: str) -> bool:
    return reply.startswith(GUESS_TAG)


def normalized_clue(reply: str) -> str:
    """The clue as clembench logs it (`valid clue`) and checks it."""
    return remove_punctuation(reply.replace(CLUE_TAG, "").strip().lower())


def normalized_guess(reply: str) -> str:
    """The guess as clembench logs it (`valid guess`) and compares it with the target word."""
    return remove_punctuation(reply.replace(GUESS_TAG, "").strip().lower()).lower()


@dataclass(frozen=True)
class ClueError:
    """A clue word whose stem is the target's or a related word's: which, and where in the
    normalised clue the word is (`start`, `end`)."""

    kind: str  # TARGET or RELATED
    word: str  # the target or related word, as the instance gives it
    word_stem: str
    token: str  # the clue word, normalised
    token_stem: str
    start: int
    end: int

    @property
    def message(self) -> str:
        """The error as clembench words it in its `invalid clue` event."""
        which = "Target" if self.kind == TARGET else "Related"
        return (
            f"{which} word '{self.word}' (stem={self.word_stem}) "
            f"is similar to clue word '{self.token}' (stem={self.token_stem})"
        )


def clue_errors(reply: str, target: str, related: tuple[str, ...] | list[str]) -> list[ClueError]:
    """Every error clembench finds in a clue, in its order (the game uses the first)."""
    clue = normalized_clue(reply)
    target_stem = stem(target)
    related_stems = [(word, stem(word)) for word in related]
    ignored = stopwords()
    errors: list[ClueError] = []
    start = 0
    for token in clue.split(" "):
        end = start + len(token)
        if token not in ignored:
            token_stem = stem(token)
            if token_stem == target_stem:
                errors.append(ClueError(TARGET, target, target_stem, token, token_stem, start, end))
            for word, word_stem in related_stems:
                if word_stem == token_stem:
                    errors.append(ClueError(RELATED, word, word_stem, token, token_stem, start, end))
        start = end + 1
    return errors


def first_clue_error(reply: str, target: str, related: tuple[str, ...] | list[str]) -> ClueError | None:
    errors = clue_errors(reply, target, related)
    return errors[0] if errors else None
