"""The gateway trips on failures no retry or later call can escape: a rejected key (401), a refused
access (403), an unknown model (404), a server never reached. Later calls to that backend send nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from agents.chat import ChatRequest, ModelSettings
from agents.doubles import ScriptedModel
from agents.endpoint import Endpoint
from agents.errors import ModelError, ModelRejected, ModelUnavailable, TransientModelError
from agents.gateway import Gateway
from agents.openai_model import OpenAIModel
from runtime.events import capture_events
from tests.support.chat_server import ChatServer, Reply


def ask(agent: str = "hinter", model: str = "test-model") -> ChatRequest:
    return ChatRequest.build(
        agent, [{"role": "user", "content": "clue?"}], ModelSettings(model), game_id="g1"
    )


async def no_wait(seconds: float) -> None:
    pass


class Fatal:
    """An on_fatal callback that remembers what it was called with."""

    def __init__(self) -> None:
        self.errors: list[ModelError] = []

    def __call__(self, error: ModelError) -> None:
        self.errors.append(error)


@pytest.fixture
async def model(chat_server: ChatServer) -> AsyncIterator[OpenAIModel]:
    async with OpenAIModel(Endpoint(base_url=chat_server.base_url)) as real:
        yield real


async def test_after_a_rejected_key_no_request_is_sent(chat_server, model):
    """After a 401, five concurrent asks fail at once with the same error: one request reached the server."""
    chat_server.default = Reply.status_error(401, "Incorrect API key provided")
    on_fatal = Fatal()
    gateway = Gateway(sleep=no_wait, on_fatal=on_fatal)
    with pytest.raises(ModelRejected) as first:
        await gateway.complete(model, ask())

    results = await asyncio.gather(
        *(gateway.complete(model, ask(f"agent{i}")) for i in range(5)), return_exceptions=True
    )

    assert chat_server.calls == 1
    assert [type(result) for result in results] == [ModelRejected] * 5
    assert {str(result) for result in results} == {str(first.value)}
    assert {result.status for result in results} == {401}
    assert gateway.fatal is first.value
    assert on_fatal.errors == [first.value]


async def test_first_calls_in_flight_together_send_one_request(chat_server, model):
    """Five games asking a fresh backend at once: the first request goes alone, its 401 stops the rest."""
    chat_server.default = Reply.status_error(401)
    on_fatal = Fatal()
    gateway = Gateway(sleep=no_wait, on_fatal=on_fatal)

    results = await asyncio.gather(
        *(gateway.complete(model, ask(f"a{i}")) for i in range(5)), return_exceptions=True
    )

    assert [type(result) for result in results] == [ModelRejected] * 5
    assert chat_server.calls == 1
    assert len(on_fatal.errors) == 1


async def test_first_call_answered_lets_the_others_go_together(chat_server, model):
    """Once the backend's first call is answered, the calls that waited for it run concurrently."""
    chat_server.reply("first")
    chat_server.default = Reply.text("later").delayed(10)
    gateway = Gateway(max_concurrency=8)

    tasks = [asyncio.create_task(gateway.complete(model, ask(f"a{i}"))) for i in range(5)]
    reached = await asyncio.to_thread(chat_server.wait_for_in_flight, 4)
    chat_server.release()
    replies = await asyncio.gather(*tasks)

    assert reached
    assert sorted(reply.text for reply in replies) == ["first"] + ["later"] * 4


@pytest.mark.parametrize("status", [403, 404])
async def test_refused_access_and_unknown_model_trip_too(chat_server, model, status):
    """A 403 or a 404 stops the backend as a 401 does."""
    chat_server.default = Reply.status_error(status, "nope")
    gateway = Gateway(sleep=no_wait)
    with pytest.raises(ModelRejected):
        await gateway.complete(model, ask())

    with pytest.raises(ModelRejected, match=f"HTTP {status}"):
        await gateway.complete(model, ask("guesser"))

    assert chat_server.calls == 1
    assert isinstance(gateway.fatal, ModelRejected) and gateway.fatal.status == status


@pytest.mark.parametrize("status", [400, 422])
async def test_a_bad_request_does_not_trip(chat_server, model, status):
    """A 400 or 422 is about one request: the next one is still sent."""
    chat_server.reply(Reply.status_error(status, "bad field"), "fine")
    on_fatal = Fatal()
    gateway = Gateway(sleep=no_wait, on_fatal=on_fatal)
    with pytest.raises(ModelRejected):
        await gateway.complete(model, ask())

    reply = await gateway.complete(model, ask())

    assert (reply.text, chat_server.calls) == ("fine", 2)
    assert gateway.fatal is None and on_fatal.errors == []


async def test_on_fatal_is_called_once_for_rejections_in_flight_together(chat_server, model):
    """Three calls in flight together when the key is revoked call on_fatal once; fatal is the first."""
    on_fatal = Fatal()
    gateway = Gateway(sleep=no_wait, on_fatal=on_fatal)
    chat_server.reply("hello")
    await gateway.complete(model, ask())  # answered once: later calls no longer wait for a first one
    chat_server.default = Reply.status_error(401)

    results = await asyncio.gather(
        *(gateway.complete(model, ask(f"a{i}")) for i in range(3)), return_exceptions=True
    )

    assert [type(result) for result in results] == [ModelRejected] * 3
    assert chat_server.calls == 4
    assert len(on_fatal.errors) == 1
    assert gateway.fatal is on_fatal.errors[0]


async def test_a_tripped_backend_leaves_other_backends_alone(chat_server, model):
    """After the real server rejects the key, another backend still answers through the same gateway."""
    chat_server.default = Reply.status_error(401)
    gateway = Gateway(sleep=no_wait)
    with pytest.raises(ModelRejected):
        await gateway.complete(model, ask())

    reply = await gateway.complete(ScriptedModel(["offline clue"]), ask())

    assert reply.text == "offline clue"


async def test_a_server_never_reached_trips():
    """A server unreachable before any answer stops its backend: the next call sends nothing."""
    refused = TransientModelError("connection refused", unreachable=True)
    model = ScriptedModel([refused, refused, "never sent"])
    on_fatal = Fatal()
    gateway = Gateway(sleep=no_wait, on_fatal=on_fatal)
    with pytest.raises(ModelUnavailable) as first:
        await gateway.complete(model, ask())

    sink, logs = capture_events()
    with pytest.raises(ModelUnavailable) as later:
        await gateway.complete(model, ask(), sink)

    assert len(model.requests) == 2
    assert str(later.value) == str(first.value)
    assert on_fatal.errors == [first.value]
    assert [(entry["event"], entry["attempts"]) for entry in logs] == [("llm_failed", 0)]


async def test_a_call_in_backoff_when_the_backend_trips_sends_nothing_more():
    """A call waiting to retry when another call trips the backend fails without another attempt."""
    tripped = asyncio.Event()
    waiting = asyncio.Event()

    async def held_wait(seconds: float) -> None:
        waiting.set()
        await tripped.wait()

    model = ScriptedModel(
        ["hello", TransientModelError("HTTP 503"), ModelRejected("key rejected", status=401), "no"]
    )
    gateway = Gateway(sleep=held_wait)
    await gateway.complete(model, ask("first"))
    retrying = asyncio.create_task(gateway.complete(model, ask("a")))
    await waiting.wait()
    with pytest.raises(ModelRejected):
        await gateway.complete(model, ask("b"))
    tripped.set()

    with pytest.raises(ModelRejected, match="key rejected"):
        await retrying
    assert len(model.requests) == 3
