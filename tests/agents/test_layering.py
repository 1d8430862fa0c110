"""The agents package imports only downward: runtime and third-party code, never games or main."""

import ast
from pathlib import Path

AGENTS = Path(__file__).resolve().parents[2] / "agents"
FORBIDDEN = ("games", "main")


def test_agents_never_import_games_or_main():
    """No module in agents/ imports games or main."""
    offenders = []
    for path in sorted(AGENTS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.name}: {name}" for name in names if name.split(".")[0] in FORBIDDEN]

    assert offenders == []
