"""`python main.py personas list | show NAME | check PATH... | new NAME`: personas, from the command line.

Personas are game-agnostic files (agents.personas); this command checks and renders them against each
game's casting (games.cli.registry), so it lives with the games.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from agents.persona_files import NAME, inspect_file
from agents.persona_library import LOCAL_DIR, SUFFIX, PersonaLibrary, name_problem
from agents.personas import SETTINGS, Casting, Persona, PersonaError, Problem, RoleSpec
from games.cli.registry import castings
from games.cli.terminal import clean, error_line
from games.kit.exits import OK, USAGE, UsageError

DOCS = "docs/personas.md"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "personas",
        help="list, show, check and create personas (how an agent speaks and thinks)",
        description=f"A persona is a TOML file: a system prompt, model settings, offline knobs ({DOCS}).",
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    games = list(castings())  # in the registry's order: the first game is the default

    listing = actions.add_parser(
        "list", help="every persona on the search path: name, roles, description, source"
    )
    _add_dirs(listing)
    listing.set_defaults(command=list_personas)

    show = actions.add_parser("show", help="the prompt a model would receive, with example values")
    show.add_argument("persona", metavar="NAME", help="a persona name or a path to a persona file")
    show.add_argument("--role", metavar="R", help="only this role (default: every role the persona plays)")
    show.add_argument("--game", choices=games, default=games[0], help=f"the game (default {games[0]})")
    _add_dirs(show)
    show.set_defaults(command=show_persona)

    check = actions.add_parser("check", help="validate persona files: every problem, exit 0 or 2")
    check.add_argument("paths", nargs="+", metavar="PATH", help="persona files, or directories of them")
    check.set_defaults(command=check_personas)

    new = actions.add_parser("new", help="write a commented persona template that is valid as it is")
    new.add_argument("name", metavar="NAME", help="the persona's name (letters, digits, - and _)")
    new.add_argument("--role", metavar="R", help="the role it plays (default: every role of the game)")
    new.add_argument("--game", choices=games, default=games[0], help=f"the game (default {games[0]})")
    new.add_argument("--out", metavar="PATH", help=f"where to write it (default {LOCAL_DIR}/NAME{SUFFIX})")
    new.set_defaults(command=new_persona)


def _add_dirs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--persona-dir",
        action="append",
        metavar="DIR",
        help=f"look in DIR before ./{LOCAL_DIR}/ and the built-ins (repeatable)",
    )


def _library(args: argparse.Namespace) -> PersonaLibrary:
    dirs = [Path(d) for d in args.persona_dir or ()]
    for directory in dirs:
        if not directory.is_dir():
            raise UsageError(f"--persona-dir {directory}: no such directory")
    return PersonaLibrary(dirs)


# -- list ---------------------------------------------------------------------------------------------


async def list_personas(args: argparse.Namespace, console: Console) -> int:
    table = Table("name", "roles", "description", "source", box=None, pad_edge=False)
    for entry in _library(args).entries():  # Texts cleaned before rich measures the columns
        where = Text(clean(entry.where))
        if entry.shadowed_by:
            where.append(clean(f" (hidden by {entry.shadowed_by})"), style="dim")
        if entry.persona is not None:
            table.add_row(entry.name, entry.persona.roles_text, Text(clean(entry.persona.description)), where)
        else:
            assert entry.error is not None
            table.add_row(entry.name, "?", Text(clean(f"invalid: {entry.error}"), style="red"), where)
    console.print(table)
    return OK


# -- show ---------------------------------------------------------------------------------------------


async def show_persona(args: argparse.Namespace, console: Console) -> int:
    casting = castings()[args.game]
    try:
        persona = _library(args).find(args.persona)
    except PersonaError as exc:
        raise UsageError(str(exc)) from None
    roles = [role for role in casting.roles if persona.plays(role)]
    if args.role is not None:
        if args.role not in casting.roles:
            raise UsageError(f"--role {args.role}: {args.game} has the roles {', '.join(casting.roles)}")
        roles = [args.role]
    for role in roles:
        try:
            persona.require(casting, role, known_games=castings())
        except PersonaError as exc:
            raise UsageError(str(exc)) from None
    console.out(f"{persona.name}: {persona.description}")
    console.out(f"source: {persona.source}  sha256: {persona.sha256[:16]}  roles: {persona.roles_text}")
    for role in roles:
        spec = casting.roles[role]
        settings = persona.settings(casting.game, role)
        knobs = persona.knobs(casting, role)
        console.out("")
        console.out(f"── {role} ({casting.game}) " + "─" * 40)
        console.out(f"settings: {_pairs(settings) or 'none (the server defaults)'}")
        console.out(f"offline knobs: {_pairs(knobs) or 'none (the defaults)'}")
        console.out(f"example values: {_pairs({k: v for k, v in spec.example.items() if len(v) < 60})}")
        console.out("system prompt:")
        console.out(persona.render(casting.game, role, spec.example, spec.starter))
    return OK


def _pairs(values: dict) -> str:
    return ", ".join(
        f"{key}={value!r}" if isinstance(value, str) else f"{key}={value}" for key, value in values.items()
    )


# -- check --------------------------------------------------------------------------------------------


async def check_personas(args: argparse.Namespace, console: Console) -> int:
    problems: list[Problem] = []
    for path in _expand([Path(p) for p in args.paths], problems):
        reading = inspect_file(path)
        found = list(reading.problems)
        if reading.persona is not None:
            found += _uncovered(check_persona(reading.persona), reading.problems)
            misnamed = name_problem(reading.persona, path.stem)  # found by name, it would be refused
            if misnamed is not None and not any(problem.key == "name" for problem in found):
                found.append(misnamed)
        found.sort(key=lambda problem: problem.line or 0)
        problems += found
        if not found:
            persona = reading.persona
            assert persona is not None
            console.out(f"ok: {path} ({persona.name}, roles: {persona.roles_text})")
    for problem in problems:
        error_line(str(problem))
    return USAGE if problems else OK


def check_persona(persona: Persona) -> list[Problem]:
    """Every problem with `persona` in each game where it plays a role (in every game if it plays none)."""
    known = castings()
    playable = [casting for casting in known.values() if _plays_in(persona, casting)]
    problems: list[Problem] = []
    for casting in playable or known.values():
        problems += persona.check(casting, known_games=known)
    return list(dict.fromkeys(problems))


def _uncovered(problems: list[Problem], reported: tuple[Problem, ...]) -> list[Problem]:
    """The game-level problems not about a key already reported (a bad prompt is not also a missing one)."""
    keys = [problem.key for problem in reported if problem.key]
    return [
        problem
        for problem in problems
        if not any(problem.key == key or (problem.key or "").startswith(key + ".") for key in keys)
    ]


def _plays_in(persona: Persona, casting: Casting) -> bool:
    return persona.roles is None or any(role in casting.roles for role in persona.roles)


def _expand(paths: list[Path], problems: list[Problem]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob(f"*{SUFFIX}"))
            if not found:
                problems.append(Problem(str(path), f"no persona files (*{SUFFIX}) in this directory"))
            files += found
        else:
            files.append(path)
    return files


# -- new ----------------------------------------------------------------------------------------------


async def new_persona(args: argparse.Namespace, console: Console) -> int:
    casting = castings()[args.game]
    if not NAME.fullmatch(args.name):
        raise UsageError(f"{args.name!r}: a name is letters, digits, - and _ (at most 64)")
    if args.role is not None and args.role not in casting.roles:
        raise UsageError(f"--role {args.role}: {args.game} has the roles {', '.join(casting.roles)}")
    out = Path(args.out) if args.out else LOCAL_DIR / f"{args.name}{SUFFIX}"
    if out.exists():
        raise UsageError(f"{out} exists; not overwriting it (choose another NAME or --out PATH)")
    text = template(args.name, casting, args.role)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"{out}: cannot write: {exc.strerror or exc}") from None
    role = args.role or next(iter(casting.roles))
    use = args.name if out == LOCAL_DIR / f"{args.name}{SUFFIX}" else str(out)
    console.out(f"wrote {out}: edit it, check it with 'python main.py personas check {out}',")
    console.out(f"and play it with 'python main.py {casting.game} --{role} {use}'")
    return OK


def template(name: str, casting: Casting, role: str | None = None) -> str:
    """A commented persona file for `casting`'s game, valid as it is: one role, or every role."""
    roles = [role] if role else list(casting.roles)
    lines = [
        f"# A persona: how an agent speaks and thinks. Every field is explained in {DOCS}.",
        "# Lines starting with # are comments; uncomment a setting or a knob to use it.",
        "",
        f'name = "{name}"',
        'description = "One line: what makes this persona different."',
        '# The roles it plays: "any", or a list.',
        f"roles = [{', '.join(_quote(r) for r in roles)}]",
        "",
    ]
    if role:
        lines += _prompt_lines(casting.roles[role], role, "prompt")
        lines += _settings_lines("settings")
        lines += _knob_lines(casting.roles[role], "offline")
        return "\n".join(lines)
    lines += _settings_lines("settings")
    for each in roles:
        spec = casting.roles[each]
        lines += [f"[{casting.game}.{each}]", f"# What the {each} is told, and how it plays offline."]
        lines += _prompt_lines(spec, each, "prompt")
        lines += _knob_lines(spec, f"{casting.game}.{each}.offline")
    return "\n".join(lines)


def _prompt_lines(spec: RoleSpec, role: str, key: str) -> list[str]:
    lines = [f"# The {role}'s system prompt. The game fills in these placeholders:"]
    width = max(len(name) for name in spec.placeholders) + 2
    lines += [
        f"#   {{{name}}}".ljust(width + 6) + f"{meaning}" for name, meaning in spec.placeholders.items()
    ]
    lines += [
        "# Write {{ and }} for a literal brace. Leading and trailing blank lines are dropped.",
        f"{key} = '''",
        spec.starter.replace("'''", '"""'),
        "'''",
        "",
    ]
    return lines


def _settings_lines(table: str) -> list[str]:
    examples = {
        "model": '"gpt-4o-mini"',
        "temperature": "0.7",
        "top_p": "1.0",
        "max_tokens": "60",
        "seed": "7",
    }
    lines = [
        "# Model settings, all optional. A model here is used only when no --model flag names one.",
        f"[{table}]",
    ]
    lines += [f"# {key} = {examples.get(key, '...')}" for key in SETTINGS]
    return [*lines, ""]


def _knob_lines(spec: RoleSpec, table: str) -> list[str]:
    if not spec.knobs:
        return []
    lines = ["# How the built-in offline players play this persona (the defaults are shown).", f"[{table}]"]
    for key, knob in spec.knobs.items():
        value = str(knob.default).lower() if isinstance(knob.default, bool) else repr(knob.default)
        lines.append(f"# {key} = {value}".ljust(28) + (f"# {knob.help}" if knob.help else ""))
    return [*lines, ""]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
