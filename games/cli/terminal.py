"""What reaches the terminal: text from models, logs, servers and file names, made safe to print.

`clean` shows every control character (escape sequences included; newline and tab stay), bidi override
or isolate and invisible format character as `<U+XXXX>`, so no text can move the cursor, recolour the
screen, set the window title or reorder what a reader sees. The commands print through
`terminal_console()`: a `SafeConsole` (games.cli.safe_console) that applies it to everything it renders,
never parses markup or emoji codes, and leaves its own styling escapes alone; its standard output goes
quiet once the reader has gone (`| head -1`), so a closed pipe never fails a run.
"""

from __future__ import annotations

import errno
import os
import re
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from games.cli.safe_console import SafeConsole

# C0 controls but tab and newline, DEL, C1 controls; the Arabic letter mark, zero-width characters and
# the left-to-right/right-to-left marks, bidi embeddings and overrides, the word joiner with the other
# invisible format characters and the bidi isolates (U+2060-206F), the byte order mark.
UNSAFE = re.compile("\r\n|[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
# The reader has gone: a closed pipe, or a terminal that hung up.
_GONE = frozenset({errno.EPIPE, errno.EIO})


def clean(text: str) -> str:
    """`text` with every unsafe character shown as <U+XXXX> (a CR LF pair becomes a newline)."""
    if UNSAFE.search(text) is None:
        return text
    return UNSAFE.sub(visible, text)


def json_safe(line: str) -> str:
    """A JSON text with the unsafe characters that JSON lets through raw written as \\u escapes:
    the same data, safe on a terminal. (Outside its strings, JSON is plain ASCII.) Of them, an ASCII
    line can hold only DEL, which `in` looks for at memory speed."""
    if line.isascii() and "\x7f" not in line:
        return line
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", line)


def visible(match: re.Match[str]) -> str:
    """What `clean` writes for one unsafe match."""
    found = match.group()
    return "\n" if found == "\r\n" else f"<U+{ord(found):04X}>"


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


def terminal_console(stream: TextIO | None = None) -> SafeConsole:
    """The console the commands print through: standard output (or `stream`), cleaned, quiet when
    its reader has gone."""
    from games.cli.safe_console import SafeConsole  # rich: not for the error paths that need only clean()

    return SafeConsole(file=QuietPipe(stream or sys.stdout))


def error_line(text: str, stream: TextIO | None = None) -> None:
    """One line on standard error (or `stream`), cleaned; nothing happens if nobody reads it."""
    target = stream or sys.stderr
    try:
        target.write(clean(text) + "\n")
        target.flush()
    except OSError as exc:
        if exc.errno not in _GONE:
            raise
