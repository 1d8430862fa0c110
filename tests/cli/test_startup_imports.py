"""Starting the command line stays cheap: building every command's flags and playing an offline game
import neither the openai SDK nor the Redis client, which are imported when a model call or a --redis
run needs them, nor numpy, which the lemma dictionary is read without (docs/benchmarks.md, "Start-up")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.cli import ROOT, clean_env

HEAVY = ("openai", "redis", "httpx2", "pydantic", "numpy", "lemminflect")

# Run in a new interpreter, so that nothing this test process imported counts.
PROBE = """
import json, sys
import main
after_import = sorted(name for name in {heavy} if name in sys.modules)
code = main.main(["taboo", "--quiet", "--seed", "1", "--log", sys.argv[1]])
after_game = sorted(name for name in {heavy} if name in sys.modules)
print(json.dumps({{"code": code, "import": after_import, "game": after_game}}))
"""


def test_an_offline_game_imports_neither_openai_nor_redis_nor_numpy(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), str(tmp_path / "game.jsonl")],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"code": 0, "import": [], "game": []}
    assert (tmp_path / "game.jsonl").stat().st_size > 0
