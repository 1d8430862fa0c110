"""No code outside a game's own package names a game, one of its roles or officials, or one of its own
events: what the shared code knows of a game, it learns from the game's definition (the registry)."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from games.cli.registry import SHARED, catalog_for, games_by_name
from games.kit.common_events import SHARED_EVENTS

ROOT = Path(__file__).resolve().parents[1]
SHARED_CODE = [
    ROOT / "main.py",
    *sorted((ROOT / "runtime").rglob("*.py")),
    *sorted((ROOT / "agents").rglob("*.py")),
    *(path for folder in sorted(SHARED) for path in sorted((ROOT / "games" / folder).rglob("*.py"))),
]
# Role names that are also the kit's own words: Chameleon calls its one role "player", as the kit
# calls anyone seated in a game.
KIT_WORDS = frozenset({"player"})


def forbidden_names() -> dict[str, str]:
    """Every game's names, roles, officials and own events (name -> whose), from the registry."""
    names: dict[str, str] = {}
    for name, game in games_by_name().items():
        package = type(game).__module__.split(".")[1]
        names[name] = names[package] = f"the game {name}"
        for role in game.roles:
            if role.name not in KIT_WORDS:
                names[role.name] = f"{name}'s role"
        for official in game.officials:
            names[official] = f"{name}'s official"
        for event in catalog_for(name).game_events(SHARED_EVENTS):
            names[event] = f"{name}'s event"
    return names


def named(path: Path, names: dict[str, str]) -> list[str]:
    """Where `path`'s code (its names and its strings, not its comments or docstrings) names one."""
    found = []
    tokens = list(tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline))
    for index, token in enumerate(tokens):
        if token.type == tokenize.STRING and not _docstring(tokens, index):
            words = re.findall(r"[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*", token.string.lower())
        elif token.type == tokenize.NAME:
            words = [token.string.lower(), *token.string.lower().strip("_").split("_")]
            words += [part for part in names if "_" in part and part in token.string.lower()]
        else:
            continue
        for word in words:
            if word in names:
                where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{token.start[0]}"
                found.append(f"{where}: {token.string[:60]!r} names {names[word]} {word!r}")
    return found


def _docstring(tokens: list[tokenize.TokenInfo], index: int) -> bool:
    """A string standing alone as a statement (a docstring, or a comment written as a string)."""
    before = next((t for t in reversed(tokens[:index]) if t.type not in _LAYOUT), None)
    return (
        before is None
        or before.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)
        or (before.type == tokenize.OP and before.string == ":")
    )


_LAYOUT = (tokenize.NL, tokenize.COMMENT)


def test_the_registry_yields_names_to_look_for() -> None:
    names = forbidden_names()
    assert {"taboo", "hinter", "referee", "clue_approved", "votes_counted", "twenty-questions"} <= set(names)


def test_no_shared_code_names_a_game_a_role_or_a_games_event() -> None:
    names = forbidden_names()
    found = [line for path in SHARED_CODE for line in named(path, names)]
    assert not found, "\n".join(found)


def test_the_scan_finds_a_name_in_code_but_not_in_comments_or_docstrings(tmp_path: Path) -> None:
    names = forbidden_names()
    planted = tmp_path / "planted.py"
    planted.write_text(
        '"""Draws the hinter\'s clue_approved."""\n'
        "# the referee says taboo\n"
        "def _clue_approved(record):\n"
        "    return record.get('guesser')\n"
    )
    found = named(planted, names)
    assert [line.split(": ", 1)[0].rsplit(":", 1)[1] for line in found] == ["3", "4"], found
