"""The transcript of a Chameleon game: one line per broadcast, named rounds, and a seat's view that
shows only what that seat saw."""

from __future__ import annotations

import io

from rich.console import Console

from games.cli.transcript import Transcript
from tests.games.chameleon.helpers import make_setup, play_scripted

SCRIPTS = {
    "p1": ["CLUE: monkey", "VOTE: p3"],
    "p2": ["CLUE: bananas", "VOTE: p3"],  # broken: everyone hears (pass)
    "p3": ["CLUE: juicy", "VOTE: p1", "GUESS: mango"],
}


def drawn(events: list[dict], viewer: str | None = None) -> list[str]:
    out = io.StringIO()
    transcript = Transcript(Console(file=out, width=200, color_system=None), viewer=viewer, show_calls=False)
    for event in events:
        transcript(event)
    return out.getvalue().splitlines()


async def test_a_broadcast_is_one_line_to_the_group():
    """Each clue the moderator broadcasts is drawn once, to 'players', and the rounds are named."""
    _, events, _ = await play_scripted(make_setup(), SCRIPTS)

    lines = drawn(events)

    assert lines.count("moderator → players [clue] p1: monkey") == 1
    assert "moderator → players [clue] p2: (pass)" in lines
    assert [line for line in lines if line in ("clues", "votes", "guess")] == ["clues", "votes", "guess"]
    assert "secret banana, chameleon p3" in lines[0]


async def test_the_chameleons_view_never_shows_the_secret_before_the_end():
    """Seen as p3 (the chameleon): no secret in the title, no other player's broken clue or vote, until
    the verdict on its guess names the word."""
    _, events, _ = await play_scripted(make_setup(), SCRIPTS)

    lines = drawn(events, viewer="p3")
    before_the_end = "\n".join(lines[: lines.index("p3 → moderator [guess] GUESS: mango") + 1])

    assert "banana" not in before_the_end.lower()
    assert "moderator → players [clue] p2: (pass)" in lines
    assert "p3 → moderator [vote] VOTE: p1" in lines
    assert not any(line.startswith(("p1 → ", "p2 → ")) for line in lines)


async def test_a_players_view_shows_its_own_broken_clue():
    """Seen as p2, its own rule violation is drawn; seen as p1, it is not."""
    _, events, _ = await play_scripted(make_setup(), SCRIPTS)

    assert any("rule broken: secret_word" in line for line in drawn(events, viewer="p2"))
    assert not any("rule broken" in line for line in drawn(events, viewer="p1"))
