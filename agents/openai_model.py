"""The real model: one chat completions attempt through the official `openai` SDK (AsyncOpenAI).

The SDK's own retries are off (max_retries=0): the gateway owns the one retry policy. This module only
sorts each failure into retryable (`TransientModelError`, with the server's Retry-After) or not
(`ModelRejected`), and reads the reply body defensively, since compatible servers vary.

A completion goes through the SDK's client-level `post` (its auth headers, timeouts, connection pool and
error classes) with the JSON body already encoded and the HTTP response returned as it came: the typed
`chat.completions.create` would walk the request against its parameter types and wrap the reply, which
cost more CPU than the whole HTTP exchange (docs/benchmarks.md, model calls), and the gateway reads only
the text, finish reason, refusal and usage of the reply.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

import orjson

from agents.chat import ChatReply, ChatRequest, Usage, estimate_tokens
from agents.endpoint import Endpoint
from agents.errors import ModelError, ModelRejected, TransientModelError

if TYPE_CHECKING:
    import httpx2  # the SDK's HTTP client; only named in a type here
    import openai  # imported when a call is made (it takes about a third of a second to import)

RETRYABLE_STATUSES = frozenset({408, 409, 429})
DETAIL_CHARS = 200
COMPLETIONS_PATH = "/chat/completions"
# The auth the SDK's chat.completions.create asks for: the API key as a bearer token.
COMPLETION_SECURITY = {"bearer_auth": True}


class OpenAIModel:
    """A ChatModel backed by an OpenAI-compatible server. Close it with `aclose()` or `async with`."""

    name = "openai"

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        http_client: httpx2.AsyncClient | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.endpoint = endpoint
        self._http_client = http_client
        self._now = now or (lambda: datetime.now(UTC))
        self._client: openai.AsyncOpenAI | None = None

    def __repr__(self) -> str:
        return f"OpenAIModel(where={self.endpoint.where!r})"

    @property
    def where(self) -> str:
        return self.endpoint.where

    async def complete(self, request: ChatRequest) -> ChatReply:
        import httpx2
        import openai

        options: dict[str, Any] = {"security": COMPLETION_SECURITY}
        if request.settings.timeout_s is not None:
            options["timeout"] = request.settings.timeout_s
        try:
            response = await self._sdk().post(
                COMPLETIONS_PATH,
                cast_to=httpx2.Response,
                content=request_body(request),
                options=options,  # type: ignore[arg-type]
            )
        except openai.APITimeoutError as err:
            raise timeout_error(err) from None
        except openai.APIConnectionError as err:
            raise connection_error(err) from None
        except openai.APIStatusError as err:
            raise self._status_error(err, request.settings.model) from None
        return read_completion(response.content, request)

    async def available_models(self) -> list[str]:
        """The model ids the server lists (GET /models): one attempt, failures sorted as for `complete`."""
        import openai

        try:
            page = await self._sdk().models.list()
        except openai.APITimeoutError as err:
            raise timeout_error(err) from None
        except openai.APIConnectionError as err:
            raise connection_error(err) from None
        except openai.APIStatusError as err:
            raise self._status_error(err, None) from None
        return [model.id for model in page.data]

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def __aenter__(self) -> OpenAIModel:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def _sdk(self) -> openai.AsyncOpenAI:
        if self._client is None:
            import openai

            self._client = openai.AsyncOpenAI(
                api_key=self.endpoint.key_for_sdk(),
                base_url=self.endpoint.url,
                max_retries=0,
                http_client=self._http_client or openai.DefaultAioHttpClient(),
            )
        return self._client

    def _status_error(self, err: openai.APIStatusError, model: str | None) -> ModelError:
        status = err.status_code
        if status in RETRYABLE_STATUSES or status >= 500:
            retry_after = parse_retry_after(err.response.headers, self._now())
            return TransientModelError(f"HTTP {status}", retry_after_s=retry_after)
        return ModelRejected(self._rejection(status, model, _error_detail(err.body)), status=status)

    def _rejection(self, status: int, model: str | None, detail: str) -> str:
        where = f"the server at {self.where}"
        named = f" for model '{model}'" if model else ""
        if status == 401:
            return f"{where} rejected the API key (HTTP 401)"
        if status == 403:
            return f"{where} refused access{named} (HTTP 403)"
        detail = self.endpoint.scrub(detail)
        suffix = f": {detail}" if detail else ""
        if status == 404:
            return f"{where} has no such model or endpoint{named} (HTTP 404){suffix}"
        return f"{where} rejected the request{named} (HTTP {status}){suffix}"


def timeout_error(err: BaseException) -> TransientModelError:
    """A failure the SDK reports as a timeout, sorted. Its aiohttp transport reports every failed
    connection (refused, no such host, dropped) as a connect timeout: one with no timeout anywhere
    among its causes is a connection error."""
    import aiohttp

    links = _chain(err)
    if any(isinstance(link, aiohttp.ClientConnectionError) for link in links) and not any(
        isinstance(link, TimeoutError) for link in links
    ):
        return connection_error(err)
    return TransientModelError("timeout")


def _chain(err: BaseException) -> list[BaseException]:
    """`err` and the exceptions it was raised from or while handling, outermost first."""
    links = [err]
    while len(links) <= 20 and (inner := links[-1].__cause__ or links[-1].__context__) is not None:
        links.append(inner)
    return links


def connection_error(err: BaseException) -> TransientModelError:
    """A failed connection, sorted: refused or no such host (nothing reached a server), else dropped."""
    causes = _causes(err)
    if causes and all(isinstance(cause, ConnectionRefusedError) for cause in causes):
        return TransientModelError("connection refused", unreachable=True)
    if causes and all(isinstance(cause, socket.gaierror) for cause in causes):
        return TransientModelError("unknown host", unreachable=True)
    return TransientModelError("connection error")


def _causes(err: BaseException, depth: int = 0) -> list[BaseException]:
    """The innermost causes under `err` (every branch of an exception group: one per address tried)."""
    if isinstance(err, BaseExceptionGroup):
        return [cause for inner in err.exceptions for cause in _causes(inner, depth + 1)]
    inner = err.__cause__ or err.__context__
    if inner is None or depth > 20:
        return [err]
    return _causes(inner, depth + 1)


def request_body(request: ChatRequest) -> bytes:
    """The chat completions request as JSON: the model, the messages and the settings that are set."""
    return orjson.dumps(
        {
            "model": request.settings.model,
            "messages": request.wire_messages(),
            **request.settings.request_params(),
        }
    )


def read_completion(body: str | bytes, request: ChatRequest) -> ChatReply:
    """A chat completion body as a ChatReply; a body that is not one is a transient 'malformed reply'."""
    try:
        data = orjson.loads(body)
    except ValueError:
        raise TransientModelError("malformed reply") from None
    choices = data.get("choices") if isinstance(data, dict) else None
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        reason = "error in reply" if isinstance(data, dict) and "error" in data else "malformed reply"
        raise TransientModelError(reason)
    choice = choices[0]
    message = choice.get("message")
    if not isinstance(message, dict):
        raise TransientModelError("malformed reply")
    text = _text(message.get("content"))
    refusal = message.get("refusal")
    finish_reason = choice.get("finish_reason")
    model = data.get("model")
    return ChatReply(
        text=text,
        model=model if isinstance(model, str) and model else request.settings.model,
        usage=_usage(data.get("usage"), request, text),
        finish_reason=finish_reason if isinstance(finish_reason, str) else None,
        refusal=refusal if isinstance(refusal, str) and refusal else None,
    )


def parse_retry_after(headers: Mapping[str, str], now: datetime) -> float | None:
    """Seconds the server asks us to wait: `retry-after-ms`, else `retry-after` as seconds or HTTP date."""
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            return max(0.0, float(milliseconds) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _text(content: Any) -> str:
    """Content as text: None is "", a list of parts (some servers send that) is their text joined."""
    if content is None:
        return ""
    if isinstance(content, list):
        parts = [part.get("text", "") for part in content if isinstance(part, dict)]
        return "".join(part for part in parts if isinstance(part, str))
    return str(content)


def _usage(raw: Any, request: ChatRequest, text: str) -> Usage:
    """The server's usage; any count it left out is estimated (and the usage marked so)."""
    raw = raw if isinstance(raw, dict) else {}
    prompt = raw.get("prompt_tokens")
    completion = raw.get("completion_tokens")
    estimated = False
    if not isinstance(prompt, int) or isinstance(prompt, bool) or prompt < 0:
        prompt = estimate_tokens(request.prompt_chars())
        estimated = True
    if not isinstance(completion, int) or isinstance(completion, bool) or completion < 0:
        completion = estimate_tokens(len(text))
        estimated = True
    return Usage(prompt_tokens=prompt, completion_tokens=completion, estimated=estimated)


def _error_detail(body: object) -> str:
    """The server's own words about an error, on one short line."""
    message: object = body
    if isinstance(body, dict):
        message = body.get("message") or body.get("error") or ""
    if not isinstance(message, str):
        message = json.dumps(message) if message else ""
    line = " ".join(message.split())
    return line if len(line) <= DETAIL_CHARS else line[: DETAIL_CHARS - 3] + "..."
