"""The transcript: run-log events drawn as a readable, coloured conversation (rich).

The live game and `replay` draw the same events through this one class, so they look the same. With
`viewer` set to an agent's name, only what that agent may see is drawn (a person playing the guesser
never sees the card).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.text import Text

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


class Transcript:
    """Draws events one at a time: call it with each event record."""

    def __init__(self, console: Console, *, viewer: str | None = None, show_calls: bool = True) -> None:
        self.console = console
        self.viewer = viewer
        self.show_calls = show_calls
        self._styles: dict[str, str] = {}

    def __call__(self, record: Mapping[str, Any]) -> None:
        draw = getattr(self, "_" + str(record.get("event", "")), None)
        if draw is not None:
            draw(record)

    # -- one method per event --------------------------------------------------------------------

    def _game_started(self, record: Mapping[str, Any]) -> None:
        title = f"{record.get('game', 'game')} · game {record.get('game_id', '?')}"
        card = record.get("card")
        if isinstance(card, Mapping) and self.viewer in (None, "hinter", "referee"):
            title += f" · card {card.get('target')} (taboo: {', '.join(card.get('taboo', []))})"
        self.console.rule(Text(title, style="bold"))

    def _turn_started(self, record: Mapping[str, Any]) -> None:
        self.console.print(Text(f"turn {record.get('turn')}/{record.get('turns')}", style="dim"))

    def _message_sent(self, record: Mapping[str, Any]) -> None:
        sender, recipient = str(record.get("sender")), str(record.get("recipient"))
        if self.viewer is not None and self.viewer not in (sender, recipient):
            return
        line = Text()
        line.append(sender, style=self._style(sender))
        line.append(" → ", style="dim")
        line.append(recipient, style=self._style(recipient))
        line.append(f" [{record.get('kind')}] ", style="dim")
        line.append(str(record.get("text", "")), style="dim" if sender in MODERATORS else "")
        self.console.print(line)

    def _clue_approved(self, record: Mapping[str, Any]) -> None:
        self._verdict("✓ clue approved", "green")

    def _rule_violation(self, record: Mapping[str, Any]) -> None:
        clue = str(record.get("clue", record.get("text", "")))
        line = Text(f"  ✗ rule broken: {record.get('rule')} ({record.get('word')!s}) in ", style="bold red")
        line.append_text(highlight(clue, record.get("span")))
        self.console.print(line)

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
        usage = record.get("usage") or {}
        tokens = int(usage.get("prompt_tokens", 0)) + int(usage.get("completion_tokens", 0))
        approx = "~" if usage.get("estimated") else ""
        attempts = record.get("attempts", 1)
        tries = f", {attempts} attempts" if attempts and attempts > 1 else ""
        figures = f"{approx}{tokens} tokens, {record.get('latency_ms')} ms{tries}"
        text = f"    {record.get('agent')}: {record.get('model')}, {figures}"
        self.console.print(Text(text, style="dim"))

    def _llm_retry(self, record: Mapping[str, Any]) -> None:
        reason = record.get("reason")
        text = f"    ↻ {record.get('agent')}'s model: {reason}, retrying in {record.get('wait_s')}s"
        self.console.print(Text(text, style="yellow dim"))

    def _llm_failed(self, record: Mapping[str, Any]) -> None:
        self.console.print(
            Text(f"    ✗ {record.get('agent')}'s model failed: {record.get('error')}", style="red")
        )

    def _game_ended(self, record: Mapping[str, Any]) -> None:
        outcome = str(record.get("outcome"))
        style = (
            "bold green" if outcome == "success" else "bold red" if outcome != "aborted" else "bold yellow"
        )
        score = record.get("score")
        scored = f", score {score:g}" if isinstance(score, int | float) else ""
        line = Text(f"{outcome} after {record.get('turns')} turn(s){scored}", style=style)
        if record.get("reason"):
            line.append(f" — {record.get('reason')}", style="")
        self.console.print(line)

    # -- helpers ---------------------------------------------------------------------------------

    def _verdict(self, text: str, style: str) -> None:
        self.console.print(Text("  " + text, style=style))

    def _style(self, agent: str) -> str:
        if agent in MODERATORS:
            return MODERATOR_STYLE
        if agent not in self._styles:
            self._styles[agent] = AGENT_STYLES[len(self._styles) % len(AGENT_STYLES)]
        return self._styles[agent]


def highlight(text: str, span: object) -> Text:
    """`text` with the [start, end) `span` in reverse red, for an offending part of a clue."""
    result = Text(text)
    if isinstance(span, list | tuple) and len(span) == 2 and all(isinstance(i, int) for i in span):
        start, end = span
        if 0 <= start < end <= len(text):
            result.stylize("reverse red", start, end)
    return result
