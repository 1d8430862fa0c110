"""Imports point one way: games -> agents -> runtime. Checked by parsing every module with `ast`."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "runtime": {"agents", "games", "main"},
    "agents": {"games", "main"},
}


def imported_top_levels(source: str, module: str, is_package: bool = False) -> set[str]:
    """The top-level names of every module `source` imports, anywhere in the file (functions and
    TYPE_CHECKING blocks included); relative imports are resolved against `module`'s package."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                found.add(node.module.split(".")[0])
                continue
            base = package[: len(package) - (node.level - 1)]
            if node.module:
                found.add([*base, *node.module.split(".")][0])
            elif base:
                found.add(base[0])
            else:  # `from .. import x` at the top: x itself is the top-level module
                found.update(alias.name for alias in node.names)
    return found


def modules(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        yield path, name, is_package


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_point_one_way(package):
    """runtime imports neither agents nor games nor main; agents imports neither games nor main."""
    offenders = []
    for path, name, is_package in modules(package):
        source = path.read_text(encoding="utf-8")
        bad = imported_top_levels(source, name, is_package) & FORBIDDEN[package]
        offenders += [f"{path.relative_to(ROOT)} imports {top}" for top in sorted(bad)]

    assert list(modules(package)), f"no modules found under {package}/"
    assert offenders == []


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("import games.taboo", "runtime.log", {"games"}),
        ("import os, agents.chat as chat", "runtime.log", {"os", "agents"}),
        ("from games.taboo import rules", "agents.chat", {"games"}),
        ("def f():\n    import main", "runtime.log", {"main"}),
        ("if TYPE_CHECKING:\n    from agents import Gateway", "runtime.log", {"agents"}),
        ("from .clock import Clock", "runtime.log", {"runtime"}),
        ("from ..games import taboo", "agents.chat", {"games"}),
        ("from .. import main", "runtime.log", {"main"}),
        ("from . import errors", "runtime", {"runtime"}),
    ],
)
def test_the_check_sees_every_kind_of_import(source, module, expected):
    """Absolute, aliased, nested, TYPE_CHECKING and relative imports all count."""
    assert imported_top_levels(source, module, is_package=module == "runtime") == expected


def imported_modules(source: str) -> set[str]:
    """The absolute dotted names a module imports (`from a.b import c` gives a.b)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


SHARED_GAME_FOLDERS = ("kit", "cli", "logtools")


def _game_packages() -> list[str]:
    return sorted(
        path.name
        for path in (ROOT / "games").iterdir()
        if (path / "__init__.py").exists() and path.name not in SHARED_GAME_FOLDERS
    )


def _allowed_games_imports(folder: str) -> set[str]:
    """games/kit is imported by everyone; games/cli only by the log tools; a game by no shared folder."""
    return {"kit": {"kit"}, "cli": {"kit", "cli"}, "logtools": {"kit", "cli", "logtools"}}.get(
        folder, {"kit", folder}
    )


@pytest.mark.parametrize("folder", [*SHARED_GAME_FOLDERS, *_game_packages()])
def test_games_folders_import_one_way(folder: str) -> None:
    """Inside games/: logtools -> cli -> kit, and each game imports only the kit (never another game,
    the command line or the log tools)."""
    offenders = []
    for path, _name, _is_package in modules(f"games/{folder}"):
        for imported in imported_modules(path.read_text(encoding="utf-8")):
            parts = imported.split(".")
            if parts[0] == "games" and len(parts) > 1 and parts[1] not in _allowed_games_imports(folder):
                offenders.append(f"{path.relative_to(ROOT)} imports {imported}")
    assert offenders == []
