"""What the log tools read of each event, with the types they need: a `FieldCheck` refuses a field of
the wrong type with one line naming the file, the line, the event and the field, before a view (the
transcript, the list of games, the page, the summary figures) or a rerun reads it.

The types are the events' own declarations (games.kit.events): the shared events' and those of the game
the log names. A field not declared is shown as text, whatever its type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from games.cli.registry import FollowedCatalog


class FieldCheck:
    """Call with each record of a log, in order, and where it was read (`FILE: line N`)."""

    def __init__(self) -> None:
        self._catalog = FollowedCatalog()

    def __call__(self, record: Mapping[str, Any], where: str) -> None:
        declared = self._catalog(record).get(record.get("event"))
        if declared is not None:
            declared.checked(record, where)
