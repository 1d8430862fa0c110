"""Starting the command line stays cheap (docs/benchmarks.md, "Start-up"): a run imports its own command
and nothing of the others; an offline game imports neither the openai SDK nor the Redis client (imported
when a model call or a --redis run needs them), nor numpy, which the lemma dictionary is read without,
nor importlib.metadata (the log's versions are read from the installed packages' folder names). A quiet
offline game imports neither tenacity (no call failed, so none is retried), nor rich's progress bar
(none is drawn), nor importlib.resources (the built-in personas are read from their folder). It imports
structlog, the run's event logger, but not what structlog would import for its development console
(rich's traceback and pretty-printer, pygments): main.py imports structlog with rich hidden. rich's
console, which prints the outcome line, is still imported and works."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import main
from tests.support.cli import ROOT, clean_env

HEAVY = ("openai", "redis", "httpx2", "pydantic", "numpy", "lemminflect", "importlib.metadata")
# What a quiet offline game retries and draws nothing with.
QUIET = ("tenacity", "rich.progress", "importlib.resources", "rich.traceback", "rich.pretty", "pygments")
# What a game by the default rules, from the deck, has no use for: clembench's rule set and instances.
NOT_CLEMBENCH = (
    "games.taboo.rulesets.clembench",
    "games.taboo.clembench.instances",
    "games.taboo.clembench.checks",
)
TOOLS = (
    "games.logtools",
    "games.cli.evals",
    "games.cli.distributed.worker",
    "games.cli.import_command",
    "games.cli.personas_command",
    "games.taboo.clembench.importer",
)

# Run in a new interpreter, so that nothing this test process imported counts.
PROBE = """
import json, sys
import main
after_import = sorted(sys.modules)
code = main.main(["taboo", "--quiet", "--seed", "1", "--log", sys.argv[1]])
print(json.dumps({"code": code, "import": after_import, "game": sorted(sys.modules)}))
"""


def _imported(tmp_path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "game.jsonl")],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "game.jsonl").stat().st_size > 0
    return json.loads(done.stdout.strip().splitlines()[-1])


def _under(modules: object, prefixes: tuple[str, ...]) -> list[str]:
    assert isinstance(modules, list)
    return [name for name in modules if any(name == p or name.startswith(p + ".") for p in prefixes)]


def test_an_offline_game_imports_its_own_command_only(tmp_path: Path) -> None:
    seen = _imported(tmp_path)
    assert seen["code"] == 0
    other_games = tuple(
        f"games.{name.replace('-', '_')}"
        for name in main.commands_before_install()
        if name not in main.TOOL_COMMANDS and name != "taboo"
    )
    assert other_games  # the check below means something only with other games to leave out
    for moment in ("import", "game"):
        assert _under(seen[moment], HEAVY) == [], moment
        assert _under(seen[moment], QUIET) == [], moment
        assert _under(seen[moment], TOOLS) == [], moment
        assert _under(seen[moment], NOT_CLEMBENCH) == [], moment
        assert _under(seen[moment], other_games) == [], moment
    assert _under(seen["import"], ("games.taboo", "agents.gateway")) == []  # main.py alone: no command yet


def test_rich_hidden_from_structlog_stays_importable_for_the_terminal() -> None:
    probe = (
        "import main, sys, structlog.dev\n"
        "assert 'rich' not in sys.modules and structlog.dev.rich is None\n"
        "from rich.console import Console\n"
        "import rich\n"
        "print(rich.__name__, Console.__name__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=clean_env(), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["rich", "Console"]
