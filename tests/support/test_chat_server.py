"""The loopback chat server double itself: routes, recording, and a shutdown that never hangs."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request

from tests.support.chat_server import ChatServer, Reply


def post(server: ChatServer, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{server.base_url}/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": "Bearer t"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_queue_then_handler_then_default(chat_server):
    """Queued replies go first, then the handler, which sees the body and call index."""
    chat_server.reply("queued")
    chat_server.handler = lambda body, index: Reply.text(f"{body['model']} #{index}")

    first = post(chat_server, {"model": "m", "messages": []})
    second = post(chat_server, {"model": "m", "messages": []})

    assert first[1]["choices"][0]["message"]["content"] == "queued"
    assert second[1]["choices"][0]["message"]["content"] == "m #1"
    assert chat_server.bodies == [{"model": "m", "messages": []}] * 2
    assert chat_server.requests[0].headers["authorization"] == "Bearer t"


def test_status_error_carries_headers_and_body(chat_server):
    """A scripted status error has its status, headers and an OpenAI-style error body."""
    chat_server.reply(Reply.status_error(429, "slow down", headers={"Retry-After": "2"}))

    status, body = post(chat_server, {"model": "m"})

    assert status == 429
    assert body["error"]["message"] == "slow down"


def test_models_route_lists_models():
    """GET /v1/models lists the configured model ids."""
    with ChatServer(models=("a", "b")) as server:
        with urllib.request.urlopen(f"{server.base_url}/models", timeout=5) as response:
            listed = json.loads(response.read())

    assert [model["id"] for model in listed["data"]] == ["a", "b"]


def test_stop_does_not_wait_for_a_delayed_reply():
    """Stopping the server releases a reply delayed for a minute at once."""
    server = ChatServer().start()
    server.reply(Reply.text("late").delayed(60))
    client = threading.Thread(target=lambda: post(server, {"model": "m"}), daemon=True)
    client.start()
    assert server.wait_for_in_flight(1)

    started = time.monotonic()
    server.stop()
    client.join(5)

    assert time.monotonic() - started < 5
    assert server.in_flight == 0
