"""Message overhead: two agents bouncing N messages through the runtime, against raw asyncio.Queues.

    python bench/bench_messages.py [--messages N] [--repeat R] [--pairs P]

Prints messages per second for each variant and its ratio to the raw-queue baseline measured in the
same process. Figures are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from runtime import CONTINUE, END, AgentNode, AsyncFlow, RunLog, Runtime  # noqa: E402
from runtime.events import NULL_EVENTS  # noqa: E402


async def raw_queues(messages: int, pairs: int) -> None:
    """The baseline: two tasks per pair bouncing a counter through two asyncio.Queues."""

    async def player(inbox: asyncio.Queue[int], outbox: asyncio.Queue[int], serve: bool) -> None:
        if serve:
            outbox.put_nowait(0)
        while True:
            n = await inbox.get()
            if n >= messages:
                outbox.put_nowait(n + 1)
                return
            outbox.put_nowait(n + 1)

    async with asyncio.TaskGroup() as group:
        for _ in range(pairs):
            a: asyncio.Queue[int] = asyncio.Queue()
            b: asyncio.Queue[int] = asyncio.Queue()
            group.create_task(player(a, b, serve=True))
            group.create_task(player(b, a, serve=False))


class Serve(AgentNode):
    """Send the first counter."""

    def __init__(self, peer: str) -> None:
        super().__init__()
        self.peer = peer

    async def post_async(self, shared: object, prep_res: object, exec_res: object) -> str:
        await self.agent.send(self.peer, "count", "0")
        return CONTINUE


class Bounce(AgentNode):
    """Receive a counter and send it on plus one; at the limit, tell the peer and both finish."""

    def __init__(self, peer: str, limit: int) -> None:
        super().__init__()
        self.peer = peer
        self.limit = limit

    async def prep_async(self, shared: object) -> int | None:
        message = await self.agent.receive()
        return None if message.kind == "done" else int(message.text)

    async def post_async(self, shared: object, n: int | None, exec_res: object) -> str:
        if n is None:
            return END
        if n + 1 >= self.limit:
            await self.agent.send(self.peer, "done")
            return END
        await self.agent.send(self.peer, "count", str(n + 1))
        return CONTINUE


def agent_flow(peer: str, limit: int, serve: bool) -> AsyncFlow:
    bounce = Bounce(peer, limit)
    bounce - CONTINUE >> bounce
    if not serve:
        return AsyncFlow(start=bounce)
    first = Serve(peer)
    first - CONTINUE >> bounce
    return AsyncFlow(start=first)


async def through_runtime(messages: int, pairs: int, run_log: RunLog | None) -> None:
    events = NULL_EVENTS if run_log is None else run_log.events
    runtime = Runtime(log_messages=run_log is not None, events=events)
    for i in range(pairs):
        runtime.add(f"a{i}", agent_flow(f"b{i}", messages, serve=True))
        runtime.add(f"b{i}", agent_flow(f"a{i}", messages, serve=False))
    result = await runtime.run()
    assert result.ok, result.reason


def timed(variant: str, make, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        asyncio.run(make())
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000, help="messages per pair")
    parser.add_argument("--pairs", type=int, default=1, help="agent pairs exchanging at once")
    parser.add_argument("--repeat", type=int, default=5, help="best of R runs")
    args = parser.parse_args()
    n, pairs = args.messages, args.pairs
    total = n * pairs

    with tempfile.TemporaryDirectory() as tmp:
        log_path = Path(tmp) / "bench.jsonl"

        async def logged() -> None:
            with RunLog(log_path) as run_log:
                await through_runtime(n, pairs, run_log)

        results = {
            "raw asyncio.Queue": timed("raw", lambda: raw_queues(n, pairs), args.repeat),
            "runtime, logging off": timed("off", lambda: through_runtime(n, pairs, None), args.repeat),
            "runtime, every message logged": timed("logged", logged, args.repeat),
        }
    baseline = results["raw asyncio.Queue"]
    print(f"{total:,} messages ({pairs} pair(s) x {n:,}), best of {args.repeat}")
    print(f"{'variant':32} {'msgs/s':>12} {'ratio to raw':>13}")
    for name, seconds in results.items():
        print(f"{name:32} {total / seconds:12,.0f} {seconds / baseline:12.2f}x")


if __name__ == "__main__":
    main()
