"""What reaches the terminal: text from models, logs, servers and file names, made safe to print.

`clean` shows every control character (escape sequences included; newline and tab stay), bidi override
or isolate and invisible format character as `<U+XXXX>`, so no text can move the cursor, recolour the
screen, set the window title or reorder what a reader sees. `SafeConsole` applies it to everything it
renders, never parses markup or emoji codes, and leaves its own styling escapes alone; its standard
output goes quiet once the reader has gone (`| head -1`), so a closed pipe never fails a run.
"""

from __future__ import annotations

import errno
import os
import re
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.text import Text

# C0 controls but tab and newline, DEL, C1 controls; the Arabic letter mark, zero-width characters and
# the left-to-right/right-to-left marks, bidi embeddings and overrides, the word joiner with the other
# invisible format characters and the bidi isolates (U+2060-206F), the byte order mark.
_UNSAFE = re.compile("\r\n|[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
# The reader has gone: a closed pipe, or a terminal that hung up.
_GONE = frozenset({errno.EPIPE, errno.EIO})


def clean(text: str) -> str:
    """`text` with every unsafe character shown as <U+XXXX> (a CR LF pair becomes a newline)."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_visible, text)


def clean_text(text: Text) -> Text:
    """A rich Text cleaned like `clean`, its styles kept on the characters they covered."""
    plain = text.plain
    matches = list(_UNSAFE.finditer(plain))
    if not matches:
        return text
    offsets = [offset for match in matches for offset in match.span()]
    pieces = text.divide(offsets)  # even pieces: text kept as it is; odd pieces: one match each
    result = text.blank_copy()
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            result.append_text(piece)
            continue
        shown = Text(_visible(matches[index // 2]), style=piece.style)
        for span in piece.spans:
            shown.stylize(span.style)
        result.append_text(shown)
    return result


def json_safe(line: str) -> str:
    """A JSON text with the unsafe characters that JSON lets through raw written as \\u escapes:
    the same data, safe on a terminal. (Outside its strings, JSON is plain ASCII.)"""
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", line)


def _visible(match: re.Match[str]) -> str:
    found = match.group()
    return "\n" if found == "\r\n" else f"<U+{ord(found):04X}>"


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
            if not segment.control and _UNSAFE.search(segment.text) is not None:
                segment = Segment(clean(segment.text), segment.style)
            yield segment


class QuietPipe:
    """A text stream that goes quiet when its reader has gone (a closed pipe, a terminal that hung
    up): the first failed write points the file descriptor at the null device, so the interpreter's
    last flush succeeds, and later writes are dropped. What was written up to there stays written."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.broken = False

    @property
    def encoding(self) -> str:
        return getattr(self.stream, "encoding", None) or "utf-8"

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def write(self, text: str) -> int:
        if not self.broken:
            try:
                self.stream.write(text)
            except OSError as exc:
                self._gone(exc)
        return len(text)

    def flush(self) -> None:
        if self.broken:
            return
        try:
            self.stream.flush()
        except OSError as exc:
            self._gone(exc)

    def _gone(self, exc: OSError) -> None:
        if exc.errno not in _GONE:
            raise exc
        self.broken = True
        try:
            fd = self.stream.fileno()
        except (OSError, ValueError):
            return  # not a real file: nothing will be flushed at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, fd)
        finally:
            os.close(devnull)


def terminal_console(stream: TextIO | None = None, **kwargs: Any) -> SafeConsole:
    """The console the commands print through: standard output (or `stream`), cleaned, quiet when
    its reader has gone."""
    return SafeConsole(file=QuietPipe(stream or sys.stdout), **kwargs)


def error_line(text: str, stream: TextIO | None = None) -> None:
    """One line on standard error (or `stream`), cleaned; nothing happens if nobody reads it."""
    target = stream or sys.stderr
    try:
        target.write(clean(text) + "\n")
        target.flush()
    except OSError as exc:
        if exc.errno not in _GONE:
            raise
