"""A model scripted from a file: `--model script:FILE` (or `--ROLE-model script:FILE`, or `--script FILE`
for every role) plays each seat with the replies the file lists for it, in order, in every game.

```
{"hinter": ["CLUE: ...", "CLUE: ..."],
 "guesser": ["GUESS: ..."],
 "games": {"g2": {"guesser": ["GUESS: ...", "GUESS: ..."]}}}
```

Keys are the game's roles, sides or seats (a seat's own list wins over its side's, which wins over its
role's); `games` holds lists for
one game by its id, which win over the others. A seat that runs out of replies fails its game (an
`error` outcome naming the call). A file that cannot be used is one line naming it and the field.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from games.kit.datafile import DataFileError, describe, json_path, read_json
from games.kit.exits import UsageError

PREFIX = "script:"
GAMES = "games"


def script_path(model: str | None) -> str | None:
    """The file of a `script:FILE` model name, or None for any other name."""
    if model is None or not model.startswith(PREFIX):
        return None
    return model[len(PREFIX) :]


@dataclass(frozen=True)
class Script:
    """A script file's replies: per role or seat, and per game."""

    path: str
    replies: Mapping[str, tuple[str, ...]]
    games: Mapping[str, Mapping[str, tuple[str, ...]]]

    def for_seat(self, agent: str, role: str, game_id: str, *, side: str | None = None) -> list[str]:
        """The replies `agent` (playing `role`, on `side` in this game if it is on one) gives in game
        `game_id`; [] when the file has none."""
        for replies in (self.games.get(game_id, {}), self.replies):
            for key in (agent, side, role):
                if key in replies:
                    return list(replies[key])
        return []


def load_script(path: str, names: Collection[str]) -> Script:
    """Read a script file whose keys are among `names` (roles and seats); UsageError if unusable."""
    try:
        data = read_json(path)
    except DataFileError as exc:
        raise UsageError(f"{path}: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: the top level is {describe(data)}, expected an object of reply lists")
    own = dict(data)
    listed = own.pop(GAMES, {})
    if not isinstance(listed, dict):
        raise UsageError(f"{path}: {GAMES}: is {describe(listed)}, expected an object of games")
    games = {game_id: _replies(path, entry, names, (GAMES, game_id)) for game_id, entry in listed.items()}
    return Script(path, _replies(path, own, names, ()), games)


def _replies(path: str, entry: Any, names: Collection[str], where: tuple) -> dict[str, tuple[str, ...]]:
    if not isinstance(entry, dict):
        raise UsageError(
            f"{path}: {json_path(*where)}: is {describe(entry)}, expected an object of reply lists"
        )
    found = {}
    for key, replies in entry.items():
        place = json_path(*where, key)
        if key not in names:
            raise UsageError(f"{path}: {place}: not a role or seat of this game ({', '.join(sorted(names))})")
        if not isinstance(replies, list) or not all(isinstance(reply, str) for reply in replies):
            raise UsageError(f"{path}: {place}: is {describe(replies)}, expected a list of replies (strings)")
        found[key] = tuple(replies)
    return found
