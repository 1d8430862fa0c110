"""Output files named on the command line are checked before any work starts, so a typo in a path never
costs a finished run its results."""

from __future__ import annotations

import os
from pathlib import Path

from games.kit.exits import UsageError


def check_writable(flag: str, out: str) -> None:
    """Refuse (UsageError, one line naming the flag) a path that is a folder, lies in a missing folder, or
    cannot be written; the last is tried for real, since a file system can refuse what permissions allow
    (read-only mounts, /proc)."""
    path = Path(out)
    if path.is_dir():
        raise UsageError(f"{flag} {out}: is a folder; name the file")
    folder = path.resolve().parent
    if not folder.is_dir():
        raise UsageError(f"{flag} {out}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"{flag} {out}: cannot write there (permission denied)")
    probe = path.with_name(path.name + ".partial")  # where whole-file writes put the file first
    try:
        probe.open("w").close()
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"{flag} {out}: cannot write there ({exc.strerror or exc})") from None
