"""Who plays each role of any game: personas (agents.personas) resolved against the game's roles.

`--ROLE P` takes a built-in name, a name found in `--persona-dir DIR` or `./personas/`, or a path to a
persona file; without it a role plays the built-in "default". A game's `Role`s become the `Casting`
the persona layer checks against: the placeholders of the role's prompt, the ones it must use or may
not see, and the offline knobs (the fields of the role's knob dataclass).
"""

from __future__ import annotations

import argparse
import dataclasses
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from agents.persona_library import PersonaLibrary
from agents.personas import Casting, Knob, Persona, PersonaError, RoleSpec
from games.cli.models import Backend, RoleModel
from games.kit.definition import GameDefinition, Role, sides_of
from games.kit.exits import UsageError

DEFAULT_PERSONA = "default"


def style_knobs(style: type) -> dict[str, Knob]:
    """The offline knobs of a knob dataclass: its fields, types and defaults (help from the field's
    `metadata["help"]`); floats are chances from 0 to 1 unless the metadata gives `low`/`high`."""
    hints = typing.get_type_hints(style)
    knobs = {}
    for item in dataclasses.fields(style):
        kind = hints[item.name]
        low, high = (0.0, 1.0) if kind is float else (None, None)
        low = item.metadata.get("low", low)
        high = item.metadata.get("high", high)
        knobs[item.name] = Knob(kind, item.default, item.metadata.get("help", ""), low, high)
    return knobs


def role_spec(role: Role) -> RoleSpec:
    placeholders = role.placeholders
    if not isinstance(placeholders, Mapping):
        placeholders = {name: "" for name in sorted(placeholders)}
    return RoleSpec(
        placeholders=dict(placeholders),
        knobs=style_knobs(role.knobs),
        withheld=dict(role.withheld),
        required=dict(role.required),
        example=dict(role.example_values),
        starter=role.default_prompt,
    )


def casting_of(game: GameDefinition) -> Casting:
    """The game's roles as personas see them."""
    return Casting(game=game.name, roles={role.name: role_spec(role) for role in game.roles})


@dataclass(frozen=True)
class PersonaChoice:
    """A persona resolved for one role of one game."""

    name: str
    source: str
    system_template: str
    settings: dict[str, Any] = field(default_factory=dict)  # ModelSettings fields but `model`
    offline: dict[str, Any] = field(default_factory=dict)  # the role's knob dataclass fields
    model: str | None = None  # used when no model flag names one (flag > persona > OPENAI_MODEL)
    sha256: str = ""  # of the persona file's bytes

    @classmethod
    def of(cls, persona: Persona, casting: Casting, role: str) -> PersonaChoice:
        settings = persona.settings(casting.game, role)
        model = settings.pop("model", None)
        return cls(
            name=persona.name,
            source=persona.source,
            system_template=persona.template(casting.game, role, casting.roles[role].starter),
            settings=settings,
            offline=persona.knobs(casting, role),
            model=model,
            sha256=persona.sha256,
        )

    def describe(self) -> dict[str, str]:
        """What run_started records: name, source ("built-in" or the file) and the file's sha256."""
        return {"name": self.name, "source": self.source, "sha256": self.sha256}

    @property
    def label(self) -> str:
        return self.name


def library_of(persona_dirs: Sequence[str]) -> PersonaLibrary:
    """The persona search path the flags describe (--persona-dir DIR, repeatable)."""
    dirs = [Path(d) for d in persona_dirs]
    for directory in dirs:
        if not directory.is_dir():
            raise UsageError(f"--persona-dir {directory}: no such directory")
    return PersonaLibrary(dirs)


def find_persona(
    library: PersonaLibrary, spec: str, casting: Casting, role: str, flag: str | None = None
) -> Persona:
    """The persona `spec` names (by the flag `--flag`, by default `--role`), checked for `role`;
    UsageError (one line) when it cannot play it."""
    from games.cli.registry import castings

    try:
        persona = library.find(spec)
        # Other games' castings (every game imported) matter only to a persona naming what this one lacks.
        known = castings() if persona.check(casting) else {}
        persona.require(casting, role, known_games=known)
    except PersonaError as exc:
        if exc.file is None:
            raise UsageError(f"--{flag or role} {spec}: {exc}") from None
        more = f"; 'python main.py personas check {exc.file}' lists them" if len(exc.problems) > 1 else ""
        raise UsageError(f"{exc}{more}") from None
    return persona


def choose_personas(
    args: argparse.Namespace, game: GameDefinition, sides: Mapping[str, str | None] | None = None
) -> dict[str, PersonaChoice]:
    """Each role's persona from its --ROLE flag (default: the built-in "default"); and each cast side's
    from `sides` (side -> its persona, games.cli.sides)."""
    named = {role.name: getattr(args, _dest(role.name), None) for role in game.roles}
    return personas_named(game, {**named, **(sides or {})}, getattr(args, "persona_dir", None) or ())


def personas_named(
    game: GameDefinition, named: Mapping[str, str | None], persona_dirs: Sequence[str] = ()
) -> dict[str, PersonaChoice]:
    """Each role's persona by name or file (None or missing: the built-in "default"), looked for in
    `persona_dirs` first; and each side `named` names (keyed by its name), played as its role."""
    library = library_of(persona_dirs)
    casting = casting_of(game)
    chosen = {}
    for role in game.roles:
        spec = named.get(role.name) or DEFAULT_PERSONA
        persona = find_persona(library, spec, casting, role.name)
        chosen[role.name] = PersonaChoice.of(persona, casting, role.name)
    for side in sides_of(game):
        if side.name in named:
            spec = named[side.name] or DEFAULT_PERSONA
            persona = find_persona(library, spec, casting, side.role, flag=side.name)
            chosen[side.name] = PersonaChoice.of(persona, casting, side.role)
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


def _dest(role: str) -> str:
    return role.replace("-", "_")
