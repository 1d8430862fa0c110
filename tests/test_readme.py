"""The README's library example runs exactly as printed."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_example_runs_as_printed(tmp_path: Path) -> None:
    """The two-agent example in the README ends stopped and leaves a valid run log."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.findall(r"```python\n(.*?)```", readme, re.S)[0]
    script = tmp_path / "example.py"
    script.write_text(example, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "stopped pong reached 10"
    lines = [json.loads(line) for line in (tmp_path / "runs" / "counting.jsonl").read_text().splitlines()]
    assert lines[0]["event"] == "run_started" and lines[-1]["event"] == "run_ended"
    assert [line["seq"] for line in lines] == list(range(len(lines)))
    assert sum(line["event"] == "message_sent" for line in lines) == 10
