"""Client CPU per model call: the gateway over the openai SDK against a bare HTTP post of the same request.

    python bench/bench_model_calls.py [--calls 300] [--rounds 5]

A loopback chat-completions server (tests/support/chat_server.py) runs in its own process and answers at
once, so the CPU this process spends per call (time.process_time) is the client's alone: a bare post of
the request's JSON body with the SDK's HTTP client (httpx2, one connection pool), then the same request
through `OpenAIModel.complete`, then through `Gateway.complete` (limits, retries, the usage ledger,
`llm_call` dropped). Calls one after another; rounds interleave the variants; medians (lowest–highest).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx2  # noqa: E402

from agents import Endpoint, Gateway, OpenAIModel  # noqa: E402
from agents.chat import ChatRequest, ModelSettings  # noqa: E402
from bench.measure import Spread  # noqa: E402

SERVER = (
    "import sys; from tests.support.chat_server import ChatServer\n"
    "with ChatServer() as server:\n"
    "    print(server.base_url, flush=True); sys.stdin.read()\n"
)
PROMPT = [
    {"role": "system", "content": "You are the Hinter in a game of Taboo. " * 8},
    {"role": "user", "content": "Give your first clue."},
]


async def rounds(base_url: str, calls: int, count: int) -> dict[str, list[float]]:
    request = ChatRequest.build("hinter", PROMPT, ModelSettings(model="test-model"))
    body = {"model": "test-model", "messages": PROMPT}
    cpu: dict[str, list[float]] = {"bare HTTP post": [], "OpenAIModel.complete": [], "Gateway.complete": []}
    async with httpx2.AsyncClient() as http, OpenAIModel(Endpoint(base_url=base_url)) as model:
        gateway = Gateway()

        async def bare() -> None:
            reply = await http.post(f"{base_url}/chat/completions", json=body)
            json.loads(reply.text)["choices"][0]["message"]["content"]

        async def direct() -> None:
            await model.complete(request)

        async def gated() -> None:
            await gateway.complete(model, request)

        work = {"bare HTTP post": bare, "OpenAIModel.complete": direct, "Gateway.complete": gated}
        for one in work.values():  # warm: connections open, first-call paths taken
            await one()
        for _ in range(count):
            for name, one in work.items():
                started = time.process_time()
                for _ in range(calls):
                    await one()
                cpu[name].append((time.process_time() - started) / calls)
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", "--repeat", type=int, default=5)
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().strip()
        cpu = asyncio.run(rounds(base_url, args.calls, args.rounds))
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=30)
    base = Spread.of(cpu["bare HTTP post"]).median
    print(
        f"client CPU per call, {args.calls} calls a round, medians of {args.rounds} rounds (lowest–highest)"
    )
    for name, values in cpu.items():
        spread = Spread.of([v * 1000 for v in values])
        print(f"  {name:<22} {spread.shown('ms', 3)}  {spread.median / 1000 / base:.2f}x")


if __name__ == "__main__":
    main()
