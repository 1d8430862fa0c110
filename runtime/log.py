"""The run log: one JSON object per line, one file per run, written and flushed as the run goes.

A run's events reach it through `RunLog.events`, an EventLog (runtime/events.py) whose own processors
stamp each line with `v`, `ts`, `seq` and `run_id`, then encode it, redact secrets and write it; the
run hands it to the runtime, the gateway and the game. structlog's global configuration plays no part.
docs/log-format.md describes the schema.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import secrets as _random
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

import orjson

from runtime.clock import Clock, SystemClock
from runtime.errors import LogWriteError, RunLogError
from runtime.events import PENDING, EventLog, event_log

SCHEMA_VERSION = 2
COMMON_FIELDS = ("v", "ts", "seq", "run_id")  # every line's first fields, in this order, then `event`
REDACTED = "[redacted]"


def new_run_id(clock: Clock | None = None) -> str:
    """A run id that sorts by start time: `20261127T153508-3f9a1c`."""
    when = (clock or SystemClock()).now()
    return f"{when:%Y%m%dT%H%M%S}-{_random.token_hex(3)}"


class RunLog:
    """One run's JSON Lines file.

    `start()` writes `run_started`, `end()` writes `run_ended`; leaving the `with` block without
    `end()` writes `run_ended` with status `interrupted` (Ctrl-C, cancellation) or `error`.
    `events` is the run's root EventLog: every event logged through it (or a logger bound from it)
    while the file is open becomes one line. Any string in `secrets` is replaced by "[redacted]" wherever
    it would appear. Each `listener` is called with every record once it is written (the live transcript
    is one).

    A write is whole or absent: when the file refuses bytes (a full disk), it is cut back to its last
    complete line and LogWriteError is raised, then again on every later write; leaving the `with` block
    normally raises it too. `open_file` opens the path as an unbuffered binary file (tests inject one).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        run_id: str | None = None,
        clock: Clock | None = None,
        secrets: Iterable[str] = (),
        listeners: Iterable[Callable[[dict[str, Any]], None]] = (),
        open_file: Callable[[Path], BinaryIO] | None = None,
    ) -> None:
        self.path = Path(path)
        self.clock = clock or SystemClock()
        self.run_id = run_id or new_run_id(self.clock)
        self._secrets = _secret_forms(secrets)
        self._listeners = tuple(listeners)
        self._open_file = open_file or _open_unbuffered
        self._file: BinaryIO | None = None
        self._written = 0  # bytes of complete lines in the file
        self._error: LogWriteError | None = None
        self._seq = 0
        self._started_at = 0.0
        self._ended = False
        self.events: EventLog = event_log([self._stamp_and_write], leading=COMMON_FIELDS)

    # -- lifecycle -------------------------------------------------------------------------------

    def __enter__(self) -> RunLog:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self._open_file(self.path)
        except OSError as exc:
            raise RunLogError(f"cannot write the run log {self.path}: {exc.strerror or exc}") from None
        self._started_at = self.clock.monotonic()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._ended and self._file is not None and self._error is None:
                if exc_type is None:
                    self.end("ok")
                elif issubclass(exc_type, KeyboardInterrupt | asyncio.CancelledError):
                    self.end("interrupted", reason="interrupted")
                else:
                    self.end("error", reason=f"{exc_type.__name__}: {exc}")
        except LogWriteError:
            pass  # remembered in self._error; raised below unless another exception is leaving
        finally:
            if self._file is not None:
                file, self._file = self._file, None
                with contextlib.suppress(OSError):
                    file.close()
        if self._error is not None and exc_type is None:
            raise self._failed()

    @property
    def error(self) -> LogWriteError | None:
        """Why the log could not be written, once a write has failed; None while it is healthy."""
        return self._error

    @property
    def seq(self) -> int:
        """How many lines have been written."""
        return self._seq

    def start(self, command: str, config: Mapping[str, Any], **fields: Any) -> None:
        """Write `run_started`, the first line: the command and the run's configuration."""
        self.write("run_started", {"command": command, "config": dict(config), **fields})

    def end(self, status: str, *, reason: str | None = None, **fields: Any) -> None:
        """Write `run_ended`, the last line; later events are dropped."""
        if self._ended:
            return
        duration_ms = round((self.clock.monotonic() - self._started_at) * 1000, 3)
        record: dict[str, Any] = {"status": status, "duration_ms": duration_ms}
        if reason is not None:
            record["reason"] = reason
        self.write("run_ended", {**record, **fields})
        self._ended = True

    # -- writing ---------------------------------------------------------------------------------

    def write(self, event: str, fields: Mapping[str, Any]) -> None:
        """Write one event line and flush it, so that a crash leaves a readable prefix."""
        self._stamp_and_write(None, "info", {**fields, "event": event})

    def relay(self, records: Iterable[Mapping[str, Any]]) -> None:
        """Write events recorded in another process (a worker's game), all in one write: each stamped
        with this log's `seq` and `run_id`, keeping the `ts` it was recorded at. Whole or absent, as one
        line is."""
        if self._error is not None:
            raise self._failed()
        if self._file is None or self._ended:
            return
        lines: list[bytes] = []
        shown: list[dict[str, Any]] = []
        run_id, seq = self.run_id, self._seq
        for record in records:
            stamped = {"v": SCHEMA_VERSION, "ts": None, "seq": seq, "run_id": run_id, "event": None}
            stamped.update(record)
            # A recorded event has `ts` and `event` and none of the other common fields; any other: set
            # them again (a field named like one cannot replace it).
            if len(stamped) != len(record) + 3 or "ts" not in record or "event" not in record:
                stamped.update(v=SCHEMA_VERSION, seq=seq, run_id=run_id)
            if stamped["ts"] is None:
                stamped["ts"] = self.clock.timestamp()
            line, seen = self._encoded(stamped)
            lines.append(line)
            shown.append(seen)
            seq += 1
        if not lines:
            return
        self._write_line(b"".join(lines))
        self._seq += len(lines)
        for record in shown:
            for listener in self._listeners:
                listener(record)

    def relay_encoded(
        self, lines: Sequence[tuple[str, bytes]], shown: Iterable[Mapping[str, Any]] | None = None
    ) -> None:
        """Like `relay`, for events another process encoded already: each `(ts, tail)`, the tail being
        the event's JSON object from its `event` member on (`"event":...}`, no newline), so that nothing
        is decoded or encoded again. The listeners get `shown` (what they need of these events),
        or with None every event decoded."""
        if self._error is not None:
            raise self._failed()
        if self._file is None or self._ended or not lines:
            return
        start = b'{"v":%d,"ts":' % SCHEMA_VERSION
        run_id = b',"run_id":' + orjson.dumps(self.run_id) + b","
        parts: list[bytes] = []
        for seq, (ts, tail) in enumerate(lines, self._seq):
            parts += (start, orjson.dumps(ts), b',"seq":%d' % seq, run_id, tail, b"\n")
        blob = b"".join(parts)
        redacted = False
        for secret in self._secrets:
            if secret in blob:
                blob = blob.replace(secret, REDACTED.encode())
                redacted = True
        if shown is None:
            shown = [orjson.loads(line) for line in blob.split(b"\n")[:-1]]
        elif redacted:  # what the listeners see holds no secret either
            shown = [self._encoded(dict(record))[1] for record in shown]
        self._write_line(blob)
        self._seq += len(lines)
        for record in shown:
            for listener in self._listeners:
                listener(record)  # type: ignore[arg-type]

    # The processor of `events`: every event of a run, every message of a logged one, passes here.

    def _stamp_and_write(self, _logger: object, _method: str, event_dict: MutableMapping[str, Any]) -> str:
        """Fill in the line's common fields, first in the line (an event field of the same name cannot
        replace them), then encode, redact, write and flush it, and show it to the listeners."""
        if self._error is not None:
            raise self._failed()
        if self._file is None or self._ended:
            return ""
        if event_dict.get("v") is PENDING:  # `events` put the common fields first: filled in place
            record = event_dict
        else:  # a dict of structlog's own methods, or of write()
            record = {"v": None, "ts": None, "seq": None, "run_id": None, "event": None}
            record.update(event_dict)  # `event` keeps its place, the other fields their order
        seq = self._seq
        record["v"] = SCHEMA_VERSION
        record["ts"] = self.clock.timestamp()
        record["seq"] = seq
        record["run_id"] = self.run_id
        line, shown = self._encoded(record)
        self._write_line(line)
        self._seq = seq + 1
        for listener in self._listeners:
            listener(shown)
        return ""

    def _encoded(self, record: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
        """The record's line with the secrets redacted, and the record as listeners see it: what the
        file holds (the live transcript never shows a secret)."""
        # One JSON line, UTF-8. orjson is ~10x faster than json here; json writes what orjson refuses.
        try:
            line = orjson.dumps(record, default=plain, option=orjson.OPT_APPEND_NEWLINE)
        except orjson.JSONEncodeError:
            line = encode_with_json(record)
        redacted = False
        for secret in self._secrets:
            if secret in line:
                line = line.replace(secret, REDACTED.encode())
                redacted = True
        return line, orjson.loads(line) if redacted else record

    def _write_line(self, line: bytes) -> None:
        """Write all of `line` (a raw write may take fewer bytes than given). If the file refuses bytes,
        cut it back to its last complete line and raise LogWriteError; nothing more is written."""
        assert self._file is not None
        try:
            count = self._file.write(line)  # usually the whole line at once
            if count != len(line):
                view = memoryview(line)
                while True:
                    if not count:  # None (would block) or 0: the file takes nothing more
                        raise OSError(errno.EIO, "the file accepted no more bytes")
                    view = view[count:]
                    if not view:
                        break
                    count = self._file.write(view)
        except OSError as exc:
            self._cut_back()
            self._error = LogWriteError(self.path, exc.strerror or str(exc))
            raise self._failed() from None
        except BaseException:  # Ctrl-C between two partial writes: take the half line back
            if not self._cut_back():
                self._error = LogWriteError(self.path, "a line was cut short and could not be taken back")
            raise
        self._written += len(line)

    def _cut_back(self) -> bool:
        """Truncate the file to its last complete line; False if the file cannot be cut (a pipe)."""
        assert self._file is not None
        try:
            self._file.truncate(self._written)
            self._file.seek(self._written)
        except (OSError, ValueError):
            return False
        return True

    def _failed(self) -> LogWriteError:
        """A fresh copy of the write error, so that each raise has its own traceback."""
        assert self._error is not None
        return LogWriteError(self._error.path, self._error.reason)


def _open_unbuffered(path: Path) -> BinaryIO:
    # Unbuffered: each line goes to the file as it is written, so a crash leaves whole lines behind.
    return path.open("wb", buffering=0)


def _secret_forms(secrets: Iterable[str]) -> tuple[bytes, ...]:
    """Each secret as it would appear in a line: JSON-escaped as orjson writes it (UTF-8) and as the
    json fallback writes it (ASCII, non-ASCII as \\u escapes); longest first."""
    forms: set[bytes] = set()
    for secret in secrets:
        if not secret:
            continue
        forms.add(json.dumps(secret, ensure_ascii=True)[1:-1].encode())
        try:
            forms.add(orjson.dumps(secret)[1:-1])
        except orjson.JSONEncodeError:  # a lone surrogate: only the fallback can write it
            pass
    return tuple(sorted(forms, key=len, reverse=True))


def plain(value: object) -> object:
    """JSON for values json does not know: sets as lists, everything else as its text."""
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if isinstance(value, BaseException):
        return f"{type(value).__name__}: {value}"
    return str(value)


def encode_with_json(record: Mapping[str, Any]) -> bytes:
    """One JSON line, ASCII, for what orjson refuses (lone surrogates, integers beyond 64 bits)."""
    text = json.dumps(record, ensure_ascii=True, separators=(",", ":"), default=plain)
    return f"{text}\n".encode()
