"""Where a real model lives and how to authenticate, with the API key kept out of every repr and message."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from agents.errors import ModelConfigError

OPENAI_BASE_URL = "https://api.openai.com/v1"
# Local servers (Ollama, vLLM, llama.cpp, LM Studio) need no key, but the SDK sends one; this says so.
PLACEHOLDER_KEY = "not-needed"


class Secret:
    """A string that does not show itself: repr and str are '***'; `reveal()` is the only way in."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def scrub(self, text: str) -> str:
        """`text` with every occurrence of the secret replaced by '***'."""
        if len(self._value) < 4:
            return text
        return text.replace(self._value, "***")

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Secret is not picklable")


def redact_url(url: str) -> str:
    """`url` without user:password@ and without its query and fragment, which may carry credentials."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:
        return "<unparsable URL>"
    if ":" in host:
        host = f"[{host}]"
    return urlunsplit((parts.scheme, host + port, parts.path, "", ""))


@dataclass(frozen=True, repr=False)
class Endpoint:
    """An OpenAI-compatible server: `base_url` None means OpenAI itself. `default_model` is OPENAI_MODEL."""

    base_url: str | None = None
    api_key: Secret | None = None
    default_model: str | None = None

    def __post_init__(self) -> None:
        if self.base_url is None:
            return
        try:
            parts = urlsplit(self.base_url)
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            raise ModelConfigError(
                "the base URL must be an http(s) URL such as http://localhost:11434/v1, "
                f"got {redact_url(self.base_url)!r}"
            )

    def __repr__(self) -> str:
        key = "Secret('***')" if self.api_key is not None else "None"
        return f"Endpoint(where={self.where!r}, api_key={key}, default_model={self.default_model!r})"

    @classmethod
    def from_env(
        cls,
        base_url: str | None = None,
        api_key: str | None = None,
        model: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Endpoint:
        """Flags first, then OPENAI_BASE_URL, OPENAI_API_KEY and OPENAI_MODEL; empty values count as unset."""
        env = os.environ if env is None else env
        url = base_url or env.get("OPENAI_BASE_URL") or None
        key = api_key or env.get("OPENAI_API_KEY") or None
        default_model = model or env.get("OPENAI_MODEL") or None
        return cls(
            base_url=url.rstrip("/") if url else None,
            api_key=Secret(key) if key else None,
            default_model=default_model,
        )

    @property
    def configured(self) -> bool:
        """True when the user pointed at a real model (a key or a base URL)."""
        return self.api_key is not None or self.base_url is not None

    @property
    def url(self) -> str:
        return self.base_url or OPENAI_BASE_URL

    @property
    def where(self) -> str:
        """The server's URL safe to show: no credentials, no query."""
        return redact_url(self.url)

    def key_for_sdk(self) -> str:
        """The key to send: the real one, or a placeholder for a keyless local server."""
        if self.api_key is not None:
            return self.api_key.reveal()
        if self.base_url is not None:
            return PLACEHOLDER_KEY
        raise ModelConfigError(
            "no API key: set OPENAI_API_KEY, or give a base URL (--base-url or OPENAI_BASE_URL) "
            "for a local server that needs none"
        )

    def scrub(self, text: str) -> str:
        """`text` with the API key, if any, replaced by '***'."""
        return self.api_key.scrub(text) if self.api_key is not None else text
