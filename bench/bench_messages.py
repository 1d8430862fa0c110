"""Message overhead: two agents bouncing N messages through the runtime, against raw asyncio.Queues.

    python bench/bench_messages.py [--messages N] [--rounds R] [--pairs P] [--instructions]

Prints, for each variant, the median time of R interleaved rounds with the lowest and highest, messages
per second and the ratio to the raw-queue baseline of the same run; with --instructions, also the
instructions per message of each (callgrind, 2,000 against 10,000 messages per pair). Figures are
recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.measure import add_options, count_variants, interleaved, report_instructions, report_times  # noqa: E402
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


VARIANTS = ("raw asyncio.Queue", "runtime, logging off", "runtime, every message logged")
BASELINE = VARIANTS[0]


def run_once(variant: str, messages: int, pairs: int, log_path: Path) -> None:
    """One variant, once, in its own event loop (what a round times, and what callgrind counts)."""
    if variant == BASELINE:
        asyncio.run(raw_queues(messages, pairs))
    elif variant == VARIANTS[1]:
        asyncio.run(through_runtime(messages, pairs, None))
    else:

        async def logged() -> None:
            with RunLog(log_path) as run_log:
                await through_runtime(messages, pairs, run_log)

        asyncio.run(logged())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000, help="messages per pair")
    parser.add_argument("--pairs", type=int, default=1, help="agent pairs exchanging at once")
    add_options(parser, rounds=5)
    args = parser.parse_args()
    n, pairs = args.messages, args.pairs
    total = n * pairs
    with tempfile.TemporaryDirectory() as tmp:
        log_path = Path(tmp) / "bench.jsonl"
        if args.one:
            run_once(args.one, n, pairs, log_path)
            return
        print(f"{total:,} messages ({pairs} pair(s) x {n:,})")
        work = {name: (lambda name=name: run_once(name, n, pairs, log_path)) for name in VARIANTS}
        report_times(interleaved(work, args.rounds), BASELINE, total, "messages")
    if args.instructions:
        small, large = max(pairs * 2, 2_000 // pairs), max(pairs * 2, 10_000 // pairs)
        per_unit = count_variants(
            __file__,
            VARIANTS,
            ["--messages", str(small), "--pairs", str(pairs)],
            ["--messages", str(large), "--pairs", str(pairs)],
            (large - small) * pairs,
            ROOT,
        )
        report_instructions(per_unit, BASELINE, "message")


if __name__ == "__main__":
    main()
