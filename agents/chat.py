"""What agents say to models and what models say back: frozen values and the `ChatModel` protocol.

A `ChatModel` makes ONE attempt per `complete` call. Retries, limits, truncation, accounting and logging
belong to the gateway, so the real client and every test double behave the same from an agent's view.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from agents.request_timeout import DEFAULT_REQUEST_TIMEOUT_S

Role = Literal["system", "user", "assistant"]
ROLES: tuple[str, ...] = ("system", "user", "assistant")


@dataclass(frozen=True)
class ChatMessage:
    """One turn of a conversation as the chat completions API sees it."""

    role: Role
    content: str

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"a chat message's role must be one of {', '.join(ROLES)}, got {self.role!r}")

    @classmethod
    def coerce(cls, value: ChatMessage | Mapping[str, Any]) -> ChatMessage:
        """Accept a ChatMessage or a {"role", "content"} mapping."""
        if isinstance(value, ChatMessage):
            return value
        return cls(role=value["role"], content=str(value["content"]))

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True)
class ModelSettings:
    """Which model an agent uses and how: sampling settings, and a per-attempt timeout in seconds
    (None: no timeout of its own; the gateway's budget for the whole call still applies)."""

    model: str
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    seed: int | None = None
    stop: tuple[str, ...] | None = None
    timeout_s: float | None = DEFAULT_REQUEST_TIMEOUT_S

    def __post_init__(self) -> None:
        # Accept a single stop string or a list (as read from JSON) and keep the value hashable.
        if isinstance(self.stop, str):
            object.__setattr__(self, "stop", (self.stop,))
        elif self.stop is not None and not isinstance(self.stop, tuple):
            object.__setattr__(self, "stop", tuple(self.stop))

    def request_params(self) -> dict[str, Any]:
        """The sampling settings that are set, as chat completions body fields (model excluded)."""
        params: dict[str, Any] = {
            "temperature": self.temperature,
            "top_p": self.top_p,
            "max_tokens": self.max_tokens,
            "seed": self.seed,
            "stop": list(self.stop) if self.stop is not None else None,
        }
        return {key: value for key, value in params.items() if value is not None}


@dataclass(frozen=True)
class ChatRequest:
    """One question from one agent. `context` is the game's structured observation for offline players;
    real models ignore it, and it is neither compared nor logged."""

    agent: str
    messages: tuple[ChatMessage, ...]
    settings: ModelSettings
    game_id: str | None = None
    context: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def build(
        cls,
        agent: str,
        messages: Iterable[ChatMessage | Mapping[str, Any]],
        settings: ModelSettings,
        *,
        game_id: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> ChatRequest:
        return cls(
            agent=agent,
            messages=tuple(ChatMessage.coerce(message) for message in messages),
            settings=settings,
            game_id=game_id,
            context=context,
        )

    def wire_messages(self) -> list[dict[str, str]]:
        """The messages as JSON-ready dicts, as sent to the API and written to the log."""
        return [message.as_dict() for message in self.messages]

    def prompt_chars(self) -> int:
        return sum(len(message.content) for message in self.messages)


@dataclass(frozen=True)
class Usage:
    """Tokens spent; `estimated` when the server did not say and we counted characters instead."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated: bool = False

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            estimated=self.estimated or other.estimated,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "estimated": self.estimated,
        }

    @classmethod
    def estimate(cls, request: ChatRequest, text: str) -> Usage:
        """A rough count for servers that report none: one token per four characters, rounded up."""
        return cls(
            prompt_tokens=estimate_tokens(request.prompt_chars()),
            completion_tokens=estimate_tokens(len(text)),
            estimated=True,
        )


def estimate_tokens(chars: int) -> int:
    return math.ceil(chars / 4)


@dataclass(frozen=True)
class ChatReply:
    """What came back, as it came back: the game decides what an empty, refused or cut reply means.

    `text` is never None (a missing content is ""). `truncated` says the gateway cut a huge reply.
    `attempts` and `latency_ms` are filled in by the gateway.
    """

    text: str
    model: str
    usage: Usage
    finish_reason: str | None = None
    refusal: str | None = None
    truncated: bool = False
    attempts: int = 1
    latency_ms: int = 0

    @property
    def empty(self) -> bool:
        """True when there is no visible text at all (None, "" or only whitespace)."""
        return not self.text.strip()

    @property
    def refused(self) -> bool:
        return self.refusal is not None


@runtime_checkable
class ChatModel(Protocol):
    """A backend that answers one request with one attempt.

    `name` labels the backend in logs ("openai", "offline", "scripted", "replay"). Retryable failures
    raise `TransientModelError`; failures retrying cannot fix raise another `ModelError`. A model with
    a true `interactive` attribute is a person: the gateway never times, budgets or retries it.
    """

    name: str

    async def complete(self, request: ChatRequest) -> ChatReply: ...
