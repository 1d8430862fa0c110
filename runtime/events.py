"""A run's events: an explicit structlog logger owned by the run, never structlog's global configuration.

An `EventLog` is a structlog bound logger built by `event_log()` with its own processors, so call sites
read as usual (`events.info("message_sent", sender=...)`, `events.bind(game_id=...)`) while no host
application's `structlog.configure()` can change, drop or redirect what a run records. The run log's
root is `RunLog.events`; the runtime binds `agent` for each agent (`AgentContext.events`), a game binds
`game_id`. `NULL_EVENTS` drops everything (a library run without a log); `capture_events()` keeps a
run's events in a list, for tests.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, MutableMapping
from typing import Any

import structlog
from structlog.typing import FilteringBoundLogger, Processor

EventLog = FilteringBoundLogger
"""A run's events: `info/warning/error(event, **fields)` and `bind(**fields)`, as structlog's."""


def event_log(processors: Iterable[Processor], *, level: int = logging.INFO) -> EventLog:
    """A bound logger whose events go through `processors` only; events below `level` cost a call.
    The last processor consumes the event (writes it) and returns a string, which is discarded."""
    proxy = structlog.wrap_logger(
        structlog.ReturnLogger(),
        processors=list(processors),
        wrapper_class=structlog.make_filtering_bound_logger(level),
        context_class=dict,
        cache_logger_on_first_use=True,
    )
    # bind() builds the concrete logger once: later calls skip the lazy proxy (and its per-call bind)
    bound: EventLog = proxy.bind()
    return bound


def _drop(_logger: object, _method: str, _event_dict: MutableMapping[str, Any]) -> str:
    raise structlog.DropEvent


NULL_EVENTS: EventLog = event_log([_drop])
"""Events that go nowhere: the default for a Runtime, a game or a model call used without a run log."""


def capture_events() -> tuple[EventLog, list[dict[str, Any]]]:
    """An EventLog that keeps each event as a dict (its bound fields, `event` and `log_level`), and that
    list: tests hand the first to a run and assert on the second."""
    captured: list[dict[str, Any]] = []

    def keep(_logger: object, method: str, event_dict: MutableMapping[str, Any]) -> str:
        captured.append({**event_dict, "log_level": _level_name(method)})
        return ""

    return event_log([keep], level=logging.DEBUG), captured


def _level_name(method: str) -> str:
    """structlog's name for the level of `method` (`warn` is `warning`, `exception` is `error`)."""
    return {"warn": "warning", "exception": "error", "fatal": "critical"}.get(method, method)
