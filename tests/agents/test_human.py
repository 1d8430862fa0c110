"""A person at the keyboard behind the gateway: no timeout, no budget, no retries, no model slot."""

from __future__ import annotations

import asyncio
import io
import os

from agents.chat import ChatRequest, ModelSettings
from agents.doubles import ScriptedModel
from agents.errors import PlayerLeft
from agents.gateway import Gateway, RetryPolicy
from agents.human import HumanModel, TerminalReader
from runtime.clock import FakeClock
from runtime.events import capture_events
from tests.support.agents import let_run


class Keyboard:
    """A person's input: each line is typed only when the test says so."""

    def __init__(self) -> None:
        self.prompts: list[str] = []
        self.asked = asyncio.Event()
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()

    async def __call__(self, prompt: str) -> str | None:
        self.prompts.append(prompt)
        self.asked.set()
        return await self._lines.get()

    def type(self, line: str | None) -> None:
        self._lines.put_nowait(line)


def ask(agent: str = "guesser", timeout_s: float = 1.0) -> ChatRequest:
    return ChatRequest.build(
        agent, [{"role": "user", "content": "guess"}], ModelSettings("m", timeout_s=timeout_s)
    )


async def test_a_person_is_never_timed_out_or_retried():
    """A person may think far past the request timeout and the budget: asked once, answer kept."""
    clock = FakeClock()
    keyboard = Keyboard()
    gateway = Gateway(clock=clock, retry=RetryPolicy(max_total_s=5.0))
    person = HumanModel("> ", "GUESS: ", read_line=keyboard)

    sink, logs = capture_events()
    turn = asyncio.create_task(gateway.complete(person, ask(), sink))
    await keyboard.asked.wait()
    clock.advance(3600.0)
    await let_run()
    assert not turn.done()
    keyboard.type("apple")
    reply = await turn

    assert (reply.text, reply.attempts) == ("GUESS: apple", 1)
    assert keyboard.prompts == ["> "]
    assert [entry["event"] for entry in logs] == ["llm_call"]
    assert logs[0]["latency_ms"] == 3_600_000


async def test_a_person_takes_no_model_slot():
    """While a person thinks, a model call still gets the gateway's only slot."""
    keyboard = Keyboard()
    gateway = Gateway(max_concurrency=1, clock=FakeClock())
    turn = asyncio.create_task(gateway.complete(HumanModel("> ", read_line=keyboard), ask("hinter")))
    await keyboard.asked.wait()
    model_call = asyncio.create_task(gateway.complete(ScriptedModel(["a clue"]), ask("other")))
    try:
        await let_run()
        assert model_call.done()
        assert model_call.result().text == "a clue"
    finally:
        model_call.cancel()
        keyboard.type("done")
        await asyncio.gather(turn, model_call, return_exceptions=True)


async def test_an_empty_line_asks_again() -> None:
    """Empty or blank lines are not replies: the prompt comes again, and the first real line counts."""
    keyboard = Keyboard()
    for line in ("", "   ", "thunder"):
        keyboard.type(line)
    reply = await HumanModel("Your guess> ", "GUESS: ", read_line=keyboard).complete(ask())
    assert reply.text == "GUESS: thunder"
    assert keyboard.prompts == ["Your guess> "] * 3


async def test_end_of_input_is_said_on_a_line_of_its_own() -> None:
    """Ctrl-D at the prompt: the reader ends the prompt's line, and the person has left."""
    read_fd, write_fd = os.pipe()
    os.close(write_fd)  # nothing will be typed: end of input
    out = io.StringIO()
    with os.fdopen(read_fd) as stdin:
        person = HumanModel("Your guess> ", "GUESS: ", read_line=TerminalReader(stdin, out))
        try:
            await person.complete(ask())
        except PlayerLeft:
            pass
        else:
            raise AssertionError("end of input did not end the person's play")
    assert out.getvalue() == "Your guess> \n"
