"""Error types of the Taboo game package."""

from __future__ import annotations


class TabooError(Exception):
    """Base class for every error raised by the Taboo game."""


class DeckError(TabooError):
    """A deck file that cannot be used: unreadable, not JSON, or failing the linter.

    The message names the file, then the card (1-based index and target) and the field when known:
    ``deck.json: card 12 ('snowman'): field 'taboo': must have exactly 5 entries``.
    """

    def __init__(
        self,
        reason: str,
        *,
        path: str = "<deck>",
        card: int | None = None,
        target: str | None = None,
        field: str | None = None,
    ) -> None:
        self.reason = reason
        self.path = path
        self.card = card
        self.target = target
        self.field = field
        super().__init__(self._format())

    def _format(self) -> str:
        parts = [self.path]
        if self.card is not None:
            parts.append(f"card {self.card}" + (f" ({self.target!r})" if self.target else ""))
        if self.field is not None:
            parts.append(f"field {self.field!r}")
        parts.append(self.reason)
        return ": ".join(parts)


class InstancesError(TabooError):
    """A clembench instances file that cannot be played: one line naming the file, the field (its JSON
    path, such as ``experiments[0].game_instances[3].related_word``) and what is wrong."""
