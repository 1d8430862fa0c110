"""Scale: N agents alive and waiting on their mailboxes in one process (default 10,000).

    python bench/bench_scale.py [--agents 10000]

Measures memory per agent (traced Python allocations) and start-up time per agent, from `add()` until
every agent waits in `receive()`, against bare asyncio tasks each awaiting its own asyncio.Queue (the
baseline, in the same run). Then one message wakes every agent (a broadcast) and the run stops.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from runtime import END, AgentNode, AsyncFlow, Runtime  # noqa: E402

WAITING = [0]


class Wait(AgentNode):
    async def prep_async(self, shared: object) -> None:
        WAITING[0] += 1
        # A receive timeout keeps the runtime from calling 10,000 idle agents a deadlock (it would be).
        await self.agent.receive(timeout=3600)

    async def post_async(self, shared: object, prep_res: object, exec_res: object) -> str:
        return END


async def all_waiting(count: int, waiting) -> None:
    # Let the event loop run until every task has reached its wait (only the loop's turns are spent).
    while waiting() < count:  # noqa: ASYNC110 - counting loop turns is the point here
        await asyncio.sleep(0)


async def bare_tasks(count: int) -> tuple[float, float]:
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    queues: list[asyncio.Queue[int]] = [asyncio.Queue() for _ in range(count)]
    waiting = 0

    async def wait(queue: asyncio.Queue[int]) -> None:
        nonlocal waiting
        waiting += 1
        await queue.get()

    tasks = [asyncio.create_task(wait(queue)) for queue in queues]
    await all_waiting(count, lambda: waiting)
    elapsed = time.perf_counter() - started
    memory, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    for queue in queues:
        queue.put_nowait(1)
    await asyncio.gather(*tasks)
    return elapsed, memory


async def runtime_agents(count: int) -> tuple[float, float]:
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    runtime = Runtime(log_messages=False)
    for i in range(count):
        runtime.add(f"a{i}", AsyncFlow(start=Wait()))
    run = asyncio.create_task(runtime.run())
    await all_waiting(count, lambda: WAITING[0])
    elapsed = time.perf_counter() - started
    memory, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    for name in runtime.agents:
        await runtime.send("bench", name, "wake")
    result = await run
    assert result.status == "done", result.reason
    return elapsed, memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=10_000)
    args = parser.parse_args()
    n = args.agents
    base_time, base_memory = asyncio.run(bare_tasks(n))
    time_s, memory = asyncio.run(runtime_agents(n))
    print(f"{n:,} agents alive and waiting")
    print(f"{'variant':34} {'start-up/agent':>15} {'memory/agent':>13}")
    for name, seconds, used in (
        ("bare task + asyncio.Queue", base_time, base_memory),
        ("runtime agent (AsyncFlow+mailbox)", time_s, memory),
    ):
        print(f"{name:34} {seconds / n * 1e6:12.1f} us {used / n / 1024:10.2f} KiB")
    print(f"ratio: start-up {time_s / base_time:.1f}x, memory {memory / base_memory:.1f}x")


if __name__ == "__main__":
    main()
