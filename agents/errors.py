"""The agents package's errors, named after their cause.

Every message is one line meant for a person, and none ever contains an API key: messages are built
from redacted URLs, model names and status codes, never from SDK objects that carry request headers.
"""

from __future__ import annotations


class ModelError(Exception):
    """Base of everything the model layer raises on purpose."""


class ModelConfigError(ModelError):
    """The model configuration cannot work (no API key for OpenAI, a base URL that is not http(s))."""


class TransientModelError(ModelError):
    """One attempt failed in a way worth retrying: 429, 5xx, a timeout, a dropped connection, a garbled body.

    Raised by a `ChatModel` for a single attempt; the gateway retries it and never lets it escape.
    `unreachable` says nothing reached the server at all (connection refused, no such host): the gateway
    gives up on such an endpoint at once while nothing has ever answered there.
    """

    def __init__(self, reason: str, *, retry_after_s: float | None = None, unreachable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after_s = retry_after_s
        self.unreachable = unreachable


class ModelUnavailable(ModelError):
    """The outside world failed: retries were spent (attempts or time) without a usable reply."""

    def __init__(self, message: str, *, reason: str, attempts: int) -> None:
        super().__init__(message)
        self.reason = reason
        self.attempts = attempts


class ModelRejected(ModelError):
    """The server refused the request for a reason retrying cannot fix (401, 403, 404, 400, 422)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ReplayDiverged(ModelError):
    """A re-run asked the model something other than what the log recorded."""

    def __init__(
        self, message: str, *, agent: str, game_id: str | None, call_index: int, field: str | None
    ) -> None:
        super().__init__(message)
        self.agent = agent
        self.game_id = game_id
        self.call_index = call_index
        self.field = field


class ScriptExhausted(ModelError):
    """A ScriptedModel was asked for more replies than its script holds."""


class PlayerLeft(ModelError):
    """The person playing closed their input (Ctrl-D): the game cannot go on."""
