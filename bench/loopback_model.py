"""A lean chat-completions server on 127.0.0.1 for benchmarks: every reply waits a fixed delay.

    python bench/loopback_model.py [--delay-ms 20] [--port 0]

It prints `listening PORT` once it accepts connections and serves until SIGTERM or SIGINT (`started`
runs it so from a benchmark and gives its base URL). One asyncio
loop, keep-alive connections, a protocol rather than streams, the request parsed with orjson and each
reply sent by a timer (no thread or task per request): its own CPU per call stays small beside the
client's, so that on a small machine the figures measure the project, not the model double. Taboo's
hinter answers a fresh clue each turn and the guesser a wrong guess, so every game runs all its turns.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson

MODELS = b'{"object":"list","data":[{"id":"m","object":"model","owned_by":"bench"}]}'


def answer(body: dict) -> str:
    """The reply to a Taboo request: which role is asking, and how many turns went before."""
    messages = body.get("messages") or [{}]
    system = str(messages[0].get("content") or "")
    turns = sum(1 for message in messages if message.get("role") == "assistant")
    if "hinter" in system.lower():
        return f"CLUE: zorp quib {turns + 1}"
    return f"GUESS: wrong{turns}"


def completion(body: dict, index: int) -> bytes:
    reply = {
        "id": f"chatcmpl-bench-{index}",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model") or "m",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": answer(body)}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }
    return orjson.dumps(reply)


def response(status: str, payload: bytes) -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    return head.encode() + payload


CONTENT_LENGTH = b"\r\ncontent-length:"


def content_length(head: bytes) -> int:
    at = head.lower().find(CONTENT_LENGTH)
    if at < 0:
        return 0
    return int(head[at + len(CONTENT_LENGTH) :].split(b"\r\n", 1)[0])  # int() takes the spaces around


class Server:
    """The replies: each chat completion written `delay_s` after its request arrived, by a timer (no
    task per request)."""

    def __init__(self, delay_s: float) -> None:
        self.delay_s = delay_s
        self.calls = 0

    def reply(self, transport: asyncio.Transport, head: bytes, body: bytes) -> None:
        request_line = head.split(b"\r\n", 1)[0].split(b" ")
        path = request_line[1] if len(request_line) > 1 else b""
        if path.endswith(b"/chat/completions"):
            self.calls += 1
            payload = response("200 OK", completion(orjson.loads(body), self.calls))
            asyncio.get_running_loop().call_later(self.delay_s, _send, transport, payload)
        elif path.endswith(b"/models"):
            _send(transport, response("200 OK", MODELS))
        else:
            _send(transport, response("404 Not Found", b'{"error":{"message":"not found"}}'))


def _send(transport: asyncio.Transport, data: bytes) -> None:
    if not transport.is_closing():
        transport.write(data)


class Connection(asyncio.Protocol):
    """One keep-alive connection: requests cut out of the bytes as they come (head, then
    Content-Length bytes of body)."""

    def __init__(self, server: Server) -> None:
        self._server = server
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        assert self._transport is not None
        self._buffer += data
        while (end := self._buffer.find(b"\r\n\r\n")) >= 0:
            head = bytes(self._buffer[:end])
            whole = end + 4 + content_length(head)
            if len(self._buffer) < whole:
                return
            body = bytes(self._buffer[end + 4 : whole])
            del self._buffer[:whole]
            self._server.reply(self._transport, head, body)


@contextlib.contextmanager
def started(delay_ms: float) -> Iterator[str]:
    """This server in a process of its own for the duration of the block: its base URL (…/v1)."""
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--delay-ms", str(delay_ms)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().split()
        if line[:1] != ["listening"]:
            raise RuntimeError("the loopback model server did not start")
        yield f"http://127.0.0.1:{line[1]}/v1"
    finally:
        process.terminate()
        process.wait(timeout=30)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay-ms", type=float, default=20.0)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = Server(args.delay_ms / 1000)
    loop = asyncio.get_running_loop()
    listening = await loop.create_server(lambda: Connection(server), "127.0.0.1", args.port, backlog=1024)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print(f"listening {listening.sockets[0].getsockname()[1]}", flush=True)
    async with listening:
        await stop.wait()
    print(f"served {server.calls} call(s)", file=sys.stderr, flush=True)


if __name__ == "__main__":
    asyncio.run(main())
