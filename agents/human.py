"""A person at the terminal, behind the same ChatModel interface as a model.

The person's lines are read without blocking the event loop: with `loop.add_reader` on the terminal
(no thread at all), or, where stdin cannot be watched (a regular file), with one daemon thread per line.
Ctrl-D (end of input) raises PlayerLeft.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TextIO

from agents.chat import ChatReply, ChatRequest
from agents.doubles import reply_for
from agents.errors import PlayerLeft

ReadLine = Callable[[str], Awaitable[str | None]]


class TerminalReader:
    """Reads whole lines from a file descriptor for asyncio code; None at end of input."""

    def __init__(self, stream: TextIO | None = None, out: TextIO | None = None) -> None:
        self._stream = stream or sys.stdin
        self._out = out or sys.stdout
        self._buffer = b""
        self._eof = False

    async def __call__(self, prompt: str) -> str | None:
        self._out.write(prompt)
        self._out.flush()
        try:
            while b"\n" not in self._buffer and not self._eof:
                chunk = await self._read_chunk()
                if chunk:
                    self._buffer += chunk
                else:
                    self._eof = True
        except BaseException:  # Ctrl-C at the prompt: what follows starts on a line of its own
            self._new_line()
            raise
        if not self._buffer:
            self._new_line()  # Ctrl-D at the prompt: the terminal's cursor is still after it
            return None
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.decode("utf-8", errors="replace").rstrip("\r")

    def _new_line(self) -> None:
        self._out.write("\n")
        self._out.flush()

    async def _read_chunk(self) -> bytes:
        fd = self._stream.fileno()
        loop = asyncio.get_running_loop()
        ready = loop.create_future()
        try:
            loop.add_reader(fd, _set_once, ready, None)
        except (PermissionError, NotImplementedError, ValueError, OSError):
            return await _read_in_thread(fd)
        try:
            await ready
        finally:
            loop.remove_reader(fd)
        return os.read(fd, 4096)


def _set_once(future: asyncio.Future[None], value: None) -> None:
    if not future.done():
        future.set_result(value)


async def _read_in_thread(fd: int) -> bytes:
    loop = asyncio.get_running_loop()
    done: asyncio.Future[bytes] = loop.create_future()

    def read() -> None:
        data = os.read(fd, 4096)
        try:
            loop.call_soon_threadsafe(lambda: done.done() or done.set_result(data))
        except RuntimeError:
            pass  # the loop has closed: nobody waits for this line any more

    threading.Thread(target=read, daemon=True, name="terminal-input").start()
    return await done


class HumanModel:
    """A person plays the role: each request shows `prompt` and the typed line is the reply.

    `prefix` (for example "GUESS: ") is put before the line unless the person typed it already, so the
    referee judges a person by the same format rules as a model; a request whose context has a
    `reply_prefix` (a game whose replies change form from turn to turn) uses that one instead. `shape`
    turns the line into the reply where its form depends on what was typed (a question or a guess).
    A person never types a protocol tag.
    """

    name = "human"
    interactive = True  # a person: the gateway applies no timeout, budget or retry to this model

    def __init__(
        self,
        prompt: str,
        prefix: str = "",
        *,
        read_line: ReadLine | None = None,
        shape: Callable[[str], str] | None = None,
        intro: Callable[[Mapping[str, Any]], str] | None = None,
    ) -> None:
        self.prompt = prompt
        self.prefix = prefix
        self.shape = shape
        self.intro = intro  # told once, above the first prompt
        self._read_line = read_line or TerminalReader()

    async def complete(self, request: ChatRequest) -> ChatReply:
        prompt = self.prompt
        if self.intro is not None:
            prompt = self.intro(request.context or {}) + prompt
            self.intro = None
        line = await self._read_line(prompt)
        while line is not None and not line.strip():  # an empty line: asked again, nothing is spent
            line = await self._read_line(self.prompt)
        if line is None:
            raise PlayerLeft("the player closed the input (Ctrl-D)")
        text = line.strip()
        prefix = str((request.context or {}).get("reply_prefix", self.prefix))  # a game may ask per turn
        tag = prefix.strip().lower()
        if tag and not text.lower().startswith(tag):
            text = prefix + text
        elif not tag and self.shape is not None:
            text = self.shape(text)
        return reply_for(request, text)
