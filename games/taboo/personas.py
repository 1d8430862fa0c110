"""Who plays each role: the persona's prompt template, model settings and offline knobs.

Until persona files exist, each role has one built-in persona, "default".
"""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass, field
from typing import Any

from games.common.exits import UsageError
from games.taboo.prompts import DEFAULT_PROMPTS
from games.taboo.state import ROLES


@dataclass(frozen=True)
class PersonaChoice:
    """A resolved persona for one role."""

    name: str
    source: str
    system_template: str
    settings: dict[str, Any] = field(default_factory=dict)  # ModelSettings fields (temperature, ...)
    offline: dict[str, Any] = field(default_factory=dict)  # HinterStyle / GuesserStyle fields

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.system_template.encode()).hexdigest()[:16]

    def describe(self) -> dict[str, str]:
        """What run_started records: name, source and a hash of the content."""
        return {"name": self.name, "source": self.source, "sha256": self.digest}


def choose_personas(args: argparse.Namespace) -> dict[str, PersonaChoice]:
    chosen = {}
    for role in ROLES:
        spec = getattr(args, role, None)
        if spec not in (None, "default"):
            raise UsageError(f"unknown {role} persona {spec!r}; the built-in one is 'default'")
        chosen[role] = PersonaChoice("default", "built-in", DEFAULT_PROMPTS[role])
    return chosen
