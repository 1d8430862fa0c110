"""Reading run logs back: streamed line by line (constant memory), checked as they are read.

A truncated last line (a crash mid-write) ends the stream with a warning; a corrupt line elsewhere is
an error naming the line, or is skipped and counted with `lenient=True`. A log from a newer schema, an
empty file and a file that is not a run log are errors with one clear line.

`follow_events` reads a log that a running program is still writing, like `tail -f`, until `run_ended`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from runtime.log import SCHEMA_VERSION

FOLLOW_POLL_S = 0.1
_CHUNK = 1 << 16


class LogFileError(Exception):
    """The file cannot be read as a run log; the message names the file and, where known, the line."""


@dataclass
class ReadReport:
    """What reading noticed: skipped corrupt lines (lenient mode) and a truncated last line."""

    lines: int = 0
    skipped: list[int] = field(default_factory=list)
    truncated_line: int | None = None

    @property
    def warnings(self) -> list[str]:
        notes = []
        if self.truncated_line is not None:
            notes.append(f"line {self.truncated_line} is cut short (the run was killed mid-write); ignored")
        if self.skipped:
            shown = ", ".join(str(n) for n in self.skipped[:10])
            more = f" and {len(self.skipped) - 10} more" if len(self.skipped) > 10 else ""
            notes.append(f"skipped {len(self.skipped)} corrupt line(s): {shown}{more}")
        return notes


def read_events(
    path: str | Path, *, lenient: bool = False, report: ReadReport | None = None
) -> Iterator[dict[str, Any]]:
    """Yield every event of the run log at `path`, in order. Raises LogFileError (see module doc)."""
    report = report if report is not None else ReadReport()
    label = str(path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed in the finally below, also when the caller stops early
    except OSError as exc:
        raise LogFileError(f"{label}: cannot read the file: {exc.strerror or exc}") from None
    try:
        pending: tuple[int, bytes] | None = None
        number = 0
        for number, raw in enumerate(handle, start=1):
            if pending is not None:
                yield from _parse(label, *pending, lenient, report)
            pending = (number, raw)
        if pending is None:
            raise LogFileError(f"{label}: the file is empty, not a run log")
        last_number, last_raw = pending
        if not last_raw.endswith(b"\n"):
            try:
                record = orjson.loads(last_raw)
            except orjson.JSONDecodeError:
                if last_number == 1:
                    raise LogFileError(f"{label}: line 1 is not JSON: not a run log") from None
                report.truncated_line = last_number
                return
            yield _checked(label, last_number, record, report)
        else:
            yield from _parse(label, last_number, last_raw, lenient, report)
    finally:
        handle.close()


async def follow_events(
    path: str | Path,
    *,
    lenient: bool = False,
    report: ReadReport | None = None,
    poll_s: float = FOLLOW_POLL_S,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> AsyncIterator[dict[str, Any]]:
    """Yield the events of a log as they are written, ending after `run_ended` (never, if no run_ended
    comes: stop iterating to give up). A line is read once its newline is there.

    A file has no portable "it grew" event to wait on, so this polls for growth every `poll_s`.
    """
    report = report if report is not None else ReadReport()
    label = str(path)
    try:
        # A local file read in 64 KiB chunks: blocking, but briefly. Closed in the finally below.
        handle = open(path, "rb")  # noqa: ASYNC230, SIM115
    except OSError as exc:
        raise LogFileError(f"{label}: cannot read the file: {exc.strerror or exc}") from None
    try:
        pending = b""
        number = 0
        while True:
            chunk = handle.read(_CHUNK)
            if not chunk:
                await sleep(poll_s)
                continue
            lines = (pending + chunk).split(b"\n")
            pending = lines.pop()
            for raw in lines:
                number += 1
                for record in _parse(label, number, raw, lenient, report):
                    yield record
                    if record["event"] == "run_ended":
                        return
    finally:
        handle.close()


def _parse(
    label: str, number: int, raw: bytes, lenient: bool, report: ReadReport
) -> Iterator[dict[str, Any]]:
    if not raw.strip():
        return
    try:
        record = orjson.loads(raw)
    except orjson.JSONDecodeError:
        if number == 1:
            raise LogFileError(f"{label}: line 1 is not JSON: not a run log") from None
        if lenient:
            report.skipped.append(number)
            return
        raise LogFileError(f"{label}: line {number} is not valid JSON (use --lenient to skip it)") from None
    yield _checked(label, number, record, report)


def _checked(label: str, number: int, record: Any, report: ReadReport) -> dict[str, Any]:
    if not isinstance(record, dict) or "event" not in record or "v" not in record:
        raise LogFileError(f"{label}: line {number} is not a run log event (no 'event' or 'v' field)")
    version = record["v"]
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise LogFileError(
            f"{label}: line {number} uses log schema v{version}; this version reads up to v{SCHEMA_VERSION}"
        )
    if number == 1 and record["event"] != "run_started":
        raise LogFileError(f"{label}: the first line is {record['event']!r}, not run_started: not a run log")
    report.lines += 1
    return record


def run_config(path: str | Path) -> dict[str, Any]:
    """The `run_started` event of a log (its first line)."""
    for record in read_events(path):
        return record
    raise LogFileError(f"{path}: the file is empty, not a run log")


def ts_seconds(ts: object) -> float | None:
    """A line's `ts` as seconds since the epoch; None when it is missing or not ISO-8601."""
    if not isinstance(ts, str):
        return None
    try:
        return datetime.fromisoformat(ts).timestamp()
    except ValueError:
        return None
