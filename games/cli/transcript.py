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

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.text import Text

from games.cli.terminal import clean, clean_text

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
MODERATOR_STYLE = "yellow"
MODERATORS = frozenset({"referee", "moderator"})
OFFLINE_BACKENDS = frozenset({"offline", "human"})

Piece = str | tuple[str, str] | Text


class Transcript:
    """Draws events one at a time: call it with each event record."""

    def __init__(self, console: Console, *, viewer: str | None = None, show_calls: bool = True) -> None:
        self.console = console
        self.viewer = viewer
        self.show_calls = show_calls
        self._styles: dict[str, str] = {}
        self._plain = plain_console(console)
        self._broadcast: tuple[tuple[object, ...], set[str]] | None = None  # the one being drawn

    def __call__(self, record: Mapping[str, Any]) -> None:
        draw = getattr(self, "_" + str(record.get("event", "")), None)
        seen_by = record.get("seen_by")  # the agents who could see the event, where the game says so
        if self.viewer is not None and isinstance(seen_by, list) and self.viewer not in seen_by:
            return
        if draw is not None:
            draw(record)

    # -- one method per event --------------------------------------------------------------------

    def _game_started(self, record: Mapping[str, Any]) -> None:
        title = f"{record.get('game', 'game')} · game {record.get('game_id', '?')}"
        card = record.get("card")
        if isinstance(card, Mapping) and self.viewer in (None, "hinter", "referee"):
            title += f" · card {card.get('target')} (taboo: {', '.join(card.get('taboo', []))})"
        secret = record.get("secret")  # a game's secret, for the agents in `secret_for` (all if absent)
        if secret is not None and self.viewer in (None, *record.get("secret_for", (self.viewer,))):
            title += f" · secret {secret}"
        if self._plain:
            self._write(f" {title} ".center(self.console.width, "─"))
        else:
            self.console.rule(Text(clean(title), style="bold"))

    def _turn_started(self, record: Mapping[str, Any]) -> None:
        name = record.get("round")  # a game played in named rounds (Chameleon: clues, votes, guess)
        self._say((str(name) if name else f"turn {record.get('turn')}/{record.get('turns')}", "dim"))

    def _message_sent(self, record: Mapping[str, Any]) -> None:
        sender, recipient = str(record.get("sender")), str(record.get("recipient"))
        if self.viewer is not None and self.viewer not in (sender, recipient):
            return
        group = record.get("group")
        if group is not None:  # one copy of a broadcast: drawn once, addressed to the group
            if self.viewer is None and self._repeats_broadcast(record, recipient):
                return
            recipient = str(group)
        self._say(
            (sender, self._style(sender)),
            (" → ", "dim"),
            (recipient, self._style(recipient)),
            (f" [{record.get('kind')}] ", "dim"),
            (str(record.get("text", "")), "dim" if sender in MODERATORS else ""),
        )

    def _message_dropped(self, record: Mapping[str, Any]) -> None:
        sender, recipient = str(record.get("sender")), str(record.get("recipient"))
        if self.viewer is not None and self.viewer not in (sender, recipient):
            return
        text = f"! {sender} → {recipient} [{record.get('kind')}] dropped ({record.get('reason')})"
        self._verdict(text, "yellow")

    def _agent_failed(self, record: Mapping[str, Any]) -> None:
        self._verdict(f"✗ {record.get('agent')} failed: {record.get('error')}: {record.get('reason')}", "red")

    def _clue_approved(self, record: Mapping[str, Any]) -> None:
        self._verdict("✓ clue approved", "green")

    def _rule_violation(self, record: Mapping[str, Any]) -> None:
        clue = str(record.get("clue", record.get("reply", record.get("text", ""))))  # what `span` points into
        head = f"  ✗ rule broken: {record.get('rule')} ({record.get('word')!s}) in "
        span = record.get("span")
        self._say((head, "bold red"), marked(clue, span) if self._plain else highlight(clue, span))

    def _verdict_given(self, record: Mapping[str, Any]) -> None:
        ok = bool(record.get("ok"))
        self._verdict(f"{'✓' if ok else '✗'} {record.get('text')}", "bold green" if ok else "red")

    def _reply_malformed(self, record: Mapping[str, Any]) -> None:
        left = record.get("reprompts_left")
        tail = f", re-prompting ({left} left)" if left else ", no re-prompts left"
        self._verdict(
            f"! {record.get('offender')}'s reply is malformed: {record.get('problem')}{tail}", "yellow"
        )

    def _guess_judged(self, record: Mapping[str, Any]) -> None:
        if record.get("correct"):
            self._verdict(f"✓ {record.get('guess')} is right", "bold green")
        else:
            self._verdict(f"✗ {record.get('guess')} is wrong", "red")

    def _llm_call(self, record: Mapping[str, Any]) -> None:
        if not self.show_calls or record.get("backend") in OFFLINE_BACKENDS:
            return
        if record.get("model") in OFFLINE_BACKENDS:  # the offline players' calls, replayed by a rerun
            return
        usage = record.get("usage") or {}
        tokens = int(usage.get("prompt_tokens", 0)) + int(usage.get("completion_tokens", 0))
        approx = "~" if usage.get("estimated") else ""
        attempts = record.get("attempts", 1)
        tries = f", {attempts} attempts" if attempts and attempts > 1 else ""
        figures = f"{approx}{tokens} tokens, {record.get('latency_ms')} ms{tries}"
        self._say((f"    {record.get('agent')}: {record.get('model')}, {figures}", "dim"))

    def _llm_retry(self, record: Mapping[str, Any]) -> None:
        reason = record.get("reason")
        text = f"    ↻ {record.get('agent')}'s model: {reason}, retrying in {record.get('wait_s')}s"
        self._say((text, "yellow dim"))

    def _llm_failed(self, record: Mapping[str, Any]) -> None:
        self._say((f"    ✗ {record.get('agent')}'s model failed: {record.get('error')}", "red"))

    def _game_ended(self, record: Mapping[str, Any]) -> None:
        outcome = str(record.get("outcome"))
        style = (
            "bold green" if outcome == "success" else "bold red" if outcome != "aborted" else "bold yellow"
        )
        score = record.get("score")
        scored = f", score {score:g}" if isinstance(score, int | float) else ""
        reason = f" — {record.get('reason')}" if record.get("reason") else ""
        self._say((f"{outcome} after {record.get('turns')} turn(s){scored}", style), reason)

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

    def _verdict(self, text: str, style: str) -> None:
        self._say(("  " + text, style))

    def _say(self, *pieces: Piece) -> None:
        """One line from styled pieces: rendered by rich, or written as plain text on a plain console."""
        if not self._plain:
            self.console.print(Text.assemble(*(_clean_piece(piece) for piece in pieces)))
            return
        self._write("".join(_plain_text(piece) for piece in pieces))

    def _write(self, line: str) -> None:
        self.console.file.write(clean(line) + "\n")

    def _style(self, agent: str) -> str:
        if agent in MODERATORS:
            return MODERATOR_STYLE
        if agent not in self._styles:
            self._styles[agent] = AGENT_STYLES[len(self._styles) % len(AGENT_STYLES)]
        return self._styles[agent]


def plain_console(console: Console) -> bool:
    """True for a console that shows no styles (a pipe or a file, no colours, not recording)."""
    return console.color_system is None and not console.is_terminal and not console.record


def highlight(text: str, span: object) -> Text:
    """`text` with the [start, end) `span` in reverse red, for an offending part of a clue."""
    result = Text(text)
    if isinstance(span, list | tuple) and len(span) == 2 and all(isinstance(i, int) for i in span):
        start, end = span
        if 0 <= start < end <= len(text):
            result.stylize("reverse red", start, end)
    return result


def marked(text: str, span: object) -> str:
    """`text` with the [start, end) `span` between » and «: the plain-text form of `highlight`."""
    if isinstance(span, list | tuple) and len(span) == 2 and all(isinstance(i, int) for i in span):
        start, end = span
        if 0 <= start < end <= len(text):
            return f"{text[:start]}»{text[start:end]}«{text[end:]}"
    return text


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
        return piece[0]
    return piece.plain
