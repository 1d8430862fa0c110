"""Models that need no API, behind the same ChatModel interface as the real one.

`OfflineModel` is where a game's built-in players plug in; `ScriptedModel` serves tests; `ReplayModel`
serves a recorded run's replies back and stops at the first request that differs from the record.
"""

from __future__ import annotations

import inspect
import json
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from typing import Any

from agents.chat import ChatReply, ChatRequest, Usage
from agents.conversation_log import rebuild_messages
from agents.errors import ReplayDiverged, ScriptExhausted

ScriptItem = str | ChatReply | BaseException
Responder = Callable[[ChatRequest], ScriptItem | Awaitable[ScriptItem]]
Policy = Callable[[ChatRequest], str | ChatReply | Awaitable[str | ChatReply]]
EXCERPT_CHARS = 60


def reply_for(request: ChatRequest, text: str, *, finish_reason: str | None = "stop") -> ChatReply:
    """A plain reply as a double would give it: the requested model's name, estimated usage."""
    return ChatReply(
        text=text,
        model=request.settings.model,
        usage=Usage.estimate(request, text),
        finish_reason=finish_reason,
    )


class OfflineModel:
    """Answers with `policy(request)` (sync or async), which reads `request.context`, not the prompt."""

    def __init__(self, policy: Policy, *, name: str = "offline") -> None:
        self.name = name
        self._policy = policy

    async def complete(self, request: ChatRequest) -> ChatReply:
        result = self._policy(request)
        if inspect.isawaitable(result):
            result = await result
        return result if isinstance(result, ChatReply) else reply_for(request, str(result))


class ScriptedModel:
    """Replies from a list, in order, or from a function of the request. Records every request.

    A script item may be text, a full ChatReply, or an exception instance to raise (for example a
    TransientModelError, to exercise the gateway's retries without a server).
    """

    name = "scripted"

    def __init__(self, script: Iterable[ScriptItem] | Responder) -> None:
        self.requests: list[ChatRequest] = []
        self._responder: Responder | None = None
        self._items: Iterator[ScriptItem] | None = None
        self._length: int | None = None
        if callable(script):
            self._responder = script
        else:
            items = list(script)
            self._length = len(items)
            self._items = iter(items)

    async def complete(self, request: ChatRequest) -> ChatReply:
        self.requests.append(request)
        item = await self._next(request)
        if isinstance(item, BaseException):
            raise item
        return item if isinstance(item, ChatReply) else reply_for(request, item)

    async def _next(self, request: ChatRequest) -> ScriptItem:
        if self._responder is not None:
            result = self._responder(request)
            return await result if inspect.isawaitable(result) else result
        assert self._items is not None
        try:
            return next(self._items)
        except StopIteration:
            raise ScriptExhausted(
                f"the scripted model ran out of replies: call {len(self.requests)} "
                f"(agent '{request.agent}', game {request.game_id!r}) but the script held {self._length}"
            ) from None


class ReplayModel:
    """Serves the replies of a run's `llm_call` events, keyed by (game_id, agent) and call order.

    Takes already-parsed event dicts, in the log's order (a v2 log's `messages` are rebuilt from the
    conversation's earlier calls; the llm_failed events may be given too). The request must match the
    recorded one (messages, model and the sampling settings when recorded); otherwise ReplayDiverged names
    the first differing field. With `check_requests=False` the replies are served in order whatever the
    requests say (the same replies judged under other rules, which ask in other words); a call past the
    recorded ones still raises ReplayDiverged. A `messages` item that refers to no recorded message is a
    LogFileError.
    """

    name = "replay"

    def __init__(self, events: Iterable[Mapping[str, Any]], *, check_requests: bool = True) -> None:
        self.check_requests = check_requests  # False: serve the replies in order whatever is asked
        self._recorded: dict[tuple[str | None, str], list[Mapping[str, Any]]] = defaultdict(list)
        for event in rebuild_messages(events):  # v2 logs record each message of a conversation once
            if event.get("event") == "llm_call":
                self._recorded[(event.get("game_id"), str(event.get("agent")))].append(event)
        self._served: dict[tuple[str | None, str], int] = defaultdict(int)

    def remaining(self) -> int:
        """Recorded calls not served yet, over all agents and games."""
        return sum(len(calls) - self._served[key] for key, calls in self._recorded.items())

    async def complete(self, request: ChatRequest) -> ChatReply:
        key = (request.game_id, request.agent)
        index = self._served[key]
        self._served[key] += 1
        recorded = self._recorded.get(key, [])
        where = f"agent '{request.agent}' in game {request.game_id!r}, call {index}"
        if index >= len(recorded):
            raise ReplayDiverged(
                f"replay diverged at {where}: the log recorded only {len(recorded)} calls for it",
                agent=request.agent,
                game_id=request.game_id,
                call_index=index,
                field=None,
            )
        event = recorded[index]
        if not self.check_requests:
            return _recorded_reply(event, request)
        difference = first_difference(_recorded_view(event), _request_view(request, event))
        if difference is not None:
            path, expected, got = difference
            shown_expected, shown_got = excerpts(expected, got)
            raise ReplayDiverged(
                f"replay diverged at {where}: {path} differs; expected {shown_expected}, got {shown_got}",
                agent=request.agent,
                game_id=request.game_id,
                call_index=index,
                field=path,
            )
        return _recorded_reply(event, request)


_MISSING = object()


def first_difference(expected: Any, got: Any, path: str = "") -> tuple[str, Any, Any] | None:
    """The first place two JSON-like values differ, as (path such as 'messages[2].content', expected, got)."""
    if isinstance(expected, Mapping) and isinstance(got, Mapping):
        keys = list(expected) + [key for key in got if key not in expected]
        for key in keys:
            where = f"{path}.{key}" if path else str(key)
            found = first_difference(expected.get(key, _MISSING), got.get(key, _MISSING), where)
            if found is not None:
                return found
        return None
    if isinstance(expected, list | tuple) and isinstance(got, list | tuple):
        for index in range(max(len(expected), len(got))):
            left = expected[index] if index < len(expected) else _MISSING
            right = got[index] if index < len(got) else _MISSING
            found = first_difference(left, right, f"{path}[{index}]")
            if found is not None:
                return found
        return None
    if _same_leaf(expected, got):
        return None
    return (path, expected, got)


def _same_leaf(expected: Any, got: Any) -> bool:
    if expected is _MISSING or got is _MISSING:
        return expected is got
    if _is_number(expected) and _is_number(got):
        return bool(expected == got)
    return type(expected) is type(got) and bool(expected == got)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def excerpts(expected: Any, got: Any) -> tuple[str, str]:
    """Short one-line views of two differing values; for strings, around the first differing character."""
    if isinstance(expected, str) and isinstance(got, str):
        at = next((i for i, (a, b) in enumerate(zip(expected, got, strict=False)) if a != b), None)
        at = min(len(expected), len(got)) if at is None else at
        start = max(0, at - EXCERPT_CHARS // 3)
        return _cut(expected, start), _cut(got, start)
    return _show(expected), _show(got)


def _cut(text: str, start: int) -> str:
    piece = text[start : start + EXCERPT_CHARS]
    prefix = "..." if start > 0 else ""
    suffix = "..." if start + EXCERPT_CHARS < len(text) else ""
    return prefix + repr(piece) + suffix


def _show(value: Any) -> str:
    if value is _MISSING:
        return "nothing"
    shown = json.dumps(value, ensure_ascii=False, default=str)
    return shown if len(shown) <= EXCERPT_CHARS else shown[: EXCERPT_CHARS - 3] + "..."


def _recorded_view(event: Mapping[str, Any]) -> dict[str, Any]:
    return {key: event[key] for key in ("messages", "model", "settings") if key in event}


def _request_view(request: ChatRequest, event: Mapping[str, Any]) -> dict[str, Any]:
    view = {
        "messages": request.wire_messages(),
        "model": request.settings.model,
        "settings": request.settings.request_params(),
    }
    return {key: value for key, value in view.items() if key in event}


def _recorded_reply(event: Mapping[str, Any], request: ChatRequest) -> ChatReply:
    text = str(event.get("response") or "")
    usage = event.get("usage")
    if isinstance(usage, Mapping):
        recorded_usage = Usage(
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            estimated=bool(usage.get("estimated", False)),
        )
    else:
        recorded_usage = Usage.estimate(request, text)
    return ChatReply(
        text=text,
        model=str(event.get("model") or request.settings.model),
        usage=recorded_usage,
        finish_reason=event.get("finish_reason"),
        refusal=event.get("refusal"),
        truncated=bool(event.get("truncated", False)),
    )
