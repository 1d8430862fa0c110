"""An eval plan, read from its TOML file and checked key by key (docs/eval.md): every problem names the
file, the line and the key, with a did-you-mean for a misspelt key, game, cast, role or persona.

What the file alone decides is checked here: keys, types and ranges, the games and their flags (each
value parsed by the game command's own parser), the casts' roles, models and personas. What needs the
games' data (a deck, an instances file) is checked when the cells are prepared (games.cli.evals.cells).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from agents import redact_url
from agents.persona_files import NAME, RANGES
from agents.persona_library import looks_like_path
from agents.personas import PersonaError
from games.cli.evals.arguments import ArgumentsRejected, flag_of, has_flag, own_flags, parse, rejected_reason
from games.cli.personas import casting_of, library_of
from games.cli.registry import castings, games_by_name
from games.kit.definition import GameDefinition, Side, sides_of
from games.kit.exits import UsageError
from runtime.tomlfile import (
    KIND_NAMES,
    Key,
    Problem,
    TomlDocument,
    TomlFileError,
    closest,
    describe_value,
    did_you_mean,
    is_kind,
    line_of,
    parse_toml,
)

MAX_BYTES = 1024 * 1024
REDIS_SCHEMES = ("redis", "rediss", "unix")
ALL = "all"  # games = "all": every subject (card, instance, thing...) of the game's data once
PLAN_KEYS = (
    "name",
    "description",
    "seeds",
    "games",
    "concurrency",
    "max_concurrent_calls",
    "rpm",
    "request_timeout",
    "redis",
    "queue",
    "persona_dirs",
    "game",
    "cast",
)
ENTRY_KEYS = ("game", "games", "casts")  # beside the game's own flags
MODEL_SETTINGS: Mapping[str, type] = {"temperature": float, "max_tokens": int}
ROLE_KEYS = ("model", "persona", *MODEL_SETTINGS)
CAST_KEYS = (*ROLE_KEYS, "base_url")
# Where a key put in the wrong place belongs.
ELSEWHERE = {
    "seed": "seeds are set at the top of the plan: seeds = [1, 2]",
    "seeds": "seeds are set at the top of the plan",
    "model": "models are chosen by the casts: [cast.NAME] model = ...",
    "persona": "personas are chosen by the casts: [cast.NAME] persona = ...",
    "concurrency": "concurrency is set at the top of the plan",
    "redis": "redis is set at the top of the plan",
}


class PlanError(Exception):
    """A plan that cannot run; `problems` holds every problem found, in file order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(str(self.problems[0]) if self.problems else "the plan cannot run")


@dataclass(frozen=True)
class RoleChoice:
    """What a cast gives a role: a model, a persona and model settings (each optional)."""

    model: str | None = None
    persona: str | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Cast:
    """A named cast: choices for every role (`everyone`) and for particular roles, which win; and for a
    game's sides (games.kit.definition.Side, keyed by the side's name like a role), whose own choices
    win over their role's."""

    name: str
    everyone: RoleChoice
    roles: Mapping[str, RoleChoice]
    base_url: str | None = None

    def role(self, role: str) -> RoleChoice:
        """`role`'s choices: its own section over the cast's."""
        own = self.roles.get(role, RoleChoice())
        return RoleChoice(
            model=own.model or self.everyone.model,
            persona=own.persona or self.everyone.persona,
            settings={**self.everyone.settings, **own.settings},
        )

    def side(self, side: Side) -> RoleChoice:
        """A side's own choices (`[cast.NAME.SIDE]`): the game command gives it its role's for the
        rest."""
        return self.roles.get(side.name, RoleChoice())

    def key_of(self, role: str, key: str) -> Key:
        """Where `role`'s `key` is set: ("cast", NAME, ROLE, key) in the role's section, else
        ("cast", NAME, key)."""
        own = self.roles.get(role)
        if own is not None and (getattr(own, key, None) is not None or key in own.settings):
            return ("cast", self.name, role, key)
        return ("cast", self.name, key)


def _parts(game: GameDefinition) -> list[str]:
    """What a cast may have a table for in a game: its roles, then its sides."""
    return [*(role.name for role in game.roles), *(side.name for side in sides_of(game))]


def settings_flag(setting: str, role: str | None = None) -> str:
    """The game command's flag for a model setting: --temperature, or --ROLE-temperature for one role."""
    flag = setting.replace("_", "-")
    return f"--{role}-{flag}" if role else f"--{flag}"


@dataclass(frozen=True)
class GameEntry:
    """A `[game.LABEL]` table: a game and its settings (the game's flags, by dest, as written)."""

    label: str
    game: GameDefinition
    settings: Mapping[str, Any]
    games: int | str | None  # a number, ALL, or None: the game command's default
    casts: tuple[str, ...] | None  # the casts that play it; None: every cast


@dataclass(frozen=True)
class EvalPlan:
    """A checked plan. Paths in it are relative to `base` (the plan file's folder)."""

    file: str
    base: Path
    text: str
    name: str
    description: str
    seeds: tuple[int, ...]
    games: int | str | None  # games per cell (a number or ALL); a game's own `games` wins
    entries: Mapping[str, GameEntry]
    casts: Mapping[str, Cast]
    lines: Mapping[Key, int]
    concurrency: int | None = None
    max_concurrent_calls: int | None = None
    rpm: int | None = None
    request_timeout: float | None = None
    redis: str | None = None
    queue: str | None = None
    persona_dirs: tuple[str, ...] = ()

    def casts_of(self, entry: GameEntry) -> list[Cast]:
        """The casts that play `entry`, in the plan's order."""
        return [cast for name, cast in self.casts.items() if entry.casts is None or name in entry.casts]

    def path(self, value: str) -> str:
        """A path from the plan, as the game command takes it (relative ones from the plan's folder)."""
        path = Path(value).expanduser()
        return str(path if path.is_absolute() else self.base / path)

    def problem(self, message: str, key: Key) -> Problem:
        """A problem at `key` of the plan file, with its line."""
        return Problem(self.file, message, ".".join(key) or None, line_of(self.lines, key))


def read_plan(path: Path, *, shown: str | None = None, base: Path | None = None) -> EvalPlan:
    """Read and check the plan file at `path` (named `shown` in problems; paths relative to `base`, by
    default the file's folder); PlanError lists every problem."""
    file = shown or str(path)
    if not path.exists():
        raise PlanError([Problem(file, "no such file")])
    if path.is_dir():
        raise PlanError([Problem(file, "is a directory, not a plan file")])
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PlanError([Problem(file, f"cannot read: {exc.strerror or exc}")]) from None
    try:
        document = parse_toml(
            data, file=file, kind="plan", max_bytes=MAX_BYTES, empty="a plan needs at least a game and a cast"
        )
    except TomlFileError as exc:
        raise PlanError(exc.problems) from None
    reader = _Reader(document, (base or path.parent).resolve(), path.stem)
    plan = reader.plan()
    if reader.problems:
        raise PlanError(sorted(dict.fromkeys(reader.problems), key=lambda p: p.line or 0))
    return plan


class _Reader:
    """Turns the parsed document into an EvalPlan, collecting every problem on the way."""

    def __init__(self, document: TomlDocument, base: Path, stem: str) -> None:
        self.document = document
        self.base = base
        self.stem = stem
        self.problems: list[Problem] = []
        self.wrong: set[Key] = set()  # keys already reported as malformed

    def plan(self) -> EvalPlan:
        values = self.document.values
        for key in values:
            if key not in PLAN_KEYS:
                self._unknown(key, PLAN_KEYS, (key,))
        name = self._string(values, ("name",))
        if name is not None and not NAME.fullmatch(name):
            self._add(
                "a plan's name is letters, digits, - and _ (at most 64): it names its folder", ("name",)
            )
            name = None
        persona_dirs = self._persona_dirs(values.get("persona_dirs", []))
        casts_table = self._table(values, ("cast",))
        entries = self._entries(self._table(values, ("game",)), list(casts_table))
        casts = {
            cast: self._cast(cast, table, entries)
            for cast, table in casts_table.items()
            if self._named(cast, ("cast", cast), "a cast")
        }
        casts = {name: cast for name, cast in casts.items() if cast is not None}
        if not entries and "game" not in values:
            self._add("no games: add a table [game.NAME] for each game to play", ())
        if not casts_table and "cast" not in values:
            self._add("no casts: add a table [cast.NAME] naming the model (and persona) of each role", ())
        self._check_played(entries, casts)
        self._check_models(entries, casts)
        self._check_personas(entries, casts, persona_dirs)
        self._check_settings(entries, casts)
        return EvalPlan(
            file=self.document.file,
            base=self.base,
            text=self.document.text,
            name=name or self.stem,
            description=self._string(values, ("description",)) or "",
            seeds=self._seeds(values.get("seeds", [1])),
            games=self._games_count(values.get("games"), ("games",)),
            entries=entries,
            casts=casts,
            lines=self.document.lines,
            concurrency=self._count(values, ("concurrency",)),
            max_concurrent_calls=self._count(values, ("max_concurrent_calls",)),
            rpm=self._count(values, ("rpm",)),
            request_timeout=self._seconds(values, ("request_timeout",)),
            redis=self._redis(values),
            queue=self._string(values, ("queue",)),
            persona_dirs=persona_dirs,
        )

    # -- games ----------------------------------------------------------------------------------------

    def _entries(self, tables: Mapping[str, Any], cast_names: list[str]) -> dict[str, GameEntry]:
        entries = {}
        for label, table in tables.items():
            key = ("game", label)
            if not self._named(label, key, "a game's label"):
                continue
            if not isinstance(table, dict):
                self._add(f"expected a table ([game.{label}]), got {describe_value(table)}", key)
                continue
            entry = self._entry(label, table, cast_names)
            if entry is not None:
                entries[label] = entry
        return entries

    def _entry(self, label: str, table: dict[str, Any], cast_names: list[str]) -> GameEntry | None:
        key = ("game", label)
        known = games_by_name()
        name = table.get("game", label)
        if not isinstance(name, str):
            self._add(f"expected a game's name, got {describe_value(name)}", (*key, "game"))
            return None
        if name not in known:
            where = (*key, "game") if "game" in table else key
            also = "" if "game" in table else "; or name it with game = NAME"
            self._add(
                f"unknown game {name!r}{did_you_mean(name, known)} (games: {', '.join(known)}){also}", where
            )
            return None
        game = known[name]
        flags = own_flags(game.name)
        settings: dict[str, Any] = {}
        for setting, value in table.items():
            if setting in ENTRY_KEYS:
                continue
            action = flags.get(setting)
            if action is None:
                self._unknown(setting, [*ENTRY_KEYS, *flags], (*key, setting), elsewhere=True)
            elif self._flag_value(game, action, value, (*key, setting)):
                settings[setting] = value
        casts = self._cast_list(table.get("casts"), (*key, "casts"), cast_names)
        return GameEntry(label, game, settings, self._games_count(table.get("games"), (*key, "games")), casts)

    def _flag_value(self, game: GameDefinition, action: argparse.Action, value: Any, key: Key) -> bool:
        """Whether `value` is one the game command's flag takes (parsed by its own parser)."""
        flag = flag_of(action)
        if action.nargs == 0:
            if not isinstance(value, bool):
                self._add(f"expected true or false ({flag}), got {describe_value(value)}", key)
                return False
            return True
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self._add(f"expected a string or a number ({flag}), got {describe_value(value)}", key)
            return False
        text = str(value)
        if action.choices is not None and text not in action.choices:
            choices = [str(choice) for choice in action.choices]
            hint = did_you_mean(text, choices)
            self._add(f"expected one of {', '.join(choices)}, got {text!r}{hint}", key)
            return False
        try:
            parse(game, [flag, text])
        except ArgumentsRejected as exc:
            self._add(rejected_reason(str(exc), flag), key)
            return False
        return True

    def _games_count(self, value: Any, key: Key) -> int | str | None:
        if value is None or value == ALL:
            return value
        if is_kind(value, int) and value >= 1:
            return value
        if isinstance(value, dict):
            where = (*key, next(iter(value))) if value else key  # `[games.X]` has a line, `games` none
            self._add("a game's table is [game.NAME]; games = N is the number of games per cell", where)
            return None
        self._add(f'expected a number of games of at least 1 or "all", got {describe_value(value)}', key)
        return None

    def _cast_list(self, value: Any, key: Key, cast_names: list[str]) -> tuple[str, ...] | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self._add(f"expected a list of cast names, got {describe_value(value)}", key)
            return None
        for name in value:
            if name not in cast_names:
                hint = did_you_mean(name, cast_names)
                self._add(f"no cast named {name!r}{hint} (casts: {', '.join(cast_names) or 'none'})", key)
        return tuple(dict.fromkeys(value))

    # -- casts ----------------------------------------------------------------------------------------

    def _cast(self, name: str, table: Any, entries: Mapping[str, GameEntry]) -> Cast | None:
        key = ("cast", name)
        if not isinstance(table, dict):
            self._add(f"expected a table ([cast.{name}]), got {describe_value(table)}", key)
            return None
        played = [entry for entry in entries.values() if entry.casts is None or name in entry.casts]
        roles_here = list(dict.fromkeys(part for entry in played for part in _parts(entry.game)))
        every_role = {part: game.name for game in games_by_name().values() for part in _parts(game)}
        roles: dict[str, RoleChoice] = {}
        for item, value in table.items():
            if item in CAST_KEYS:
                continue
            if isinstance(value, dict) and item in roles_here:
                roles[item] = self._choice(value, (*key, item), ROLE_KEYS)
            elif isinstance(value, dict) and item in every_role:
                message = f"the {item} ({every_role[item]}) is a role of no game this cast plays"
                self._add(message, (*key, item))
            elif isinstance(value, dict) and closest(item, CAST_KEYS, cutoff=0.75) is None:
                hint = did_you_mean(item, roles_here)
                shown = ", ".join(roles_here) or "none"
                self._add(f"unknown role {item!r}{hint} (the roles of its games: {shown})", (*key, item))
            else:
                self._unknown(item, CAST_KEYS, (*key, item))
        base_url = self._string(table, (*key, "base_url"))
        return Cast(name, self._choice(table, key, CAST_KEYS), roles, base_url)

    def _choice(self, table: dict[str, Any], key: Key, keys: tuple[str, ...]) -> RoleChoice:
        if keys is ROLE_KEYS:
            for item in table:
                if item not in ROLE_KEYS:
                    self._unknown(item, ROLE_KEYS, (*key, item))
        settings = {}
        for setting, kind in MODEL_SETTINGS.items():
            if setting not in table:
                continue
            value = table[setting]
            if not is_kind(value, kind):
                self._add(f"expected {KIND_NAMES[kind]}, got {describe_value(value)}", (*key, setting))
            elif (trouble := _out_of_range(setting, value)) is not None:
                self._add(trouble, (*key, setting))
            else:
                settings[setting] = float(value) if kind is float else value
        model = self._string(table, (*key, "model"))
        if model is not None and not model.strip():
            self._add("expected a model name, got an empty string", (*key, "model"))
        return RoleChoice(model or None, self._string(table, (*key, "persona")) or None, settings)

    def _check_played(self, entries: Mapping[str, GameEntry], casts: Mapping[str, Cast]) -> None:
        """A cast that plays no game is a mistake (every game's `casts` leaves it out)."""
        if not entries:
            return
        for cast in casts:
            if not any(entry.casts is None or cast in entry.casts for entry in entries.values()):
                self._add("this cast plays no game: no game's casts = [...] names it", ("cast", cast))

    def _check_models(self, entries: Mapping[str, GameEntry], casts: Mapping[str, Cast]) -> None:
        """Every role of every game a cast plays has a model: an eval never plays whatever the
        environment happens to name."""
        for cast in casts.values():
            missing = [
                f"the {role.name} ({entry.label})"
                for entry in self._played_by(cast, entries)
                for role in entry.game.roles
                if cast.role(role.name).model is None and cast.key_of(role.name, "model") not in self.wrong
            ]
            if missing:
                message = (
                    f"no model for {', '.join(missing)}: set model = ... here or in [cast.{cast.name}.ROLE] "
                    '("offline" for the built-in players)'
                )
                self._add(message, ("cast", cast.name))

    def _check_personas(
        self, entries: Mapping[str, GameEntry], casts: Mapping[str, Cast], persona_dirs: tuple[str, ...]
    ) -> None:
        """Each persona a cast names is found and can play its role in each game the cast plays."""
        try:
            library = library_of([str(self.base / d) for d in persona_dirs])
        except UsageError:
            return  # reported at persona_dirs
        known = castings()
        for cast in casts.values():
            for entry in entries.values():
                if entry.casts is not None and cast.name not in entry.casts:
                    continue
                casting = casting_of(entry.game)
                played = [(role.name, role.name, cast.role(role.name).persona) for role in entry.game.roles]
                played += [(side.name, side.role, cast.side(side).persona) for side in sides_of(entry.game)]
                for part, role, spec in played:
                    if spec is None:
                        continue
                    key = cast.key_of(part, "persona")
                    shown = str(self.base / spec) if looks_like_path(spec) else spec
                    try:
                        persona = library.find(shown)
                        persona.require(casting, role, known_games=known)
                    except PersonaError as exc:
                        more = ""
                        if exc.file is not None and len(exc.problems) > 1:
                            more = f"; 'python main.py personas check {exc.file}' lists them"
                        self._add(f"{exc}{more}", key)

    def _check_settings(self, entries: Mapping[str, GameEntry], casts: Mapping[str, Cast]) -> None:
        """A model setting needs the game command's flag for it (--temperature, --ROLE-temperature...)."""
        lacking: dict[tuple[Key, str], list[str]] = {}
        for cast in casts.values():
            for entry in self._played_by(cast, entries):
                chosen = [(role.name, cast.role(role.name)) for role in entry.game.roles]
                chosen += [(side.name, cast.side(side)) for side in sides_of(entry.game)]
                for part, choice in chosen:
                    for setting in choice.settings:
                        key = cast.key_of(part, setting)
                        flag = settings_flag(setting, part if len(key) == 4 else None)
                        if not has_flag(entry.game, flag):
                            games = lacking.setdefault((key, flag), [])
                            games += [] if entry.game.name in games else [entry.game.name]
        for (key, flag), games in lacking.items():
            message = (
                f"the game command ({', '.join(games)}) has no {flag} flag in this version; leave it out, "
                "or set it in a persona's [settings]"
            )
            self._add(message, key)

    @staticmethod
    def _played_by(cast: Cast, entries: Mapping[str, GameEntry]) -> list[GameEntry]:
        return [entry for entry in entries.values() if entry.casts is None or cast.name in entry.casts]

    # -- values -----------------------------------------------------------------------------------------

    def _seeds(self, value: Any) -> tuple[int, ...]:
        seeds = [value] if is_kind(value, int) else value
        if not isinstance(seeds, list) or not seeds:
            self._add(f"expected a whole number or a list of them, got {describe_value(value)}", ("seeds",))
            return (1,)
        wrong = [seed for seed in seeds if not is_kind(seed, int)]
        if wrong:
            self._add(f"a seed is a whole number, got {describe_value(wrong[0])}", ("seeds",))
            return (1,)
        if len(set(seeds)) != len(seeds):
            self._add("a seed is listed twice", ("seeds",))
        return tuple(dict.fromkeys(seeds))

    def _redis(self, values: Mapping[str, Any]) -> str | None:
        url = self._string(values, ("redis",))
        if url is not None and urlsplit(url).scheme not in REDIS_SCHEMES:
            shown = redact_url(url)
            self._add(f"expected a redis://, rediss:// or unix:// URL, got {shown!r}", ("redis",))
            return None
        return url

    def _persona_dirs(self, value: Any) -> tuple[str, ...]:
        dirs = [value] if isinstance(value, str) else value
        if not isinstance(dirs, list) or not all(isinstance(d, str) and d for d in dirs):
            self._add(
                f"expected a folder or a list of folders, got {describe_value(value)}", ("persona_dirs",)
            )
            return ()
        for folder in dirs:
            if not (self.base / folder).is_dir():
                self._add(f"no such folder: {self.base / folder}", ("persona_dirs",))
        return tuple(dirs)

    def _count(self, table: Mapping[str, Any], key: Key) -> int | None:
        value = table.get(key[-1])
        if value is None:
            return None
        if not is_kind(value, int) or value < 1:
            self._add(f"expected a whole number of at least 1, got {describe_value(value)}", key)
            return None
        return value

    def _seconds(self, table: Mapping[str, Any], key: Key) -> float | None:
        value = table.get(key[-1])
        if value is None:
            return None
        if not is_kind(value, float) or not math.isfinite(value) or value <= 0:
            self._add(f"expected a number of seconds greater than 0, got {describe_value(value)}", key)
            return None
        return float(value)

    def _string(self, table: Mapping[str, Any], key: Key) -> str | None:
        value = table.get(key[-1])
        if value is None:
            return None
        if not isinstance(value, str):
            self._add(f"expected a string, got {describe_value(value)}", key)
            return None
        return value

    def _table(self, table: Mapping[str, Any], key: Key) -> dict[str, Any]:
        value = table.get(key[-1], {})
        if not isinstance(value, dict):
            self._add(f"expected tables [{key[-1]}.NAME], got {describe_value(value)}", key)
            return {}
        return value

    def _named(self, name: str, key: Key, what: str) -> bool:
        if NAME.fullmatch(name):
            return True
        self._add(f"{what} is letters, digits, - and _ (at most 64): it names the cells' log files", key)
        return False

    def _unknown(self, item: str, choices: Sequence[str], key: Key, *, elsewhere: bool = False) -> None:
        """An unknown key, with the key it most likely is; with `elsewhere`, also the keys that belong
        in another part of the plan, and where."""
        moved = {k: why for k, why in ELSEWHERE.items() if k not in choices} if elsewhere else {}
        near = closest(item, [*choices, *moved])
        if near in moved:
            self._add(f"unknown key{did_you_mean(item, [near])} ({moved[near]})", key)
            return
        hint = did_you_mean(item, [*choices, *(["cast", "game"] if item in ("casts", "games") else [])])
        self._add(f"unknown key{hint} (keys: {', '.join(choices)})", key)

    def _add(self, message: str, key: Key) -> None:
        self.wrong.add(key)
        self.problems.append(self.document.problem(message, key))


def _out_of_range(key: str, value: Any) -> str | None:
    low, high = RANGES.get(key, (None, None))
    if low is not None and high is not None and not low <= value <= high:
        return f"expected a value from {low} to {high}, got {value}"
    if low is not None and value < low:
        return f"expected a value of at least {low}, got {value}"
    return None
