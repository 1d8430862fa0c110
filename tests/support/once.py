"""A folder that an expensive fixture builds once per test session, whichever pytest-xdist worker asks
first: the others wait for it and reuse it. The tests that use such a folder only read it."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """The folder `name`, filled by `build(folder)` the first time any worker of this session asks for
    it. A build that fails leaves no folder behind, so the next asker builds it again (and fails alike)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the session's folder, above each worker's own
    folder, done = base / name, base / f"{name}.done"
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            folder.mkdir()
            try:
                build(folder)
            except BaseException:
                shutil.rmtree(folder)
                raise
            done.touch()
    return folder
