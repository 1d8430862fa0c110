"""The transcript: run-log events drawn as a readable, coloured conversation (rich).

The live game and `replay` draw the same events through this one class, so they look the same. With
`viewer` set to an agent's name, only what that agent may see is drawn (a person playing the guesser
never sees the card).

On a plain console (not a terminal, no colours: a pipe or a file) lines are written as plain text
without rich's rendering or wrapping, which is many times faster; the offending part of a clue is then
marked »like this« instead of in reverse red. Either way the text is cleaned (games.cli.terminal):
nothing a model or a log says can reach the terminal as a control sequence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rich.console import Console
from rich.text import Text

from games.cli.registry import FollowedCatalog
from games.cli.safe_console import clean_text
from games.cli.terminal import clean
from games.kit.events import EventCatalog, Record
from games.kit.shown import BAD, DIM, MARK, OK, WARN, Call, Chat, Divider, Ending, Heading, Note, Verdict

AGENT_STYLES = (
    "cyan",
    "magenta",
    "green",
    "blue",
    "bright_red",
    "bright_cyan",
    "bright_magenta",
    "bright_green",
)
OFFICIAL_STYLE = "yellow"
TONE_STYLES = {OK: "bold green", BAD: "red", WARN: "yellow", DIM: "dim", MARK: "reverse red", "": ""}
MARK_STYLE = TONE_STYLES[MARK]
ENDING_STYLES = {OK: "bold green", BAD: "bold red", WARN: "bold yellow"}

Piece = str | tuple[str, str] | Text


class Transcript:
    """Draws events one at a time: call it with each event record. Each event is drawn as its game
    declares it (games.kit.events): `catalog` is the game's, or None to follow the game a log names."""

    def __init__(
        self,
        console: Console,
        *,
        catalog: EventCatalog | None = None,
        viewer: str | None = None,
        show_calls: bool = True,
        endings: bool = True,
    ) -> None:
        self.console = console
        self.endings = endings  # False: a game's ending is left to the caller's last line
        self.viewer = viewer
        self.show_calls = show_calls
        self._catalog = (lambda record: catalog) if catalog is not None else FollowedCatalog()
        self._styles: dict[str, str] = {}
        self._plain = plain_console(console)
        self._broadcast: tuple[tuple[object, ...], set[str]] | None = None  # the one being drawn
        self._cast: Any = None  # the next game's players, drawn under its heading
        self._follow(self._catalog({}))
        self._draw: dict[type, Callable[[Any, Record, frozenset[str]], None]] = {
            Heading: self._heading,
            Divider: self._divider,
            Chat: self._chat,
            Verdict: self._verdict,
            Note: self._note,
            Call: self._call,
            Ending: self._ending,
        }

    def __call__(self, record: Mapping[str, Any]) -> None:
        event = record.get("event")
        if event == "run_started" or event == "game_started":  # where a log names its game
            self._follow(self._catalog(record))
        declared = self._events.get(event)  # type: ignore[arg-type]
        if declared is None or declared.present is None:
            return
        if self.viewer is not None and not declared.visible(record, self._audience):
            return
        shown = declared.present(record, self._audience)
        if event == "game_cast":  # who plays: drawn under the game's heading, which comes next
            self._cast = shown
            return
        if shown is not None:
            self._draw[type(shown)](shown, record, self._officials)

    def _follow(self, catalog: EventCatalog) -> None:
        self._events, self._officials = catalog.events, catalog.officials
        self._audience = catalog.audience(self.viewer)

    # -- the shapes ------------------------------------------------------------------------------

    def _heading(self, heading: Heading, record: Record, officials: frozenset[str]) -> None:
        title = f"{heading.title} · {heading.note}" if heading.note else heading.title
        if self._plain:
            self._write(f" {title} ".center(self.console.width, "─"))
        else:
            self.console.rule(Text(clean(title), style="bold"))
        if self._cast is not None:
            self._say((self._cast.text, "dim"))
            self._cast = None

    def _chat(self, chat: Chat, record: Record, officials: frozenset[str]) -> None:
        recipient = chat.recipient
        if chat.group is not None:  # one copy of a broadcast: drawn once, addressed to the group
            if self.viewer is None and self._repeats_broadcast(record, recipient):
                return
            recipient = chat.group
        if chat.dropped is not None:
            text = f"! {chat.sender} → {recipient} [{chat.kind}] dropped ({chat.dropped})"
            self._say(("  " + text, "yellow"))
            return
        self._say(
            (chat.sender, self._style(chat.sender, officials)),
            (" → ", "dim"),
            (recipient, self._style(recipient, officials)),
            (f" [{chat.kind}] ", "dim"),
            (chat.text, "dim" if chat.sender in officials else ""),
        )

    def _divider(self, divider: Divider, record: Record, officials: frozenset[str]) -> None:
        self._say((divider.text, "dim"))

    def _verdict(self, verdict: Verdict, record: Record, officials: frozenset[str]) -> None:
        self._say("  ", *((part.text, TONE_STYLES[part.tone or verdict.tone]) for part in verdict.parts))

    def _note(self, note: Note, record: Record, officials: frozenset[str]) -> None:
        self._say(("    " + note.text, TONE_STYLES[note.tone] + " dim"))

    def _call(self, call: Call, record: Record, officials: frozenset[str]) -> None:
        if self.show_calls and call.live:
            self._say(("    " + call.summary, "dim"))

    def _ending(self, ending: Ending, record: Record, officials: frozenset[str]) -> None:
        if not self.endings and ending.ended:
            return
        reason = f": {ending.reason}" if ending.reason else ""
        self._say((ending.text, ENDING_STYLES.get(ending.tone, "bold")), reason)

    # -- helpers ---------------------------------------------------------------------------------

    def _repeats_broadcast(self, record: Mapping[str, Any], recipient: str) -> bool:
        """True for a further copy of the broadcast drawn last (same sender, group, kind and text, a
        recipient not seen yet); a copy to a recipient seen already starts a new broadcast."""
        key = tuple(record.get(field) for field in ("game_id", "sender", "group", "kind", "text"))
        if self._broadcast is not None and self._broadcast[0] == key and recipient not in self._broadcast[1]:
            self._broadcast[1].add(recipient)
            return True
        self._broadcast = (key, {recipient})
        return False

    def _say(self, *pieces: Piece) -> None:
        """One line from styled pieces: rendered by rich, or written as plain text on a plain console."""
        if not self._plain:
            self.console.print(Text.assemble(*(_clean_piece(piece) for piece in pieces)))
            return
        self._write("".join(map(_plain_text, pieces)))

    def _write(self, line: str) -> None:
        self.console.file.write(clean(line) + "\n")

    def _style(self, agent: str, officials: frozenset[str]) -> str:
        if agent in officials:
            return OFFICIAL_STYLE
        if agent not in self._styles:
            self._styles[agent] = AGENT_STYLES[len(self._styles) % len(AGENT_STYLES)]
        return self._styles[agent]


def plain_console(console: Console) -> bool:
    """True for a console that shows no styles (a pipe or a file, no colours, not recording)."""
    return console.color_system is None and not console.is_terminal and not console.record


def _clean_piece(piece: Piece) -> Piece:
    """A piece cleaned before rich sees it (rich would drop a few controls silently, show none)."""
    if isinstance(piece, str):
        return clean(piece)
    if isinstance(piece, tuple):
        return (clean(piece[0]), piece[1])
    return clean_text(piece)


def _plain_text(piece: Piece) -> str:
    if isinstance(piece, str):
        return piece
    if isinstance(piece, tuple):
        return f"»{piece[0]}«" if piece[1] == MARK_STYLE else piece[0]
    return piece.plain
