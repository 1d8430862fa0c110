"""Terminal safety: text from a model or a log reaches the terminal with no control sequence, no bidi
override and no invisible character, and is never read as markup; rich's own styling survives."""

from __future__ import annotations

import errno
import io
import json
import os
import re

import pytest
from rich.console import Console
from rich.table import Table
from rich.text import Text

from games.cli.safe_console import SafeConsole, clean_text
from games.cli.terminal import QuietPipe, clean, json_safe, terminal_console
from games.cli.transcript import Transcript
from games.logtools.replay_views import DETAILS_CHARS, details_of

# Clear the screen, set the window title, a C1 CSI, a right-to-left override, a zero-width space.
HOSTILE = "a\x1b[2Jb\x1b]0;pwned\x07c\x9b31md \u202eevil\u202c \u200bzw\u2066i\u2069\ufeff"
UNSAFE_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
# Anything after an ESC other than a colour/style (SGR) sequence, which rich itself writes.
NOT_SGR = re.compile("\x1b(?!\\[[0-9;]*m)")


def terminal() -> tuple[SafeConsole, io.StringIO]:
    out = io.StringIO()
    return SafeConsole(file=out, force_terminal=True, color_system="truecolor", width=200), out


def test_clean_shows_control_characters_as_code_points() -> None:
    """Escape sequences and other controls are shown as <U+XXXX>; newline and tab stay."""
    assert clean("x\x1b[31my\x07\x00\x7f\x85\tz\n") == "x<U+001B>[31my<U+0007><U+0000><U+007F><U+0085>\tz\n"


def test_clean_shows_bidi_and_zero_width_characters() -> None:
    """Bidi overrides, isolates, marks and zero-width characters are shown, not applied."""
    shown = clean("\u202e\u202a\u2066\u2069\u200e\u200f\u061c\u200b\u200d\u2060\ufeff")
    assert shown == (
        "<U+202E><U+202A><U+2066><U+2069><U+200E><U+200F><U+061C><U+200B><U+200D><U+2060><U+FEFF>"
    )


def test_clean_turns_a_crlf_pair_into_a_newline() -> None:
    """Windows line ends print as line ends, a lone carriage return is shown."""
    assert clean("one\r\ntwo\rthree") == "one\ntwo<U+000D>three"


def test_clean_leaves_ordinary_text_alone() -> None:
    """Letters of any script, emoji and brackets pass unchanged (the same object)."""
    text = "héllo 世界 שלום 🎲 [bold] :smile:"
    assert clean(text) is text


def test_clean_text_keeps_each_style_on_its_characters() -> None:
    """A styled Text is cleaned with its styles still on the characters they covered."""
    text = Text.assemble(("red\x1b", "red"), " plain ", ("\u202eblue", "blue"), style="bold")
    cleaned = clean_text(text)
    assert cleaned.plain == "red<U+001B> plain <U+202E>blue"
    assert cleaned.style == "bold"
    assert cleaned.get_style_at_offset(Console(), cleaned.plain.index("<U+001B>") + 3).color.name == "red"
    assert cleaned.get_style_at_offset(Console(), cleaned.plain.index("blue")).color.name == "blue"
    assert cleaned.get_style_at_offset(Console(), cleaned.plain.index("plain")).color is None


def test_safe_console_writes_no_control_sequence_of_the_text_but_its_own_styles() -> None:
    """On a terminal, printed text carries no escape of its own; rich's colour escapes remain."""
    console, out = terminal()
    console.print(HOSTILE)
    console.print(Text(HOSTILE, style="red"))
    console.print(Text.assemble(("x", "green"), HOSTILE))
    written = out.getvalue()
    assert NOT_SGR.search(written) is None
    assert UNSAFE_CHARS.sub("", written.replace("\x1b[", "")) == written.replace("\x1b[", "")
    assert "\x1b[31m" in written  # the red of the Text: rich's own styling survives
    assert re.sub("\x1b\\[[0-9;]*m", "", written).count("<U+202E>evil<U+202C>") == 3


@pytest.mark.parametrize(
    "draw",
    [
        pytest.param(lambda console: console.rule(HOSTILE), id="rule"),
        pytest.param(lambda console: console.out(HOSTILE), id="out"),
        pytest.param(lambda console: console.print(_table()), id="table"),
    ],
)
def test_safe_console_cleans_every_way_of_printing(draw) -> None:
    """Rules, raw output, table cells and table titles are cleaned as well."""
    console, out = terminal()
    draw(console)
    written = out.getvalue()
    assert NOT_SGR.search(written) is None
    assert "\u202e" not in written and "\x9b" not in written and "\u200b" not in written


def _table() -> Table:
    table = Table(title=HOSTILE)
    table.add_column("figure")
    table.add_column("value")
    table.add_row(HOSTILE, Text(HOSTILE, style="cyan"))
    return table


@pytest.mark.parametrize("text", ["[/red]", "a [bold]b[/bold] c", "[link=x]y", "[/]", "x :smile: y"])
def test_safe_console_prints_markup_and_emoji_codes_as_they_are(text: str) -> None:
    """Brackets and emoji codes in printed text are text: never parsed, never an error, nothing lost."""
    console, out = terminal()
    console.print(text)
    console.print(f"log: runs/{text}.jsonl", style="dim")
    assert re.sub("\x1b\\[[0-9;]*m", "", out.getvalue()) == f"{text}\nlog: runs/{text}.jsonl\n"


def test_json_safe_keeps_the_data_and_leaves_nothing_raw() -> None:
    """A JSON line shows no raw bidi or C1 character, and decodes to the same data."""
    line = json.dumps({"text": HOSTILE, "n": 1}, ensure_ascii=False)
    safe = json_safe(line)
    assert UNSAFE_CHARS.search(safe) is None
    assert json.loads(safe) == json.loads(line)


def test_json_safe_escapes_del_in_an_ascii_line() -> None:
    """An ASCII line (the fast path) is kept as it is unless it holds DEL, which is escaped."""
    plain = json.dumps({"text": "tab\there", "n": 1})
    assert json_safe(plain) is plain
    line = json.dumps({"text": "a\x7fb"}, ensure_ascii=False)
    assert "\x7f" in line and json_safe(line) == '{"text": "a\\u007fb"}'
    assert json.loads(json_safe(line)) == json.loads(line)


@pytest.mark.parametrize("at", [95, 98, 99, 100, 101, 102])
def test_an_events_line_is_cleaned_then_cut_wherever_the_unsafe_characters_are(at: int) -> None:
    """replay --events cleans only the characters it can show: the same line as cleaning all of it."""
    text = "x" * at + "\x1b[2J\r\n\u202e" + "y" * 300
    record = {"event": "message_sent", "sender": "a", "recipient": "b", "kind": "clue", "text": text}
    whole = clean(f"a → b [clue] {text}".replace("\n", "⏎"))
    expected = whole if len(whole) <= DETAILS_CHARS else whole[: DETAILS_CHARS - 1] + "…"
    assert details_of(record) == expected
    assert details_of({**record, "text": "short\x1b"}) == "a → b [clue] short<U+001B>"


def test_the_transcript_draws_a_hostile_message_cleanly_on_a_terminal_and_on_a_pipe() -> None:
    """A message's text shows its escapes and overrides as code points, styled or plain, on any console."""
    message = {"event": "message_sent", "sender": "hinter", "recipient": "referee", "kind": "clue"}
    pipe = io.StringIO()
    tty = io.StringIO()
    consoles = [
        Console(file=pipe, color_system=None, width=200),  # the plain, fast path
        Console(file=tty, force_terminal=True, color_system="standard", width=200),  # not a SafeConsole
    ]
    for console in consoles:
        Transcript(console)({**message, "text": HOSTILE})
    for written in (pipe.getvalue(), tty.getvalue()):
        assert NOT_SGR.search(written) is None
        assert "<U+001B>[2J" in written and "<U+202E>evil" in written
        assert "\u202e" not in written and "\x9b" not in written


class Failing(io.StringIO):
    """A stream whose every write and flush fails with `error`."""

    def __init__(self, error: int) -> None:
        super().__init__()
        self.error = error

    def write(self, text: str) -> int:
        raise OSError(self.error, os.strerror(self.error))

    def flush(self) -> None:
        raise OSError(self.error, os.strerror(self.error))


@pytest.mark.parametrize("error", [errno.EPIPE, errno.EIO], ids=["closed pipe", "terminal hung up"])
def test_a_quiet_pipe_drops_what_it_cannot_write(error: int) -> None:
    """Once the reader has gone, writes and flushes are dropped without an error."""
    pipe = QuietPipe(Failing(error))
    assert pipe.write("line\n") == 5
    pipe.flush()
    assert pipe.broken


def test_a_quiet_pipe_raises_other_write_errors() -> None:
    """A full disk behind standard output is an error, not a reader that went away."""
    with pytest.raises(OSError, match="No space"):
        QuietPipe(Failing(errno.ENOSPC)).write("line\n")


def test_a_safe_console_on_a_quiet_pipe_keeps_rich_style_detection() -> None:
    """Wrapped standard output is still seen as a terminal or not, with its encoding."""
    console = SafeConsole(file=QuietPipe(io.StringIO()))
    assert console.is_terminal is False
    assert console.encoding == "utf-8"


class Recorded(io.StringIO):
    """Standard output as a test sees it: every write and flush, in order; a terminal or not."""

    def __init__(self, tty: bool, encoding: str = "utf-8") -> None:
        super().__init__()
        self.tty = tty
        self.calls: list[str] = []
        self._encoding = encoding

    @property
    def encoding(self) -> str:
        return self._encoding

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> int:
        text.encode(self._encoding)  # a stream that cannot encode the text refuses it
        self.calls.append(text)
        return super().write(text)

    def flush(self) -> None:
        self.calls.append("<flush>")


def test_the_terminal_console_is_a_safe_console_on_a_quiet_pipe() -> None:
    """Styled text, rules and tables go through the SafeConsole, cleaned."""
    out = Recorded(True)
    console = terminal_console(out)
    assert isinstance(console, SafeConsole)
    assert isinstance(console.file, QuietPipe) and console.file.stream is out
    console.print(Text(HOSTILE, style="red"))
    with console:  # rich's live displays hold the console's output so
        console.rule("title")
    written = out.getvalue()
    assert NOT_SGR.search(written) is None
    plain = re.sub("\x1b\\[[0-9;]*m", "", written)
    assert "<U+202E>evil" in plain and " title " in plain
