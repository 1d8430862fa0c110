"""A run's events: a small bound logger owned by the run, in structlog's shape, never a global configuration.

An `EventLog` is built by `event_log()` with its own processors, so call sites read as structlog's
(`events.info("message_sent", sender=...)`, `events.bind(game_id=...)`) while no host application's
logging or `structlog.configure()` can change, drop or redirect what a run records. Each processor is
called as structlog calls one, `processor(logger, method_name, event_dict)`, and passes the event dict
on; the last one consumes it (writes it). The run log's root is `RunLog.events`; the runtime binds
`agent` for each agent (`AgentContext.events`), a game binds `game_id`. `NULL_EVENTS` drops everything
(a library run without a log); `capture_events()` keeps a run's events in a list, for tests.

Not structlog's own bound logger: importing structlog imports its console renderer, and with it rich's
traceback module and pygments, which a run never uses (docs/benchmarks.md, "Start-up").
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any

Processor = Callable[[Any, str, MutableMapping[str, Any]], Any]
"""structlog's processor shape: `(logger, method_name, event_dict)`, returning the event dict passed on."""

_DEBUG, _INFO, _WARNING, _ERROR, _CRITICAL = (
    logging.DEBUG,
    logging.INFO,
    logging.WARNING,
    logging.ERROR,
    logging.CRITICAL,
)


class EventLog:
    """A run's events: `debug/info/warning/error/critical(event, **fields)` and `bind(**fields)`, as
    structlog's filtering bound logger. An event below the level costs a call and a comparison (and
    returns None); `event` with %-arguments is formatted as structlog formats it (`event % args`)."""

    __slots__ = ("_context", "_level", "_processors")

    def __init__(self, processors: tuple[Processor, ...], level: int, context: dict[str, Any]) -> None:
        self._processors = processors
        self._level = level
        self._context = context

    def bind(self, **fields: Any) -> EventLog:
        """The same log with `fields` added to every event (a new logger; this one is unchanged)."""
        return EventLog(self._processors, self._level, {**self._context, **fields})

    def debug(self, event: str, *args: Any, **fields: Any) -> Any:
        if self._level <= _DEBUG:
            return self._emit("debug", event, args, fields)
        return None

    def info(self, event: str, *args: Any, **fields: Any) -> Any:
        if self._level <= _INFO:
            return self._emit("info", event, args, fields)
        return None

    def warning(self, event: str, *args: Any, **fields: Any) -> Any:
        if self._level <= _WARNING:
            return self._emit("warning", event, args, fields)
        return None

    def error(self, event: str, *args: Any, **fields: Any) -> Any:
        if self._level <= _ERROR:
            return self._emit("error", event, args, fields)
        return None

    def critical(self, event: str, *args: Any, **fields: Any) -> Any:
        if self._level <= _CRITICAL:
            return self._emit("critical", event, args, fields)
        return None

    def _emit(self, method: str, event: str, args: tuple[Any, ...], fields: dict[str, Any]) -> Any:
        # The bound fields, the call's fields, then `event`: the order structlog gives the event dict.
        event_dict: Any = {**self._context, **fields, "event": event % args if args else event}
        for processor in self._processors:
            event_dict = processor(self, method, event_dict)
        return event_dict  # what the last processor rendered, as structlog's ReturnLogger returns it


def event_log(processors: Iterable[Processor], *, level: int = logging.INFO) -> EventLog:
    """An event log whose events go through `processors` only; events below `level` cost a call.
    The last processor consumes the event (writes it); what it returns, the rendered event, is what the
    logging call returns."""
    return EventLog(tuple(processors), level, {})


NULL_EVENTS: EventLog = event_log([], level=logging.CRITICAL + 1)
"""Events that go nowhere: the default for a Runtime, a game or a model call used without a run log."""


def capture_events() -> tuple[EventLog, list[dict[str, Any]]]:
    """An EventLog that keeps each event as a dict (its bound fields, `event` and `log_level`), and that
    list: tests hand the first to a run and assert on the second."""
    captured: list[dict[str, Any]] = []

    def keep(_logger: object, method: str, event_dict: MutableMapping[str, Any]) -> str:
        captured.append({**event_dict, "log_level": method})
        return ""

    return event_log([keep], level=logging.DEBUG), captured
