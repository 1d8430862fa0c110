"""Reading run logs back: streamed line by line (constant memory), checked as they are read.

Every line must be a JSON object with the line's envelope: `v` (an integer, not newer than this program's
SCHEMA_VERSION, the same on every line), `seq` (0, 1, 2, ... without gaps or repeats), `event` (a string),
`run_id`, and `game_id`/`agent` strings where present. A line that is not is an error naming the file, the
line and what is wrong; with `lenient=True` it is skipped and counted instead (and a `seq` that does not run
on is a warning), except a first line that is not `run_started` and a newer `v`, which are always errors.
A truncated last line (a crash mid-write) ends the stream: the run was cut short, said in a warning.

`typed` reads one field of an event with the type its reader needs, naming the line where it is not.
`follow_events` reads a log that a running program is still writing, like `tail -f`, until `run_ended`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from runtime.log import SCHEMA_VERSION

FOLLOW_POLL_S = 0.1
FOLLOW_APPEAR_S = 60.0  # how long a followed log that does not exist yet is waited for
_CHUNK = 1 << 16
SHOWN_LINES = 10


class LogFileError(Exception):
    """The file cannot be read as a run log; the message names the file and, where known, the line."""


@dataclass
class ReadReport:
    """What reading noticed, and where it is: the line of the event read last (`where()`), skipped
    corrupt lines and `seq` faults (lenient mode), a truncated last line (the run was cut short)."""

    label: str = ""
    lines: int = 0
    line: int = 0
    skipped: list[int] = field(default_factory=list)
    seq_faults: list[str] = field(default_factory=list)
    truncated_line: int | None = None
    version: int | None = None
    next_seq: int = 0

    @property
    def cut_short(self) -> bool:
        """True when the last line was incomplete: the run was killed while writing it."""
        return self.truncated_line is not None

    def where(self) -> str:
        """`FILE: line N` of the event read last."""
        return f"{self.label}: line {self.line}"

    @property
    def warnings(self) -> list[str]:
        notes = []
        if self.truncated_line is not None:
            notes.append(
                f"the run was cut short: its last line ({self.truncated_line}) is incomplete "
                "(killed mid-write) and was ignored"
            )
        if self.skipped:
            notes.append(f"skipped {len(self.skipped)} corrupt line(s): {_some(self.skipped)}")
        if self.seq_faults:
            notes.append(f"seq does not run 0, 1, 2, ... : {_some(self.seq_faults)}")
        return notes


def _some(items: list[Any]) -> str:
    shown = ", ".join(str(item) for item in items[:SHOWN_LINES])
    more = f" and {len(items) - SHOWN_LINES} more" if len(items) > SHOWN_LINES else ""
    return shown + more


def read_events(
    path: str | Path, *, lenient: bool = False, report: ReadReport | None = None
) -> Iterator[dict[str, Any]]:
    """Yield every event of the run log at `path`, in order. Raises LogFileError (see module doc)."""
    report = report if report is not None else ReadReport()
    label = report.label = str(path)
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
            checked = _checked(label, last_number, record, lenient, report)
            if checked is not None:
                yield checked
        else:
            yield from _parse(label, last_number, last_raw, lenient, report)
    except OSError as exc:
        raise LogFileError(f"{label}: cannot read the file: {exc.strerror or exc}") from None
    finally:
        handle.close()


async def follow_events(
    path: str | Path,
    *,
    lenient: bool = False,
    report: ReadReport | None = None,
    poll_s: float = FOLLOW_POLL_S,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    appear_s: float = FOLLOW_APPEAR_S,
) -> AsyncIterator[dict[str, Any]]:
    """Yield the events of a log as they are written, ending after `run_ended` (never, if no run_ended
    comes: stop iterating to give up). A line is read once its newline is there. A log that does not
    exist yet (a run about to start) is waited for, up to `appear_s` seconds: LogFileError after that.

    A file has no portable "it grew" event to wait on, so this polls for growth every `poll_s`.
    """
    report = report if report is not None else ReadReport()
    label = report.label = str(path)
    waited = 0.0
    while True:
        try:
            # A local file read in 64 KiB chunks: blocking, but briefly. Closed in the finally below.
            handle = open(path, "rb")  # noqa: ASYNC230, SIM115
            break
        except FileNotFoundError:
            if waited >= appear_s:
                raise LogFileError(f"{label}: no such file (waited {appear_s:g} s for it)") from None
        except OSError as exc:
            raise LogFileError(f"{label}: cannot read the file: {exc.strerror or exc}") from None
        await sleep(poll_s)
        waited += poll_s
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
    if not raw or raw.isspace():  # as `not raw.strip()`, without copying the line
        return
    try:
        record = orjson.loads(raw)
    except orjson.JSONDecodeError:
        if number == 1:
            raise LogFileError(f"{label}: line 1 is not JSON: not a run log") from None
        if lenient:
            _skip(number, report)
            return
        raise LogFileError(f"{label}: line {number} is not valid JSON (use --lenient to skip it)") from None
    checked = _checked(label, number, record, lenient, report)
    if checked is not None:
        yield checked


def _skip(number: int, report: ReadReport) -> None:
    report.skipped.append(number)
    report.next_seq += 1  # the skipped line held one seq, most likely


def _checked(
    label: str, number: int, record: Any, lenient: bool, report: ReadReport
) -> dict[str, Any] | None:
    """The record, once its envelope is right; None for a line lenient mode skips."""
    if not isinstance(record, dict) or "event" not in record or "v" not in record:
        problem = "is not a run log event (no 'event' or 'v' field)"
    else:
        problem = _envelope_problem(record, report)
    if problem is not None:
        where = f"{label}: line {number}"
        newer = problem.startswith("uses log schema")
        if lenient and number > 1 and not newer:
            _skip(number, report)
            return None
        if number == 1 and not newer:
            raise LogFileError(f"{where} {problem}: not a run log")
        hint = "" if newer else " (use --lenient to skip it)"
        raise LogFileError(f"{where} {problem}{hint}")
    if number == 1:
        if record["event"] != "run_started":
            raise LogFileError(
                f"{label}: the first line is {record['event']!r}, not run_started: not a run log"
            )
        report.version = record["v"]
    seq = record["seq"]
    if seq != report.next_seq:
        fault = f"line {number} has seq {seq}, expected {report.next_seq}"
        if not lenient:
            raise LogFileError(f"{label}: {fault}: seq must run 0, 1, 2, ... without gaps or repeats")
        report.seq_faults.append(fault)
    report.next_seq = seq + 1
    report.lines += 1
    report.line = number
    return record


def _envelope_problem(record: Mapping[str, Any], report: ReadReport) -> str | None:
    """What is wrong with a line's common fields, or None."""
    version = record["v"]
    if (  # the usual line, in one pass; any other is looked at field by field below
        type(version) is int
        and version == (report.version or version)
        and 1 <= version <= SCHEMA_VERSION
        and type(record["event"]) is str
        and record["event"]
        and type(record.get("seq")) is int
        and type(record.get("run_id", "")) is str
        and type(record.get("game_id", "")) is str
        and type(record.get("agent", "")) is str
    ):
        return None
    if not _is_int(version) or version < 1:
        return f"has v {_shown(version)}, not a schema version (a whole number from 1)"
    if version > SCHEMA_VERSION:
        return f"uses log schema v{version}; this version reads up to v{SCHEMA_VERSION}"
    if report.version is not None and version != report.version:
        return f"has v {version}, but line 1 has v {report.version} (one log, one schema version)"
    if not isinstance(record["event"], str) or not record["event"]:
        return f"has event {_shown(record['event'])}, not an event name"
    if not _is_int(record.get("seq")):
        return f"has seq {_shown(record.get('seq'))}, not a whole number"
    for name in ("run_id", "game_id", "agent"):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            return f"has {name} {_shown(value)}, not a string"
    return None


# -- reading one field ---------------------------------------------------------------------------

_KIND_NAMES = {
    str: "a string",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "an object",
    type(None): "null",
}


def typed(
    record: Mapping[str, Any],
    name: str,
    kinds: type | tuple[type, ...],
    where: str,
    *,
    required: bool = False,
    within: str | None = None,
) -> Any:
    """`record[name]` when it is one of `kinds` (or absent/null, unless `required`); else LogFileError
    naming `where` (`FILE: line N`), what holds the field (`within`, by default the record's event) and
    the field. `int` is a whole number (not true or false), `float` any number."""
    holder = within if within is not None else str(record.get("event"))
    value = record.get(name)
    if value is None:
        if required:
            raise LogFileError(f"{where}: {holder} has no {name!r}")
        return None
    if _fits(value, kinds):
        return value
    allowed = kinds if isinstance(kinds, tuple) else (kinds,)
    wanted = " or ".join(_KIND_NAMES.get(kind, kind.__name__) for kind in allowed)
    raise LogFileError(f"{where}: {holder}'s field {name!r} is {_shown(value)}, expected {wanted}")


def check_fields(
    record: Mapping[str, Any],
    kinds_by_name: Mapping[str, type | tuple[type, ...]],
    where: str,
    *,
    within: str | None = None,
) -> None:
    """Each field of `kinds_by_name` that `record` has must be one of its kinds (null only where
    `type(None)` is among them); LogFileError naming `where`, the event and the field otherwise."""
    for name, kinds in kinds_by_name.items():
        if name in record and not _fits(record[name], kinds):
            if record[name] is None:
                holder = within if within is not None else str(record.get("event"))
                raise LogFileError(f"{where}: {holder}'s field {name!r} is null")
            typed(record, name, kinds, where, within=within)


def _fits(value: Any, kinds: type | tuple[type, ...]) -> bool:
    allowed = kinds if isinstance(kinds, tuple) else (kinds,)
    for kind in allowed:
        if kind is int and _is_int(value):
            return True
        if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
            return True
        if kind not in (int, float) and isinstance(value, kind):
            return True
    return False


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _shown(value: Any) -> str:
    """A short view of a wrong value: its JSON type and the start of its text."""
    kind = {
        str: "string",
        bool: "boolean",
        int: "number",
        float: "number",
        list: "a list",
        dict: "an object",
        type(None): "null",
    }.get(type(value), type(value).__name__)
    text = orjson.dumps(value, default=str).decode()
    text = text if len(text) <= 40 else text[:37] + "..."
    return text if kind in ("string", "number", "boolean", "null") else f"{kind} {text}"


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
