"""The one way agents reach a model: limits, retries, truncation, accounting and the llm_* log events.

Every model (real, offline, scripted, replayed) goes through `Gateway.complete`, so all of them are
limited, retried and logged the same way, to the events of the call (an `AgentModel` carries its
game's). One Gateway per process: its concurrency cap is shared by every agent and game that holds it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from agents.chat import ChatMessage, ChatModel, ChatReply, ChatRequest, ModelSettings
from agents.conversation_log import MessageNumbering
from agents.errors import ModelError, ModelRejected, ModelUnavailable, TransientModelError
from agents.limits import Backend, CallLimits, LocalLimits
from agents.usage import UsageLedger
from runtime.clock import Clock, SystemClock
from runtime.events import NULL_EVENTS, EventLog

if TYPE_CHECKING:
    from tenacity import RetryCallState

Sleep = Callable[[float], Awaitable[None]]
DEFAULT_MAX_CONCURRENCY = 32  # docs/models.md: how to choose it from a provider's limits
DEFAULT_MAX_REPLY_CHARS = 20_000
# Attempts at a server that cannot be reached (refused, no such host) before it has ever answered: one
# quick retry, in case it was just starting, then the call fails instead of backing off for minutes.
UNREACHABLE_ATTEMPTS = 2
# A rejected key, a refused access, an unknown model: every later request to that backend would fail alike.
FATAL_STATUSES = frozenset({401, 403, 404})


@dataclass(frozen=True)
class RetryPolicy:
    """The one retry policy: bounded attempts and total time, exponential backoff with jitter, and the
    server's Retry-After honoured up to `max_retry_after_s`.

    `max_total_s` bounds one call as a whole, attempts and waits together (time queued for the gateway's
    own limits aside), and is enforced during an attempt too: an attempt may take at most its request
    timeout and at most what is left of the budget."""

    max_attempts: int = 6
    max_total_s: float = 180.0
    initial_backoff_s: float = 0.5
    max_backoff_s: float = 20.0
    jitter_s: float = 0.5
    max_retry_after_s: float = 60.0

    def backoff_s(self, failed_attempts: int, rng: random.Random) -> float:
        """The wait after the n-th failure without Retry-After: doubling from the initial wait, plus up
        to `jitter_s` at random, never more than `max_backoff_s`."""
        exponential = self.initial_backoff_s * 2 ** min(failed_attempts - 1, 32)
        return min(exponential + rng.uniform(0, self.jitter_s), self.max_backoff_s)

    def budget_s(self, timeout_s: float | None) -> float:
        """The budget for one call: `max_total_s`, or one whole request timeout when that is longer
        (a request timeout the user raised is never cut short by the budget's default)."""
        return max(self.max_total_s, timeout_s or 0.0)


@dataclass
class _Call:
    """What one gateway call has spent so far; time waiting for the limits is kept apart."""

    budget_s: float
    backend: Backend
    attempts: int = 0
    attempt_s: float = 0.0
    waited_s: float = 0.0
    queued_s: float = 0.0

    @property
    def spent_s(self) -> float:
        return self.attempt_s + self.waited_s

    def attempt_limit_s(self, timeout_s: float | None) -> float:
        """How long the next attempt may take: its request timeout, and no more than the budget left."""
        left = max(self.budget_s - self.spent_s, 0.0)
        return left if timeout_s is None else min(timeout_s, left)


class _RetriesSpent(Exception):
    """The retry policy gave up after `last` (tenacity's RetryError, caught where tenacity is imported)."""

    def __init__(self, last: BaseException | None) -> None:
        super().__init__(last)
        self.last = last


class Gateway:
    """Completes requests for every agent of a process under one concurrency cap.

    The cap and the per-minute limit are `limits` when given (shared with other processes, say), else
    LocalLimits of `max_concurrency` and `requests_per_minute` on the gateway's clock.

    A failure no request to that backend can escape (FATAL_STATUSES, or a server never reached) trips
    the gateway for that backend: `fatal` keeps the first such error, `on_fatal(error)` is called once,
    synchronously, and every later call to the backend raises the same error without sending anything.
    """

    def __init__(
        self,
        *,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        requests_per_minute: int | None = None,
        retry: RetryPolicy | None = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
        ledger: UsageLedger | None = None,
        max_reply_chars: int = DEFAULT_MAX_REPLY_CHARS,
        on_fatal: Callable[[ModelError], None] | None = None,
        limits: CallLimits | None = None,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self.ledger = ledger or UsageLedger()
        self.max_reply_chars = max_reply_chars
        self._clock = clock or SystemClock()
        self._sleep = sleep or self._clock.sleep
        self._limits = (
            limits if limits is not None else LocalLimits(max_concurrency, requests_per_minute, self._clock)
        )
        self._random = random.Random()
        self._call_counts: dict[tuple[str | None, str], int] = defaultdict(int)
        self._numbering = MessageNumbering()  # each message of a conversation is logged once
        self._answered: set[Backend] = set()  # backends that have answered at least one call
        self.fatal: ModelError | None = None  # the first ModelRejected (401/403/404) or unreached server
        self._on_fatal = on_fatal
        self._stopped: dict[Backend, ModelError] = {}
        # Set when a backend's first call has ended: until then it goes alone, so a bad key, an unknown
        # model or a server that is not there costs one request, not one per game in flight.
        self._first_calls: dict[Backend, asyncio.Event] = {}

    def forget(self, game_id: str) -> None:
        """A game has ended: drop what the gateway keeps per conversation of it (message numbers, call
        counts), so a long batch holds only the games in flight."""
        self._numbering.forget(game_id)
        for key in [key for key in self._call_counts if key[0] == game_id]:
            del self._call_counts[key]

    async def complete(
        self, model: ChatModel, request: ChatRequest, events: EventLog = NULL_EVENTS
    ) -> ChatReply:
        """One answer for `request`, retried as the policy allows; llm_call, llm_retry and llm_failed go
        to `events`.

        Raises ModelUnavailable when retries are spent, ModelRejected when the server refuses for good,
        and whatever other ModelError the model raises (ReplayDiverged, ScriptExhausted), unretried.
        """
        if getattr(model, "interactive", False):
            return await self._ask_person(model, request, events)
        call = _Call(budget_s=self.retry.budget_s(request.settings.timeout_s), backend=_backend(model))
        first = self._first_calls.get(call.backend)
        if first is None:  # the backend's first call: the others wait for its outcome
            first = self._first_calls[call.backend] = asyncio.Event()
            try:
                return await self._complete(model, request, call, events)
            finally:
                first.set()
        queued_from = self._clock.monotonic()
        await first.wait()
        call.queued_s += self._clock.monotonic() - queued_from
        return await self._complete(model, request, call, events)

    async def _complete(
        self, model: ChatModel, request: ChatRequest, call: _Call, events: EventLog
    ) -> ChatReply:
        try:
            try:
                reply = await self._attempt(model, request, call)
            except TransientModelError as failure:
                reply = await self._retried(failure, model, request, call, events)
        except _RetriesSpent as spent:
            last = spent.last
            error = self._unavailable(model, request, call, last)
            self._log_failed(events, model, request, call, error, error.reason)
            if self._never_reached(call, last):
                self._trip(call.backend, error)
            raise error from None
        except ModelError as err:
            self._log_failed(events, model, request, call, err, type(err).__name__)
            if isinstance(err, ModelRejected) and err.status in FATAL_STATUSES:
                self._trip(call.backend, err)
            raise
        return self._accept(events, model, request, call, reply)

    async def _retried(
        self,
        failure: TransientModelError,
        model: ChatModel,
        request: ChatRequest,
        call: _Call,
        events: EventLog,
    ) -> ChatReply:
        """The call retried after its first attempt failed with `failure`. Only now the retry machinery
        (tenacity, imported here: most calls succeed at once, and an offline game's never fail): it
        starts from this failure as its first attempt, so its stops, waits and llm_retry lines are those
        of every attempt. _RetriesSpent when the policy gives up."""
        from tenacity import AsyncRetrying, RetryError, retry_if_exception_type

        retrying = AsyncRetrying(
            sleep=self._sleep,
            stop=partial(self._should_stop, call),
            wait=self._wait,
            retry=retry_if_exception_type(TransientModelError),
            before_sleep=partial(self._log_retry, events, model, request, call),
        )
        try:
            return await retrying(self._again(failure), model, request, call)
        except RetryError as err:
            raise _RetriesSpent(err.last_attempt.exception()) from None

    def _again(
        self, failure: TransientModelError
    ) -> Callable[[ChatModel, ChatRequest, _Call], Awaitable[ChatReply]]:
        """An attempt function whose first attempt is the one already made and failed with `failure`."""
        pending: list[TransientModelError] = [failure]

        async def attempt(model: ChatModel, request: ChatRequest, call: _Call) -> ChatReply:
            if pending:
                raise pending.pop()
            return await self._attempt(model, request, call)

        return attempt

    async def _ask_person(self, model: ChatModel, request: ChatRequest, events: EventLog) -> ChatReply:
        """A person's turn: no request timeout, no budget, no retries, no model slot; logged the same."""
        call = _Call(budget_s=float("inf"), backend=_backend(model), attempts=1)
        started = self._clock.monotonic()
        try:
            reply = await model.complete(request)
        except ModelError as err:
            call.attempt_s = self._clock.monotonic() - started
            self._log_failed(events, model, request, call, err, type(err).__name__)
            raise
        call.attempt_s = self._clock.monotonic() - started
        return self._accept(events, model, request, call, reply)

    def _unavailable(
        self, model: ChatModel, request: ChatRequest, call: _Call, last: BaseException | None
    ) -> ModelUnavailable:
        reason = last.reason if isinstance(last, TransientModelError) else "unknown"
        where = getattr(model, "where", None) or f"backend '{model.name}'"
        attempts = f"{call.attempts} attempt{'' if call.attempts == 1 else 's'}"
        if self._never_reached(call, last):
            message = (
                f"cannot reach the server at {where} for the model '{request.settings.model}': {reason} "
                f"({attempts}); is it running, and is the URL right?"
            )
        else:
            message = (
                f"the model '{request.settings.model}' at {where} did not answer after {attempts} "
                f"in {call.spent_s:.1f}s (last: {reason})"
            )
        return ModelUnavailable(message, reason=reason, attempts=call.attempts)

    def _never_reached(self, call: _Call, failure: BaseException | None) -> bool:
        """True for a server that cannot be reached and has never answered a call of this gateway."""
        unreachable = isinstance(failure, TransientModelError) and failure.unreachable
        return unreachable and call.backend not in self._answered

    def _trip(self, backend: Backend, error: ModelError) -> None:
        if backend in self._stopped:
            return
        self._stopped[backend] = error
        if self.fatal is None:
            self.fatal = error
            if self._on_fatal is not None:
                self._on_fatal(error)

    def _refuse_if_stopped(self, backend: Backend) -> None:
        """Raise the error that stopped `backend` (a fresh copy: each caller gets its own traceback)."""
        stopped = self._stopped.get(backend)
        if isinstance(stopped, ModelRejected):
            raise ModelRejected(str(stopped), status=stopped.status)
        if isinstance(stopped, ModelUnavailable):
            raise ModelUnavailable(str(stopped), reason=stopped.reason, attempts=stopped.attempts)

    async def _attempt(self, model: ChatModel, request: ChatRequest, call: _Call) -> ChatReply:
        self._refuse_if_stopped(call.backend)
        queued_from = self._clock.monotonic()
        async with self._limits.slot(call.backend):
            self._refuse_if_stopped(call.backend)  # tripped while this call waited for the limits
            call.attempts += 1
            started = self._clock.monotonic()
            call.queued_s += started - queued_from
            try:
                async with self._clock.timeout(call.attempt_limit_s(request.settings.timeout_s)):
                    return await model.complete(request)
            except TimeoutError:
                raise TransientModelError("timeout") from None
            finally:
                call.attempt_s += self._clock.monotonic() - started

    def _wait(self, state: RetryCallState) -> float:
        failure = state.outcome.exception() if state.outcome is not None else None
        if isinstance(failure, TransientModelError) and failure.retry_after_s is not None:
            return min(failure.retry_after_s, self.retry.max_retry_after_s)
        return self.retry.backoff_s(state.attempt_number, self._random)

    def _should_stop(self, call: _Call, state: RetryCallState) -> bool:
        if state.attempt_number >= self.retry.max_attempts:
            return True
        failure = state.outcome.exception() if state.outcome is not None else None
        if self._never_reached(call, failure) and state.attempt_number >= UNREACHABLE_ATTEMPTS:
            return True
        return call.spent_s + (state.upcoming_sleep or 0.0) > call.budget_s

    def _log_retry(
        self, events: EventLog, model: ChatModel, request: ChatRequest, call: _Call, state: RetryCallState
    ) -> None:
        failure = state.outcome.exception() if state.outcome is not None else None
        wait_s = state.upcoming_sleep
        call.waited_s += wait_s
        events.warning(
            "llm_retry",
            **_who(model, request),
            attempt=state.attempt_number,
            reason=failure.reason if isinstance(failure, TransientModelError) else "unknown",
            wait_s=round(wait_s, 3),
        )

    def _accept(
        self, events: EventLog, model: ChatModel, request: ChatRequest, call: _Call, reply: ChatReply
    ) -> ChatReply:
        truncated = reply.truncated or len(reply.text) > self.max_reply_chars
        reply = dataclasses.replace(
            reply,
            text=reply.text[: self.max_reply_chars],
            truncated=truncated,
            attempts=call.attempts,
            latency_ms=_ms(call.spent_s),
        )
        self._answered.add(call.backend)
        self.ledger.record(request.agent, request.game_id, reply.usage)
        key = (request.game_id, request.agent)
        call_index = self._call_counts[key]
        self._call_counts[key] += 1
        events.info(
            "llm_call",
            **_who(model, request),
            call_index=call_index,
            messages=self._logged_messages(request),
            settings=request.settings.request_params(),
            response=reply.text,
            finish_reason=reply.finish_reason,
            refusal=reply.refusal,
            truncated=reply.truncated,
            empty=reply.empty,
            usage=reply.usage.as_dict(),
            latency_ms=reply.latency_ms,
            queued_ms=_ms(call.queued_s),
            attempts=reply.attempts,
        )
        return reply

    def _logged_messages(self, request: ChatRequest) -> list[Any]:
        """The request's messages as llm_call and llm_failed record them (docs/log-format.md)."""
        return self._numbering.recorded(request.game_id, request.agent, request.wire_messages())

    def _log_failed(
        self,
        events: EventLog,
        model: ChatModel,
        request: ChatRequest,
        call: _Call,
        error: Exception,
        reason: str,
    ) -> None:
        events.error(
            "llm_failed",
            **_who(model, request),
            messages=self._logged_messages(request),
            attempts=call.attempts,
            latency_ms=_ms(call.spent_s),
            reason=reason,
            error=str(error),
        )


@dataclass(frozen=True)
class AgentModel:
    """What an agent node holds: its name, its model and settings, the shared gateway, and once in a
    game (`in_game`) the game's id and its events, where its calls are logged."""

    gateway: Gateway
    model: ChatModel
    agent: str
    settings: ModelSettings
    events: EventLog = field(default_factory=lambda: NULL_EVENTS, compare=False, repr=False)
    game_id: str | None = None

    def in_game(self, events: EventLog, game_id: str) -> AgentModel:
        """This model as it plays game `game_id`: its calls carry the id and go to `events`."""
        bound = events.bind(game_id=game_id, agent=self.agent)
        return dataclasses.replace(self, events=bound, game_id=game_id)

    async def ask(
        self,
        messages: Iterable[ChatMessage | Mapping[str, Any]],
        *,
        context: Mapping[str, Any] | None = None,
        game_id: str | None = None,
    ) -> ChatReply:
        """Ask the model; `game_id` defaults to this model's game."""
        game_id = self.game_id if game_id is None else game_id
        request = ChatRequest.build(self.agent, messages, self.settings, game_id=game_id, context=context)
        return await self.gateway.complete(self.model, request, self.events)


def _backend(model: ChatModel) -> Backend:
    return (model.name, getattr(model, "where", None))


def _who(model: ChatModel, request: ChatRequest) -> dict[str, Any]:
    """The identifying fields every llm_* event carries; game_id only when known, so that a value bound
    on the events is never overwritten with None."""
    fields: dict[str, Any] = {"agent": request.agent, "model": request.settings.model, "backend": model.name}
    if request.game_id is not None:
        fields["game_id"] = request.game_id
    return fields


def _ms(seconds: float) -> int:
    return round(seconds * 1000)
