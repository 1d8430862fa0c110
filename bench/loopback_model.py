"""A lean chat-completions server on 127.0.0.1 for benchmarks: every reply waits a fixed delay.

    python bench/loopback_model.py [--delay-ms 20] [--port 0]

It prints `listening PORT` once it accepts connections and serves until SIGTERM or SIGINT (`started`
runs it so from a benchmark and gives its base URL). One asyncio
loop, keep-alive connections, no thread per request: its own CPU per call stays small beside the
client's, so that on a small machine the figures measure the project, not the model double. Taboo's
hinter answers a fresh clue each turn and the guesser a wrong guess, so every game runs all its turns.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

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
    return json.dumps(reply).encode()


def response(status: str, payload: bytes) -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    return head.encode() + payload


class Server:
    def __init__(self, delay_s: float) -> None:
        self.delay_s = delay_s
        self.calls = 0

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                request_line, *header_lines = head.decode("latin-1").split("\r\n")
                length = 0
                for line in header_lines:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                raw = await reader.readexactly(length) if length else b""
                path = request_line.split(" ")[1] if " " in request_line else ""
                if path.endswith("/chat/completions"):
                    self.calls += 1
                    payload = completion(json.loads(raw), self.calls)
                    await asyncio.sleep(self.delay_s)
                    writer.write(response("200 OK", payload))
                elif path.endswith("/models"):
                    writer.write(response("200 OK", MODELS))
                else:
                    writer.write(response("404 Not Found", b'{"error":{"message":"not found"}}'))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


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
    listening = await asyncio.start_server(server.serve, "127.0.0.1", args.port, backlog=1024)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print(f"listening {listening.sockets[0].getsockname()[1]}", flush=True)
    async with listening:
        await stop.wait()
    print(f"served {server.calls} call(s)", file=sys.stderr, flush=True)


if __name__ == "__main__":
    asyncio.run(main())
