"""The rich console the commands print through, cleaned (games.cli.terminal): `SafeConsole` applies
`clean` to everything it renders, never parses markup or emoji codes, and leaves its own styling escapes
alone. Imported when something is drawn with rich: `terminal_console()` builds one on first use.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.text import Text

from games.cli.terminal import UNSAFE, clean, visible


def clean_text(text: Text) -> Text:
    """A rich Text cleaned like `clean`, its styles kept on the characters they covered."""
    plain = text.plain
    matches = list(UNSAFE.finditer(plain))
    if not matches:
        return text
    offsets = [offset for match in matches for offset in match.span()]
    pieces = text.divide(offsets)  # even pieces: text kept as it is; odd pieces: one match each
    result = text.blank_copy()
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            result.append_text(piece)
            continue
        shown = Text(visible(matches[index // 2]), style=piece.style)
        for span in piece.spans:
            shown.stylize(span.style)
        result.append_text(shown)
    return result


class SafeConsole(Console):
    """A rich Console that cleans every text it renders and never reads markup or emoji codes in it
    (unless a caller asks for markup explicitly)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        kwargs.setdefault("emoji", False)
        kwargs.setdefault("highlight", False)
        super().__init__(**kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return clean_text(super().render_str(clean(text), **kwargs))

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        if isinstance(renderable, Text):
            renderable = clean_text(renderable)
        for segment in super().render(renderable, options):
            # Texts are clean by now; this catches any renderable that makes segments of its own.
            if not segment.control and UNSAFE.search(segment.text) is not None:
                segment = Segment(clean(segment.text), segment.style)
            yield segment
