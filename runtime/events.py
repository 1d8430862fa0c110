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


_DIRECT_METHODS = ("debug", "info", "warning", "error", "critical")
_RENDERED = (str, bytes, bytearray)  # what a last processor returns to be passed on whole
_FAST_CLASSES: dict[tuple[int, tuple[str, ...]], type[FilteringBoundLogger]] = {}


class _Pending:
    """The value of a leading field until a processor fills it in (see `event_log`)."""

    def __repr__(self) -> str:
        return "PENDING"


PENDING: Any = _Pending()


def _fast_class(level: int, leading: tuple[str, ...]) -> type[FilteringBoundLogger]:
    """structlog's filtering logger for `level`, its logging methods taking a shorter path: the same
    fields (bound ones, the call's, `event`, %-arguments applied as structlog applies them), the same
    processors, the same final call, in one dict built once instead of structlog's re-packings."""
    known = _FAST_CLASSES.get((level, leading))
    if known is not None:
        return known
    base = structlog.make_filtering_bound_logger(level)
    methods: dict[str, Any] = {}
    for name in _DIRECT_METHODS:
        if logging.getLevelName(name.upper()) >= level:
            methods[name] = _direct(name, leading)
    known = _FAST_CLASSES[(level, leading)] = type(f"Fast{base.__name__}", (base,), methods)
    return known


def _direct(name: str, leading: tuple[str, ...]) -> Any:
    template: dict[str, Any] | None = None
    if leading:
        template = dict.fromkeys(leading, PENDING)
        template["event"] = None  # its place: after the leading fields, before the others

    def method(self: Any, event: str, *args: Any, **kw: Any) -> Any:
        if args:
            event = event % args
        if template is None:
            event_dict: Any = {**self._context, **kw, "event": event}  # a copy of the context, as structlog's
        else:
            event_dict = {**template, **self._context, **kw}
            event_dict["event"] = event
        logger = self._logger
        try:
            for processor in self._processors:
                event_dict = processor(logger, name, event_dict)
        except structlog.DropEvent:
            return None
        if isinstance(event_dict, _RENDERED):  # what ReturnLogger, event_log()'s logger, would return
            return event_dict
        if isinstance(event_dict, tuple):
            return getattr(logger, name)(*event_dict[0], **event_dict[1])
        return getattr(logger, name)(**event_dict)

    method.__name__ = name
    return method


def event_log(
    processors: Iterable[Processor], *, level: int = logging.INFO, leading: tuple[str, ...] = ()
) -> EventLog:
    """A bound logger whose events go through `processors` only; events below `level` cost a call.
    The last processor consumes the event (writes it) and returns a string, which is discarded.

    `leading`: fields every event dict of the usual methods (`info`, `warning`...) starts with, in that
    order and before `event`, each PENDING, for a processor to fill in place (the run log's `v`, `ts`,
    `seq`, `run_id`): no second dict per event to put them first. A call's field of the same name
    replaces PENDING, keeping the place. structlog's other methods (`exception`, `log`, the async ones)
    pass their usual dict."""
    proxy = structlog.wrap_logger(
        structlog.ReturnLogger(),
        processors=list(processors),
        wrapper_class=_fast_class(level, tuple(leading)),
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
