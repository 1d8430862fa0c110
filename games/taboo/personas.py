"""Who plays each role: a persona (agents.personas) resolved for Taboo, checked against Taboo's casting.

`--hinter P` / `--guesser P` take a built-in name, a name found in `--persona-dir DIR` or `./personas/`,
or a path to a persona file; without them each role plays the built-in "default". The casting tells the
persona layer what Taboo offers each role: the placeholders of its prompt (prompts.prompt_values) and
the offline knobs (the fields of offline.HinterStyle and offline.GuesserStyle).
"""

from __future__ import annotations

import argparse
import dataclasses
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from agents.persona_library import PersonaLibrary
from agents.personas import Casting, Knob, Persona, PersonaError, RoleSpec
from games.common.castings import castings
from games.common.exits import UsageError
from games.common.models import Backend, RoleModel
from games.taboo.deck import Card
from games.taboo.game import GAME
from games.taboo.offline import GuesserStyle, HinterStyle
from games.taboo.prompts import DEFAULT_PROMPTS, prompt_values
from games.taboo.state import GUESSER, HINTER, ROLES

DEFAULT_PERSONA = "default"
SAMPLE_CARD = Card(target="snow", taboo=("white", "cold", "winter", "flake", "ice"))
SAMPLE_TURNS = 5

COMMON_PLACEHOLDERS = {
    "role": "the role's name: hinter or guesser",
    "rules": "the role's rules, in a few sentences",
    "format": "the reply format the referee expects: 'CLUE: <your clue>' or 'GUESS: <...>'",
    "turns": "how many turns the game has before it is lost",
    "turn": "the current turn, from 1 (the prompt is filled in again every turn)",
}
CARD_PLACEHOLDERS = {
    "target": "the word to get the guesser to say",
    "taboo": "the words the hinter must not say, comma-separated",
}
KNOB_HELP = {
    "terse": "clue with only the key word of each hint",
    "slip_rate": "the chance, each turn, of blurting out a taboo word",
    "lateral": "the chance of guessing a less obvious candidate",
    "knowledge": "the share of each card's associations the guesser has in mind",
}
NOT_FOR_GUESSER = "the guesser never sees the card"


def style_knobs(style: type) -> dict[str, Knob]:
    """The offline knobs of a style dataclass: its fields, their types and defaults; chances are 0 to 1."""
    hints = typing.get_type_hints(style)
    knobs = {}
    for item in dataclasses.fields(style):
        kind = hints[item.name]
        low, high = (0.0, 1.0) if kind is float else (None, None)
        knobs[item.name] = Knob(kind, item.default, KNOB_HELP.get(item.name, ""), low, high)
    return knobs


CASTING = Casting(
    game=GAME,
    roles={
        HINTER: RoleSpec(
            placeholders={**COMMON_PLACEHOLDERS, **CARD_PLACEHOLDERS},
            knobs=style_knobs(HinterStyle),
            required={"target": "the hinter has to be told the word to describe"},
            example=prompt_values(HINTER, SAMPLE_TURNS, SAMPLE_CARD),
            starter=DEFAULT_PROMPTS[HINTER],
        ),
        GUESSER: RoleSpec(
            placeholders=COMMON_PLACEHOLDERS,
            knobs=style_knobs(GuesserStyle),
            withheld={name: NOT_FOR_GUESSER for name in CARD_PLACEHOLDERS},
            example=prompt_values(GUESSER, SAMPLE_TURNS, None),
            starter=DEFAULT_PROMPTS[GUESSER],
        ),
    },
)


@dataclass(frozen=True)
class PersonaChoice:
    """A resolved persona for one role."""

    name: str
    source: str
    system_template: str
    settings: dict[str, Any] = field(default_factory=dict)  # ModelSettings fields but `model`
    offline: dict[str, Any] = field(default_factory=dict)  # HinterStyle / GuesserStyle fields
    model: str | None = None  # used when no model flag names one (flag > persona > OPENAI_MODEL)
    sha256: str = ""  # of the persona file's bytes

    @classmethod
    def of(cls, persona: Persona, role: str) -> PersonaChoice:
        settings = persona.settings(GAME, role)
        model = settings.pop("model", None)
        return cls(
            name=persona.name,
            source=persona.source,
            system_template=persona.template(GAME, role),
            settings=settings,
            offline=persona.knobs(CASTING, role),
            model=model,
            sha256=persona.sha256,
        )

    def describe(self) -> dict[str, str]:
        """What run_started records: name, source ("built-in" or the file) and the file's sha256."""
        return {"name": self.name, "source": self.source, "sha256": self.sha256}


def library_of(args: argparse.Namespace) -> PersonaLibrary:
    """The persona search path the flags describe (--persona-dir DIR, repeatable)."""
    dirs = [Path(d) for d in getattr(args, "persona_dir", None) or ()]
    for directory in dirs:
        if not directory.is_dir():
            raise UsageError(f"--persona-dir {directory}: no such directory")
    return PersonaLibrary(dirs)


def find_persona(library: PersonaLibrary, spec: str, role: str) -> Persona:
    """The persona `spec` names, checked for `role` in Taboo; UsageError (one line) when it cannot play."""
    try:
        persona = library.find(spec)
        persona.require(CASTING, role, known_games=castings())
    except PersonaError as exc:
        if exc.file is None:
            raise UsageError(f"--{role} {spec}: {exc}") from None
        more = f"; 'python main.py personas check {exc.file}' lists them" if len(exc.problems) > 1 else ""
        raise UsageError(f"{exc}{more}") from None
    return persona


def choose_personas(args: argparse.Namespace) -> dict[str, PersonaChoice]:
    """Each role's persona from --hinter/--guesser (default: the built-in "default")."""
    library = library_of(args)
    chosen = {}
    for role in ROLES:
        spec = getattr(args, role, None) or DEFAULT_PERSONA
        chosen[role] = PersonaChoice.of(find_persona(library, spec, role), role)
    return chosen


def with_persona_models(
    models: Mapping[str, RoleModel], personas: Mapping[str, PersonaChoice], named: Mapping[str, str | None]
) -> dict[str, RoleModel]:
    """A persona's model plays its role when a model server is used and no flag named a model for it."""
    chosen = dict(models)
    for role, persona in personas.items():
        choice = chosen[role]
        if persona.model and not named.get(role) and choice.backend is Backend.OPENAI:
            chosen[role] = replace(choice, model=persona.model)
    return chosen
