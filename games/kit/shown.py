"""What an event looks like, independent of where it is drawn: a few shapes (a game's heading, a turn's
divider, a chat message, a verdict, a note, a model call, the game's ending) made of plain texts and
tones. A game's event declarations (games.kit.events) turn records into these; the terminal transcript
and the HTML page each draw the seven shapes, and neither knows any event by name.

Tones name what a part means, not a colour: "ok", "bad", "warn", "dim", and "mark" for the offending
part of a text (reverse red on a terminal, <mark> on the page, »like this« in plain text).
"""

from __future__ import annotations

from dataclasses import dataclass

OK, BAD, WARN, DIM, MARK = "ok", "bad", "warn", "dim", "mark"


@dataclass(slots=True)
class Part:
    """A piece of a shown line, with what it means (its tone); "" is plain text."""

    text: str
    tone: str = ""


@dataclass(slots=True)
class Heading:
    """A game's first line: its title and, where the viewer may see them, its secrets (`note`)."""

    title: str
    note: str = ""


@dataclass(slots=True)
class Divider:
    """Between turns or rounds: "turn 2/5", "votes"."""

    text: str


@dataclass(slots=True)
class Chat:
    """A message between agents; `group` names a broadcast's audience, `dropped` why it was not
    delivered."""

    sender: str
    recipient: str
    kind: str
    text: str
    group: str | None = None
    dropped: str | None = None


@dataclass(slots=True)
class Verdict:
    """A judgement or an incident on the game's record, said by `agent` (its official when None)."""

    parts: tuple[Part, ...]
    tone: str
    agent: str | None = None

    @property
    def plain(self) -> str:
        return "".join(part.text for part in self.parts)


@dataclass(slots=True)
class Note:
    """A line about the machinery (a model retried, a model failed), not about the game."""

    text: str
    tone: str = DIM


@dataclass(slots=True)
class Call:
    """A model call: who made it, a one-line summary, the messages it sent, how long it took. `live`
    is False for calls that took no real time (offline players, people, replayed calls)."""

    agent: str
    summary: str
    messages: object  # the request's messages as logged: a list of {"role", "content"}
    latency_ms: float | None
    live: bool

    @property
    def request(self) -> str:
        """The request as text, one message after another (only the page shows it: made on demand)."""
        messages = self.messages if isinstance(self.messages, list) else []
        return "\n\n".join(
            f"[{message.get('role')}]\n{message.get('content')}"
            for message in messages
            if isinstance(message, dict)
        )


@dataclass(slots=True)
class Ending:
    """How a game ended (`ended` False: it was stopped mid-play and never ended)."""

    text: str
    tone: str
    reason: str = ""
    ended: bool = True


Shown = Heading | Divider | Chat | Verdict | Note | Call | Ending


def marked(text: str, span: object) -> tuple[Part, ...]:
    """`text` with its [start, end) `span` as a MARK part: the offending part of a clue. A span that
    is not two whole numbers inside the text marks nothing."""
    if isinstance(span, list | tuple) and len(span) == 2 and all(type(i) is int for i in span):
        start, end = span
        if 0 <= start < end <= len(text):
            return tuple(
                part
                for part in (Part(text[:start]), Part(text[start:end], MARK), Part(text[end:]))
                if part.text
            )
    return (Part(text),)
