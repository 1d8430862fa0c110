"""Finding personas: by a path to a file, or by name along a search path ending in the built-ins.

A name is looked up, first match wins, in: each `--persona-dir DIR` (in the order given), `./personas/`,
then the built-ins (agents/builtin_personas/). A persona there is the file `NAME.toml`, and its `name`
must be NAME. Anything that looks like a path (it has a `/` or ends in `.toml`) is read as a file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from agents.persona_files import not_found, parse_persona, read_persona
from agents.personas import Persona, PersonaError, Problem

BUILT_IN = "built-in"
SUFFIX = ".toml"
LOCAL_DIR = Path("personas")


@dataclass(frozen=True)
class Entry:
    """One persona file on the search path: the persona (or why it cannot be read) and what it hides."""

    name: str
    where: str  # "built-in" or the file's path
    persona: Persona | None
    error: PersonaError | None
    shadowed_by: str | None = None  # the file that wins for this name, when this one does not


def looks_like_path(spec: str) -> bool:
    return "/" in spec or os.sep in spec or spec.endswith(SUFFIX)


class PersonaLibrary:
    """The search path: extra directories, then ./personas/ (relative to the working directory), then the
    built-ins."""

    def __init__(self, dirs: Sequence[Path] = (), *, local: Path | None = LOCAL_DIR) -> None:
        self.dirs = [Path(d) for d in dirs]
        self.local = local

    @property
    def search_dirs(self) -> list[Path]:
        dirs = list(self.dirs)
        if self.local is not None and self.local not in dirs:
            dirs.append(self.local)
        return dirs

    @property
    def looked_in(self) -> list[str]:
        return [*(f"{d}/" for d in self.search_dirs), BUILT_IN]

    def find(self, spec: str) -> Persona:
        """The persona `spec` names: a path to a file, or a name along the search path."""
        if looks_like_path(spec):
            return read_persona(Path(spec))
        for directory in self.search_dirs:
            path = directory / f"{spec}{SUFFIX}"
            if path.is_file():
                return _named(read_persona(path), spec)
        builtin = _builtin_files().get(spec)
        if builtin is not None:
            return parse_persona(builtin.read_bytes(), file=_builtin_label(spec), source=BUILT_IN)
        raise not_found(spec, sorted({entry.name for entry in self.entries()}), self.looked_in)

    def entries(self) -> list[Entry]:
        """Every persona file on the search path, in search order (a later file of a name is shadowed)."""
        found: list[Entry] = []
        winners: dict[str, str] = {}
        for name, where, load in self._files():
            try:
                persona, error = _named(load(), name), None
            except PersonaError as exc:
                persona, error = None, exc
            shadowed_by = winners.get(name)
            winners.setdefault(name, where)
            found.append(Entry(name, where, persona, error, shadowed_by))
        return found

    def _files(self) -> Iterator[tuple[str, str, Callable[[], Persona]]]:
        for directory in self.search_dirs:
            if not directory.is_dir():
                continue
            for path in sorted(directory.glob(f"*{SUFFIX}")):
                yield path.stem, str(path), lambda path=path: read_persona(path)
        for name, file in sorted(_builtin_files().items()):
            yield (
                name,
                BUILT_IN,
                lambda name=name, file=file: parse_persona(
                    file.read_bytes(), file=_builtin_label(name), source=BUILT_IN
                ),
            )


def builtin_personas() -> list[Persona]:
    """Every built-in persona, by name."""
    return [
        parse_persona(file.read_bytes(), file=_builtin_label(name), source=BUILT_IN)
        for name, file in sorted(_builtin_files().items())
    ]


def _builtin_files() -> dict[str, Path]:
    # The package's folder beside this module, where its package data is installed (importlib.resources
    # would find the same files, and import a dozen modules to do it: docs/benchmarks.md, "Start-up").
    folder = Path(__file__).resolve().parent / "builtin_personas"
    return {item.name[: -len(SUFFIX)]: item for item in folder.iterdir() if item.name.endswith(SUFFIX)}


def _builtin_label(name: str) -> str:
    return f"agents/builtin_personas/{name}{SUFFIX}"


def _named(persona: Persona, name: str) -> Persona:
    """A persona found by name must carry that name, so `list` and the log agree with the file name."""
    problem = name_problem(persona, name)
    if problem is not None:
        raise PersonaError([problem])
    return persona


def name_problem(persona: Persona, stem: str) -> Problem | None:
    """The problem of a persona whose `name` is not its file's name (`stem`, without .toml): it could
    not be found by its name. None when they agree."""
    if persona.name == stem:
        return None
    message = f"{persona.name!r} differs from the file name {stem}{SUFFIX}, by which it is found"
    return Problem(persona.file, message, "name", persona.lines.get(("name",)))
