"""A real HTTP chat-completions server on 127.0.0.1 for tests: scripted replies, recorded requests.

It speaks `POST /v1/chat/completions` and `GET /v1/models` from a daemon thread, so both in-process
clients and `python main.py ...` subprocesses can reach it at `base_url`. Each chat request takes the
next queued `Reply`, else asks `handler(body, call_index)`, else gets `default`.

Delays wait on one threading.Event (`release()` sets it), so `stop()` never waits out a slow reply.
"""

from __future__ import annotations

import json
import socket
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFAULT_USAGE: Mapping[str, int] = {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}
JOIN_TIMEOUT_S = 5.0
SILENT_S = 3600.0  # a silent reply's delay: longer than any test, and `stop()` releases it anyway


@dataclass(frozen=True)
class Reply:
    """One scripted answer: a completion, a status error, a raw body, or a dropped connection."""

    content: str | None = "ok"
    finish_reason: str | None = "stop"
    refusal: str | None = None
    usage: Mapping[str, int] | None = field(default_factory=lambda: dict(DEFAULT_USAGE))
    model: str | None = None
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    error: Mapping[str, Any] | None = None
    raw_body: bytes | None = None
    content_type: str = "application/json"
    delay_s: float = 0.0
    drop: bool = False

    @classmethod
    def text(cls, content: str | None, **options: Any) -> Reply:
        return cls(content=content, **options)

    @classmethod
    def status_error(
        cls, status: int, message: str = "scripted error", *, headers: Mapping[str, str] | None = None
    ) -> Reply:
        error = {"message": message, "type": "test_error", "code": str(status)}
        return cls(status=status, headers=dict(headers or {}), error=error)

    @classmethod
    def malformed(cls, body: bytes = b'{"choices": [{"message": ', **options: Any) -> Reply:
        return cls(raw_body=body, **options)

    @classmethod
    def dropped(cls) -> Reply:
        """Close the connection without answering."""
        return cls(drop=True)

    @classmethod
    def silent(cls) -> Reply:
        """Never answer: hold the connection open until the server is released or stopped."""
        return cls(delay_s=SILENT_S)

    def delayed(self, seconds: float) -> Reply:
        """This reply, sent only after `seconds` or when the server is released, whichever comes first."""
        return replace(self, delay_s=seconds)

    def completion_body(self, request_body: Mapping[str, Any], index: int) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": self.content}
        if self.refusal is not None:
            message["refusal"] = self.refusal
        body: dict[str, Any] = {
            "id": f"chatcmpl-test-{index}",
            "object": "chat.completion",
            "created": 0,
            "model": self.model or request_body.get("model") or "test-model",
            "choices": [{"index": 0, "message": message, "finish_reason": self.finish_reason}],
        }
        if self.usage is not None:
            body["usage"] = dict(self.usage)
        return body


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


Handler = Callable[[dict[str, Any], int], Reply]


class ChatServer:
    """Start with `start()` (or `with`), point a client at `base_url`, script replies, read `requests`."""

    def __init__(
        self, *, models: Iterable[str] = ("test-model",), default: Reply | None = None, port: int = 0
    ) -> None:
        self.models = tuple(models)
        self.port = port  # 0: any free port at the first start; a restart listens where it did
        self.default = default or Reply()
        self.handler: Handler | None = None
        self.requests: list[RecordedRequest] = []
        self.errors: list[BaseException] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._queue: deque[Reply] = deque()
        self._calls = 0
        self._lock = threading.Condition()
        self._released = threading.Event()
        self._handler_threads: set[threading.Thread] = set()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- scripting and inspection --------------------------------------------------------------

    def reply(self, *replies: Reply | str) -> None:
        """Queue replies for the next chat requests, in order (a str is a plain completion)."""
        with self._lock:
            self._queue.extend(Reply.text(r) if isinstance(r, str) else r for r in replies)

    @property
    def bodies(self) -> list[Any]:
        """The JSON bodies of the chat completion requests received so far."""
        with self._lock:
            return [r.body for r in self.requests if r.path.endswith("/chat/completions")]

    @property
    def calls(self) -> int:
        with self._lock:
            return self._calls

    def release(self) -> None:
        """Let every delayed reply go now, and any later one without waiting."""
        self._released.set()

    def wait_for_in_flight(self, count: int, timeout: float = 5.0) -> bool:
        """Block until `count` chat requests are being handled at once (or `timeout` passes)."""
        with self._lock:
            return self._lock.wait_for(lambda: self.in_flight >= count, timeout)

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the chat server is not running")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> ChatServer:
        self._httpd = _Server(("127.0.0.1", self.port), _RequestHandler)
        self.port = self._httpd.server_address[1]
        self._httpd.chat = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release delayed replies, stop serving, and wait for handler threads to finish."""
        self.release()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(JOIN_TIMEOUT_S)
        with self._lock:
            threads = list(self._handler_threads)
        for thread in threads:
            thread.join(JOIN_TIMEOUT_S)
        self._httpd = None

    def __enter__(self) -> ChatServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- used by the handler threads -----------------------------------------------------------

    def _record(self, recorded: RecordedRequest, chat: bool) -> tuple[int, Reply | None]:
        with self._lock:
            self._handler_threads.add(threading.current_thread())
            self.requests.append(recorded)
            if not chat:
                return -1, None
            index = self._calls
            self._calls += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self._lock.notify_all()
            queued = self._queue.popleft() if self._queue else None
        return index, queued

    def _choose(self, body: Any, index: int, queued: Reply | None) -> Reply:
        if queued is not None:
            return queued
        if self.handler is not None:
            try:
                return self.handler(body if isinstance(body, dict) else {}, index)
            except Exception as err:  # a bug in the test's handler: answer, and report it at stop
                self.errors.append(err)
                return Reply.status_error(599, f"chat_server handler raised {err!r}")
        return self.default

    def _finished(self, chat: bool) -> None:
        with self._lock:
            if chat:
                self.in_flight -= 1
            self._handler_threads.discard(threading.current_thread())
            self._lock.notify_all()

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self._released.wait(seconds)


def unused_loopback_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens: connecting there is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 256
    chat: ChatServer


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"
    timeout = 10

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        chat = self.server.chat
        chat._record(RecordedRequest("GET", self.path, self._headers(), None), chat=False)
        try:
            if self.path.rstrip("/").endswith("/models"):
                data = [{"id": m, "object": "model", "created": 0, "owned_by": "test"} for m in chat.models]
                self._send(200, {}, json.dumps({"object": "list", "data": data}).encode())
            else:
                self._send(404, {}, json.dumps({"error": {"message": f"no route {self.path}"}}).encode())
        finally:
            chat._finished(chat=False)

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        chat = self.server.chat
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        is_chat = self.path.rstrip("/").endswith("/chat/completions")
        index, queued = chat._record(RecordedRequest("POST", self.path, self._headers(), body), chat=is_chat)
        try:
            if not is_chat:
                self._send(404, {}, json.dumps({"error": {"message": f"no route {self.path}"}}).encode())
                return
            reply = chat._choose(body, index, queued)
            chat._wait(reply.delay_s)
            self._answer(reply, body if isinstance(body, dict) else {}, index)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout); nothing left to say
        finally:
            chat._finished(chat=is_chat)

    def _answer(self, reply: Reply, body: Mapping[str, Any], index: int) -> None:
        if reply.drop:
            self.close_connection = True
            return
        if reply.raw_body is not None:
            self._send(reply.status, reply.headers, reply.raw_body, reply.content_type)
        elif reply.status >= 400:
            self._send(reply.status, reply.headers, json.dumps({"error": reply.error or {}}).encode())
        else:
            payload = json.dumps(reply.completion_body(body, index)).encode()
            self._send(reply.status, reply.headers, payload, reply.content_type)

    def _send(
        self, status: int, headers: Mapping[str, str], payload: bytes, content_type: str = "application/json"
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _headers(self) -> dict[str, str]:
        return {name.lower(): value for name, value in self.headers.items()}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        pass  # keep test output clean
