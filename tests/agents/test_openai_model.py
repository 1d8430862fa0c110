"""The real client's configuration, its reading of odd replies, and its secrecy about the key."""

from __future__ import annotations

import itertools
import socket
from datetime import UTC, datetime

import pytest

from agents.chat import ChatRequest, ModelSettings
from agents.endpoint import PLACEHOLDER_KEY, Endpoint, Secret, redact_url
from agents.errors import ModelConfigError, ModelRejected, TransientModelError
from agents.openai_model import (
    OpenAIModel,
    connection_error,
    parse_retry_after,
    read_completion,
    timeout_error,
)
from tests.support.chat_server import Reply, unused_loopback_url

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


def ask() -> ChatRequest:
    return ChatRequest.build("a", [{"role": "user", "content": "12345678"}], ModelSettings("m"))


def test_endpoint_reads_flags_before_environment():
    """Flags win over OPENAI_BASE_URL, OPENAI_API_KEY and OPENAI_MODEL."""
    env = {"OPENAI_BASE_URL": "http://env:1/v1", "OPENAI_API_KEY": "env-key", "OPENAI_MODEL": "env-model"}

    from_flags = Endpoint.from_env(
        base_url="http://flag:2/v1/", api_key="flag-key", model="flag-model", env=env
    )
    from_env = Endpoint.from_env(env=env)

    assert (from_flags.base_url, from_flags.key_for_sdk(), from_flags.default_model) == (
        "http://flag:2/v1",
        "flag-key",
        "flag-model",
    )
    assert (from_env.base_url, from_env.key_for_sdk(), from_env.default_model) == (
        "http://env:1/v1",
        "env-key",
        "env-model",
    )


def test_base_url_without_key_sends_a_placeholder():
    """A local server needs no key: a placeholder is sent instead."""
    endpoint = Endpoint.from_env(base_url="http://localhost:11434/v1", env={})

    assert endpoint.configured
    assert endpoint.key_for_sdk() == PLACEHOLDER_KEY


def test_nothing_configured_is_a_clear_config_error():
    """With neither key nor base URL, the endpoint is unconfigured and asking for a key says what to set."""
    endpoint = Endpoint.from_env(env={})

    assert not endpoint.configured
    with pytest.raises(ModelConfigError, match="set OPENAI_API_KEY"):
        endpoint.key_for_sdk()


@pytest.mark.parametrize("url", ["localhost:8000", "ftp://host/v1", "http://", "http://host:notaport/v1"])
def test_bad_base_url_is_a_config_error(url):
    """A base URL that is not http(s) with a host is refused with an example of a good one."""
    with pytest.raises(ModelConfigError, match="must be an http"):
        Endpoint(base_url=url)


def test_credentials_in_a_base_url_are_never_shown():
    """User info and query strings are stripped from every displayed URL."""
    endpoint = Endpoint(base_url="https://user:hunter2@proxy.example:8443/v1?api-key=hunter2")

    assert endpoint.where == "https://proxy.example:8443/v1"
    assert "hunter2" not in repr(endpoint)
    assert redact_url("http://[::1]:8080/v1") == "http://[::1]:8080/v1"


def test_secret_hides_itself():
    """A Secret's repr and str never show the value, and scrub() removes it from text."""
    secret = Secret("sk-SENTINEL-xyz")

    assert "SENTINEL" not in repr(secret) + str(secret) + repr(Endpoint(api_key=secret))
    assert secret.scrub("key sk-SENTINEL-xyz bad") == "key *** bad"


def test_retry_after_seconds():
    """Retry-After in seconds is read as seconds."""
    assert parse_retry_after({"retry-after": "12"}, NOW) == 12.0


def test_retry_after_http_date():
    """Retry-After as an HTTP date is the time left until then."""
    assert parse_retry_after({"retry-after": "Sun, 01 Mar 2026 12:00:30 GMT"}, NOW) == 30.0


def test_retry_after_ms_wins_over_retry_after():
    """retry-after-ms is preferred, being the more precise."""
    assert parse_retry_after({"retry-after-ms": "1500", "retry-after": "9"}, NOW) == 1.5


@pytest.mark.parametrize("headers", [{}, {"retry-after": "soon"}, {"retry-after": ""}])
def test_missing_or_garbled_retry_after_is_none(headers):
    """No usable Retry-After leaves the wait to the backoff."""
    assert parse_retry_after(headers, NOW) is None


def test_past_retry_after_date_is_no_wait():
    """A Retry-After date already past means retry now."""
    assert parse_retry_after({"retry-after": "Sun, 01 Mar 2026 11:00:00 GMT"}, NOW) == 0.0


@pytest.mark.parametrize(
    "body",
    ["", "[]", "{}", '{"choices": []}', '{"choices": [{"message": "hi"}]}', '{"choices": "x"}'],
)
def test_bodies_that_are_not_completions_are_transient(body):
    """A body without a usable first choice is a transient 'malformed reply'."""
    with pytest.raises(TransientModelError, match="malformed reply"):
        read_completion(body, ask())


def test_error_object_in_a_200_reply_is_transient():
    """Some proxies answer 200 with an error object; that is retried."""
    with pytest.raises(TransientModelError, match="error in reply"):
        read_completion('{"error": {"message": "upstream failed"}}', ask())


def test_content_parts_are_joined():
    """Content sent as a list of text parts is joined into one text."""
    body = '{"choices": [{"message": {"content": [{"type": "text", "text": "a"}, {"text": "b"}]}}]}'

    assert read_completion(body, ask()).text == "ab"


def test_partial_usage_estimates_the_missing_count():
    """A usage with only prompt tokens keeps them and estimates the completion, marked estimated."""
    body = '{"choices": [{"message": {"content": "abcdefgh"}}], "usage": {"prompt_tokens": 9}}'

    usage = read_completion(body, ask()).usage

    assert (usage.prompt_tokens, usage.completion_tokens, usage.estimated) == (9, 2, True)


async def test_available_models_lists_the_server_models(chat_server):
    """GET /models lists the server's model ids."""
    async with OpenAIModel(Endpoint(base_url=chat_server.base_url)) as model:
        assert await model.available_models() == ["test-model"]


async def test_server_error_detail_is_scrubbed_of_the_key(chat_server):
    """A server echoing the key in an error message has it replaced before it reaches the message."""
    key = "sk-SENTINEL-echo-0000"
    chat_server.reply(Reply.status_error(400, f"bad key {key}\nwith a second line"))

    async with OpenAIModel(Endpoint.from_env(base_url=chat_server.base_url, api_key=key, env={})) as model:
        with pytest.raises(ModelRejected) as caught:
            await model.complete(ask())

    assert str(caught.value).endswith("(HTTP 400): bad key *** with a second line")


async def test_sdk_retries_are_off(chat_server):
    """One complete() is one HTTP request, whatever the status: the gateway alone retries."""
    chat_server.default = Reply.status_error(500)

    async with OpenAIModel(Endpoint(base_url=chat_server.base_url)) as model:
        with pytest.raises(TransientModelError, match="HTTP 500"):
            await model.complete(ask())

    assert chat_server.calls == 1


async def test_nothing_listening_is_connection_refused():
    """A port where nothing listens fails one attempt as 'connection refused', marked unreachable."""
    async with OpenAIModel(Endpoint(base_url=unused_loopback_url())) as model:
        with pytest.raises(TransientModelError) as caught:
            await model.complete(ask())

    assert (caught.value.reason, caught.value.unreachable) == ("connection refused", True)


def chained(*errors: BaseException) -> BaseException:
    """`errors[0]` raised from `errors[1]`, raised from `errors[2]`...; the first is returned."""
    for outer, inner in itertools.pairwise(errors):
        outer.__cause__ = inner
    return errors[0]


@pytest.mark.parametrize(
    ("error", "reason", "unreachable"),
    [
        (chained(OSError("all failed"), ConnectionRefusedError(111, "refused")), "connection refused", True),
        (
            chained(
                OSError("all failed"),
                ExceptionGroup(
                    "each address", [ConnectionRefusedError(111, "v6"), ConnectionRefusedError(111, "v4")]
                ),
            ),
            "connection refused",
            True,
        ),
        (chained(OSError("lookup"), socket.gaierror(-2, "Name or service not known")), "unknown host", True),
        (
            chained(
                OSError("all failed"),
                ExceptionGroup(
                    "each address", [ConnectionRefusedError(111, "v6"), OSError(101, "unreachable")]
                ),
            ),
            "connection error",
            False,
        ),
        (chained(OSError("reset"), ConnectionResetError(104, "reset by peer")), "connection error", False),
    ],
)
def test_connection_failures_are_sorted(error, reason, unreachable):
    """Refused everywhere or no such host is unreachable; anything else is a plain connection error."""
    sorted_error = connection_error(chained(RuntimeError("SDK wrapper"), error))

    assert (sorted_error.reason, sorted_error.unreachable) == (reason, unreachable)


async def test_the_request_body_carries_the_messages_and_the_settings_that_are_set(chat_server):
    """The body posted is the chat completions request: model, messages, and only the settings set."""
    settings = ModelSettings("m", temperature=0.5, max_tokens=20, stop=("END",))
    request = ChatRequest.build(
        "a", [{"role": "system", "content": "rules"}, {"role": "user", "content": "go"}], settings
    )

    async with OpenAIModel(Endpoint(base_url=chat_server.base_url)) as model:
        reply = await model.complete(request)

    assert (reply.text, reply.usage.prompt_tokens, reply.usage.completion_tokens) == ("ok", 11, 7)
    assert chat_server.bodies == [
        {
            "model": "m",
            "messages": [{"role": "system", "content": "rules"}, {"role": "user", "content": "go"}],
            "temperature": 0.5,
            "max_tokens": 20,
            "stop": ["END"],
        }
    ]
    assert chat_server.requests[0].headers["content-type"] == "application/json"


async def test_a_reply_slower_than_the_request_timeout_is_a_timeout(chat_server):
    """The SDK's own request timeout (the gateway's aside) ends the attempt as a transient 'timeout'."""
    chat_server.default = Reply.silent()
    request = ChatRequest.build("a", [{"role": "user", "content": "hi"}], ModelSettings("m", timeout_s=0.2))

    async with OpenAIModel(Endpoint(base_url=chat_server.base_url)) as model:
        with pytest.raises(TransientModelError) as caught:
            await model.complete(request)

    assert (caught.value.reason, caught.value.unreachable) == ("timeout", False)


@pytest.mark.parametrize(
    ("via_aiohttp", "cause", "reason"),
    [
        (True, chained(OSError("connect"), ConnectionRefusedError(111, "refused")), "connection refused"),
        (True, OSError("disconnected"), "connection error"),
        (True, chained(OSError("read"), TimeoutError()), "timeout"),
        (False, OSError("pool"), "timeout"),
    ],
)
def test_timeouts_reported_for_failed_connections_are_sorted(via_aiohttp, cause, reason):
    """The aiohttp transport reports a failed connection as a connect timeout: with aiohttp's connection
    error and no timeout among its causes it is sorted as a connection error; otherwise it is a timeout."""
    import aiohttp

    error = chained(aiohttp.ClientConnectionError("from aiohttp"), cause) if via_aiohttp else cause
    sorted_error = timeout_error(chained(RuntimeError("SDK timeout"), RuntimeError("httpx2 timeout"), error))

    assert sorted_error.reason == reason
