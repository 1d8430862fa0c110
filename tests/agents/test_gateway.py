"""The gateway against a real loopback HTTP server: retries, limits, odd replies, accounting, logging."""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import AsyncIterator

import pytest

from agents.chat import ChatRequest, ModelSettings
from agents.endpoint import Endpoint
from agents.errors import ModelRejected, ModelUnavailable
from agents.gateway import AgentModel, Gateway, RetryPolicy
from agents.openai_model import OpenAIModel
from runtime.events import capture_events
from tests.support.chat_server import ChatServer, Reply, unused_loopback_url


class RecordedSleep:
    """An injectable sleep that returns at once and remembers how long it was asked to wait."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
async def model(chat_server: ChatServer) -> AsyncIterator[OpenAIModel]:
    async with OpenAIModel(Endpoint(base_url=chat_server.base_url)) as real:
        yield real


@pytest.fixture
def sleep() -> RecordedSleep:
    return RecordedSleep()


@pytest.fixture
def gateway(sleep: RecordedSleep) -> Gateway:
    return Gateway(sleep=sleep)


def ask(text: str = "Give me a clue.", *, agent: str = "hinter", game_id: str | None = "g1", **settings):
    return ChatRequest.build(
        agent,
        [{"role": "system", "content": "You play Taboo."}, {"role": "user", "content": text}],
        ModelSettings(model=settings.pop("model", "test-model"), **settings),
        game_id=game_id,
    )


def events(logs: list[dict], name: str) -> list[dict]:
    return [entry for entry in logs if entry["event"] == name]


async def test_success_sends_model_messages_and_settings(chat_server, model, gateway):
    """A completion's request body carries the model, the messages and the agent's settings."""
    chat_server.reply("A fruit that keeps doctors away.")
    request = ask(temperature=0.3, top_p=0.9, max_tokens=50, seed=7, stop=("\n\n",))

    reply = await gateway.complete(model, request)

    assert reply.text == "A fruit that keeps doctors away."
    assert reply.attempts == 1
    assert chat_server.bodies == [
        {
            "model": "test-model",
            "messages": request.wire_messages(),
            "temperature": 0.3,
            "top_p": 0.9,
            "max_tokens": 50,
            "seed": 7,
            "stop": ["\n\n"],
        }
    ]


async def test_rate_limit_waits_as_retry_after_says(chat_server, model, gateway, sleep):
    """A 429 is retried after exactly the Retry-After seconds the server sent."""
    chat_server.reply(Reply.status_error(429, headers={"Retry-After": "7"}), "ok now")

    sink, logs = capture_events()
    reply = await gateway.complete(model, ask(), sink)

    assert reply.text == "ok now"
    assert reply.attempts == 2
    assert sleep.waits == [7.0]
    [retry] = events(logs, "llm_retry")
    assert retry["reason"] == "HTTP 429"
    assert retry["wait_s"] == 7.0
    assert retry["attempt"] == 1


async def test_retry_after_ms_is_honoured(chat_server, model, gateway, sleep):
    """A retry-after-ms header sets the wait in milliseconds."""
    chat_server.reply(Reply.status_error(503, headers={"retry-after-ms": "250"}), "ok")

    await gateway.complete(model, ask())

    assert sleep.waits == [0.25]


async def test_retry_after_is_capped(chat_server, model, sleep):
    """A Retry-After beyond the policy's cap waits only the cap."""
    gateway = Gateway(sleep=sleep, retry=RetryPolicy(max_retry_after_s=30.0))
    chat_server.reply(Reply.status_error(429, headers={"Retry-After": "3600"}), "ok")

    await gateway.complete(model, ask())

    assert sleep.waits == [30.0]


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
async def test_transient_statuses_are_retried(chat_server, model, gateway, status):
    """408, 409, 429 and 5xx are retried."""
    chat_server.reply(Reply.status_error(status), "recovered")

    reply = await gateway.complete(model, ask())

    assert (reply.text, reply.attempts) == ("recovered", 2)


async def test_server_errors_until_attempts_spent_raise_model_unavailable(chat_server, model, sleep):
    """500s until the attempts are spent end in one clear ModelUnavailable."""
    gateway = Gateway(sleep=sleep, retry=RetryPolicy(max_attempts=4))
    chat_server.default = Reply.status_error(500, "overloaded")

    sink, logs = capture_events()
    with pytest.raises(ModelUnavailable) as caught:
        await gateway.complete(model, ask(), sink)

    assert chat_server.calls == 4
    assert len(sleep.waits) == 3
    assert caught.value.attempts == 4
    message = str(caught.value)
    assert message.startswith(
        f"the model 'test-model' at {chat_server.base_url} did not answer after 4 attempts"
    )
    assert message.endswith("(last: HTTP 500)")
    assert "\n" not in message
    [failed] = events(logs, "llm_failed")
    assert (failed["reason"], failed["attempts"]) == ("HTTP 500", 4)
    assert events(logs, "llm_call") == []


async def test_time_budget_bounds_retries(chat_server, model, sleep):
    """Retrying stops when the next wait would overrun the total time budget."""
    gateway = Gateway(sleep=sleep, retry=RetryPolicy(max_total_s=60.0))
    chat_server.default = Reply.status_error(429, headers={"Retry-After": "40"})

    with pytest.raises(ModelUnavailable):
        await gateway.complete(model, ask())

    assert sleep.waits == [40.0]
    assert chat_server.calls == 2


async def warm_up(gateway: Gateway, model: OpenAIModel, chat_server: ChatServer) -> None:
    """One answered call, so that the client's first-use setup (TLS context, pool) is not timed later."""
    chat_server.reply("warm")
    await gateway.complete(model, ask())


async def test_slow_server_times_out_then_retry_succeeds(chat_server, model, gateway):
    """A reply slower than the per-request timeout is abandoned and the retry's reply is used."""
    await warm_up(gateway, model, chat_server)
    chat_server.reply(Reply.text("too late").delayed(10), "in time")

    sink, logs = capture_events()
    reply = await gateway.complete(model, ask(timeout_s=0.2), sink)

    assert (reply.text, reply.attempts) == ("in time", 2)
    assert [retry["reason"] for retry in events(logs, "llm_retry")] == ["timeout"]


async def test_server_that_never_answers_is_bounded_by_the_budget(chat_server, model, sleep):
    """A server that never answers costs one call its budget, not attempts times request timeout."""
    gateway = Gateway(sleep=sleep, retry=RetryPolicy(max_total_s=0.6, initial_backoff_s=0.01, jitter_s=0.0))
    await warm_up(gateway, model, chat_server)
    chat_server.default = Reply.silent()

    sink, logs = capture_events()
    with pytest.raises(ModelUnavailable) as caught:
        await gateway.complete(model, ask(timeout_s=0.5), sink)

    assert (caught.value.reason, caught.value.attempts) == ("timeout", 2)
    assert chat_server.calls == 3
    [failed] = events(logs, "llm_failed")
    assert 550 <= failed["latency_ms"] < 950  # 0.6 s in all; without the cut, at least 1.01 s


async def test_refused_connection_before_any_answer_fails_fast(sleep):
    """Nothing listening and nothing ever answered: one quick retry, then one line naming the server."""
    url = unused_loopback_url()
    key = "sk-SENTINEL-refused-0123456789"
    gateway = Gateway(sleep=sleep)

    async with OpenAIModel(Endpoint.from_env(base_url=url, env={"OPENAI_API_KEY": key})) as model:
        with pytest.raises(ModelUnavailable) as caught:
            await gateway.complete(model, ask())

    assert (caught.value.reason, caught.value.attempts) == ("connection refused", 2)
    assert len(sleep.waits) == 1 and sleep.waits[0] <= 1.0
    message = str(caught.value)
    assert message.startswith(
        f"cannot reach the server at {url} for the model 'test-model': connection refused"
    )
    assert "\n" not in message and key not in message


async def test_refused_connection_after_an_answer_keeps_the_backoff(chat_server, model):
    """A server that answered once and then refuses (a restart mid-run) is retried with backoff."""
    waits: list[float] = []

    async def restart_on_the_third_wait(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 3:
            chat_server.start()  # back on the same port

    gateway = Gateway(sleep=restart_on_the_third_wait)
    chat_server.reply("first", "back")
    await gateway.complete(model, ask())
    chat_server.stop()

    sink, logs = capture_events()
    reply = await gateway.complete(model, ask(), sink)

    assert (reply.text, reply.attempts) == ("back", 4)
    assert [retry["reason"] for retry in events(logs, "llm_retry")] == ["connection refused"] * 3


async def test_malformed_json_body_is_retried(chat_server, model, gateway):
    """A garbled JSON body counts as a transient failure and is retried."""
    chat_server.reply(Reply.malformed(), "fine")

    sink, logs = capture_events()
    reply = await gateway.complete(model, ask(), sink)

    assert reply.text == "fine"
    assert [retry["reason"] for retry in events(logs, "llm_retry")] == ["malformed reply"]


async def test_dropped_connection_is_retried(chat_server, model, gateway):
    """A connection closed without an answer is retried as a connection error."""
    chat_server.reply(Reply.dropped(), "back")

    sink, logs = capture_events()
    reply = await gateway.complete(model, ask(), sink)

    assert reply.text == "back"
    assert [retry["reason"] for retry in events(logs, "llm_retry")] == ["connection error"]


async def test_null_content_returns_empty_reply(chat_server, model, gateway):
    """`content: null` comes back as an empty reply, not a crash and not a retry."""
    chat_server.reply(Reply.text(None))

    reply = await gateway.complete(model, ask())

    assert (reply.text, reply.empty, reply.attempts) == ("", True, 1)


async def test_whitespace_and_markdown_come_back_as_sent(chat_server, model, gateway):
    """Markdown and odd whitespace are returned untouched for the game to judge."""
    chat_server.reply("  **Clue:** a\u00a0red fruit\r\n\n")

    reply = await gateway.complete(model, ask())

    assert reply.text == "  **Clue:** a\u00a0red fruit\r\n\n"
    assert not reply.empty


async def test_unauthorized_is_not_retried_and_says_so(chat_server, model, gateway, sleep):
    """A 401 fails at once with one line naming the server and the rejected key."""
    chat_server.default = Reply.status_error(401, "Incorrect API key provided")

    sink, logs = capture_events()
    with pytest.raises(ModelRejected) as caught:
        await gateway.complete(model, ask(), sink)

    assert str(caught.value) == f"the server at {chat_server.base_url} rejected the API key (HTTP 401)"
    assert caught.value.status == 401
    assert chat_server.calls == 1
    assert sleep.waits == []
    assert events(logs, "llm_retry") == []
    [failed] = events(logs, "llm_failed")
    assert failed["reason"] == "ModelRejected"


@pytest.mark.parametrize("status", [400, 403, 404, 422])
async def test_client_errors_are_not_retried(chat_server, model, gateway, status):
    """400, 403, 404 and 422 fail at once as ModelRejected with the status in the message."""
    chat_server.default = Reply.status_error(status, "model 'nope' does not exist")

    with pytest.raises(ModelRejected) as caught:
        await gateway.complete(model, ask(model="nope"))

    assert chat_server.calls == 1
    assert f"(HTTP {status})" in str(caught.value)
    assert "'nope'" in str(caught.value)


async def test_concurrency_cap_is_never_exceeded(chat_server, model):
    """100 concurrent requests reach the server at most 8 at a time, and the cap is reached."""
    gateway = Gateway(max_concurrency=8)
    await warm_up(gateway, model, chat_server)  # a backend's first call goes alone
    chat_server.default = Reply.text("done").delayed(10)

    tasks = [asyncio.create_task(gateway.complete(model, ask(agent=f"a{i}"))) for i in range(100)]
    reached = await asyncio.to_thread(chat_server.wait_for_in_flight, 8)
    chat_server.release()
    replies = await asyncio.gather(*tasks)

    assert reached
    assert chat_server.max_in_flight == 8
    assert chat_server.calls == 101
    assert {reply.text for reply in replies} == {"done"}


async def test_usage_is_summed_per_agent_game_and_run(chat_server, model, gateway):
    """Token usage adds up per agent, per game and for the run."""
    chat_server.reply(
        Reply.text("a", usage={"prompt_tokens": 10, "completion_tokens": 1}),
        Reply.text("b", usage={"prompt_tokens": 20, "completion_tokens": 2}),
        Reply.text("c", usage={"prompt_tokens": 40, "completion_tokens": 4}),
    )

    await gateway.complete(model, ask(agent="hinter", game_id="g1"))
    await gateway.complete(model, ask(agent="guesser", game_id="g1"))
    await gateway.complete(model, ask(agent="hinter", game_id="g2"))

    ledger = gateway.ledger
    assert (ledger.agent("hinter").prompt_tokens, ledger.agent("hinter").completion_tokens) == (50, 5)
    assert ledger.agent("hinter", "g1").prompt_tokens == 10
    assert (ledger.game("g1").prompt_tokens, ledger.game("g1").completion_tokens) == (30, 3)
    assert (ledger.run.calls, ledger.run.total_tokens) == (3, 77)
    assert not ledger.run.estimated


async def test_missing_usage_is_estimated_and_marked(chat_server, model, gateway):
    """With no usage from the server, tokens are estimated from characters and marked estimated."""
    chat_server.reply(Reply.text("x" * 40, usage=None))
    request = ask("y" * 21)

    sink, logs = capture_events()
    reply = await gateway.complete(model, request, sink)

    prompt_chars = sum(len(message.content) for message in request.messages)
    assert reply.usage.completion_tokens == 10
    assert reply.usage.prompt_tokens == -(-prompt_chars // 4)
    assert reply.usage.estimated
    assert events(logs, "llm_call")[0]["usage"]["estimated"] is True
    assert gateway.ledger.run.estimated_calls == 1


async def test_refusal_is_returned_as_data(chat_server, model, gateway):
    """A refusal comes back in the reply, with the finish reason, for the game to handle."""
    chat_server.reply(Reply.text(None, refusal="I can't help with that.", finish_reason="content_filter"))

    reply = await gateway.complete(model, ask())

    assert reply.refusal == "I can't help with that."
    assert reply.refused and reply.empty
    assert reply.finish_reason == "content_filter"


async def test_huge_reply_is_truncated_and_marked(chat_server, model, sleep):
    """A reply longer than the cap is cut to the cap and marked truncated."""
    gateway = Gateway(sleep=sleep, max_reply_chars=100)
    chat_server.reply("z" * 5000)

    sink, logs = capture_events()
    reply = await gateway.complete(model, ask(), sink)

    assert (len(reply.text), reply.truncated) == (100, True)
    assert events(logs, "llm_call")[0]["truncated"] is True


async def test_llm_call_event_carries_the_call(chat_server, model, gateway):
    """Each call logs one llm_call with the request, the response, usage, latency and attempts."""
    chat_server.reply(Reply.status_error(500), Reply.text("clue", finish_reason="length"))
    request = ask(temperature=0.5)

    sink, logs = capture_events()
    await gateway.complete(model, request, sink)

    [call] = events(logs, "llm_call")
    assert call["agent"] == "hinter"
    assert call["game_id"] == "g1"
    assert call["model"] == "test-model"
    assert call["backend"] == "openai"
    assert call["messages"] == request.wire_messages()
    assert call["settings"] == {"temperature": 0.5}
    assert call["response"] == "clue"
    assert call["finish_reason"] == "length"
    assert call["usage"] == {"prompt_tokens": 11, "completion_tokens": 7, "estimated": False}
    assert call["attempts"] == 2
    assert call["call_index"] == 0
    assert isinstance(call["latency_ms"], int) and call["latency_ms"] >= 0
    assert call["log_level"] == "info"


async def test_a_model_in_a_game_logs_its_calls_to_the_games_events(chat_server, model, gateway):
    """A model seated in a game (AgentModel.in_game) logs llm_call to that game's events, with its id."""
    chat_server.reply("hi")
    sink, logs = capture_events()
    agent = AgentModel(gateway, model, "guesser", ModelSettings("test-model")).in_game(sink, "g7")

    await agent.ask([{"role": "user", "content": "guess"}])

    [call] = events(logs, "llm_call")
    assert (call["game_id"], call["agent"]) == ("g7", "guesser")
    assert gateway.ledger.game("g7").calls == 1


async def test_sentinel_key_never_leaks(chat_server, sleep):
    """The API key reaches the server but no log line, error text, repr or message."""
    key = "sk-SENTINEL-0123456789abcdef"
    endpoint = Endpoint.from_env(base_url=chat_server.base_url, env={"OPENAI_API_KEY": key})
    gateway = Gateway(sleep=sleep, retry=RetryPolicy(max_attempts=2))
    chat_server.reply(
        "fine",
        Reply.status_error(400, f"bad request from key {key}"),
        Reply.status_error(500, f"key {key} overloaded"),
        Reply.status_error(500, f"key {key} overloaded"),
        Reply.status_error(401, f"Incorrect API key provided: {key}"),
    )
    seen: list[str] = [repr(endpoint)]

    async with OpenAIModel(endpoint) as model:
        seen.append(repr(model))
        sink, logs = capture_events()
        await gateway.complete(model, ask(), sink)
        for expected in (ModelRejected, ModelUnavailable, ModelRejected, ModelRejected):
            with pytest.raises(expected) as caught:
                await gateway.complete(model, ask(), sink)
            seen += [str(caught.value), repr(caught.value), repr(caught.value.args)]
            seen.append("".join(traceback.format_exception(caught.value)))

    seen += [repr(entry) for entry in logs]
    assert chat_server.requests[0].headers["authorization"] == f"Bearer {key}"
    assert not [text for text in seen if key in text]
    assert not [body for body in chat_server.bodies if key in repr(body)]
