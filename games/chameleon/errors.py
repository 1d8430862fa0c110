"""Error types of the Chameleon game package."""

from __future__ import annotations


class ChameleonError(Exception):
    """Base class for every error raised by the Chameleon game."""


class CategoriesError(ChameleonError):
    """A categories file that cannot be used: unreadable, not JSON, or failing the linter.

    The message names the file, then the category (1-based index and name), the word and the field when
    known: ``categories.json: category 3 ('fruit'): word 'banana': field 'clues': 'bananas' is a form
    of the word``.
    """

    def __init__(
        self,
        reason: str,
        *,
        path: str = "<categories>",
        category: int | None = None,
        name: str | None = None,
        word: str | None = None,
        field: str | None = None,
    ) -> None:
        self.reason = reason
        self.path = path
        self.category = category
        self.name = name
        self.word = word
        self.field = field
        super().__init__(self._format())

    def _format(self) -> str:
        parts = [self.path]
        if self.category is not None:
            parts.append(f"category {self.category}" + (f" ({self.name!r})" if self.name else ""))
        if self.word is not None:
            parts.append(f"word {self.word!r}")
        if self.field is not None:
            parts.append(f"field {self.field!r}")
        parts.append(self.reason)
        return ": ".join(parts)
