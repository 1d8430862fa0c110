"""Error types of the Twenty Questions game package."""

from __future__ import annotations


class TwentyQuestionsError(Exception):
    """Base class for every error raised by the Twenty Questions game."""


class KnowledgeError(TwentyQuestionsError):
    """A knowledge-base file that cannot be used: unreadable, not JSON, or failing the linter.

    The message names the file, then the thing (1-based index and name) and the field when known:
    ``things.json: thing 12 ('cat'): field 'attributes.has_fur': must be true, false or null``.
    """

    def __init__(
        self,
        reason: str,
        *,
        path: str = "<things>",
        thing: int | None = None,
        name: str | None = None,
        field: str | None = None,
    ) -> None:
        self.reason = reason
        self.path = path
        self.thing = thing
        self.name = name
        self.field = field
        super().__init__(self._format())

    def _format(self) -> str:
        parts = [self.path]
        if self.thing is not None:
            parts.append(f"thing {self.thing}" + (f" ({self.name!r})" if self.name else ""))
        if self.field is not None:
            parts.append(f"field {self.field!r}")
        parts.append(self.reason)
        return ": ".join(parts)
