"""Scale: N agents alive and waiting on their mailboxes in one process (default 10,000).

    python bench/bench_scale.py [--agents 10000 [100000 ...]] [--rounds R] [--traced] [--instructions]

For each N, each variant runs in a fresh process, the variants interleaved round by round: the runtime's
agents (an AsyncFlow over a node waiting in `receive()`, from the first `add()` until every agent waits),
against bare asyncio tasks each awaiting its own asyncio.Queue (the baseline). Reported: start-up time
per agent (median, lowest–highest) and memory per agent: the growth of the process's resident memory
(what the machine pays), or with --traced Python's traced allocations (exact, but tracing slows
start-up, so times are then not comparable with untraced ones). Then one message wakes every agent and
the run stops. With --instructions, also the instructions per agent of each variant (callgrind, 2,000
against 10,000 agents: start, wake-up and end).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.measure import Spread, add_options, count_variants, python, report_instructions  # noqa: E402
from runtime import END, AgentNode, AsyncFlow, Runtime  # noqa: E402

WAITING = [0]
BARE, RUNTIME = "bare task + asyncio.Queue", "runtime agent (flow, node, mailbox)"


class Wait(AgentNode):
    async def prep_async(self, shared: object) -> None:
        WAITING[0] += 1
        # A receive timeout keeps the runtime from calling 10,000 idle agents a deadlock (it would be).
        await self.agent.receive(timeout=3600)

    async def post_async(self, shared: object, prep_res: object, exec_res: object) -> str:
        return END


def resident() -> int:
    """The process's resident memory now, in bytes."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


async def all_waiting(count: int, waiting: Callable[[], int]) -> None:
    # Let the event loop run until every task has reached its wait (only the loop's turns are spent).
    while waiting() < count:  # noqa: ASYNC110 - counting loop turns is the point here
        await asyncio.sleep(0)


class Meter:
    """Start-up time and memory from `start()` until `stop()`: resident memory, or traced allocations."""

    def __init__(self, traced: bool) -> None:
        self.traced = traced

    def start(self) -> None:
        gc.collect()
        if self.traced:
            tracemalloc.start()
        self.memory = resident()
        self.usage = resource.getrusage(resource.RUSAGE_SELF)
        self.started = time.perf_counter()

    def stop(self) -> dict[str, float]:
        elapsed = time.perf_counter() - self.started
        usage = resource.getrusage(resource.RUSAGE_SELF)
        if self.traced:
            memory, _ = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        else:
            memory = resident() - self.memory
        return {
            "startup_s": elapsed,
            "memory": memory,
            # Where start-up's time went: the process's own work, and the kernel's (mostly giving it
            # fresh pages of memory, one page fault each).
            "user_s": usage.ru_utime - self.usage.ru_utime,
            "system_s": usage.ru_stime - self.usage.ru_stime,
            "page_faults": usage.ru_minflt - self.usage.ru_minflt,
        }


async def bare_tasks(count: int, meter: Meter) -> dict[str, float]:
    meter.start()
    queues: list[asyncio.Queue[int]] = [asyncio.Queue() for _ in range(count)]
    waiting = 0

    async def wait(queue: asyncio.Queue[int]) -> None:
        nonlocal waiting
        waiting += 1
        await queue.get()

    tasks = [asyncio.create_task(wait(queue)) for queue in queues]
    await all_waiting(count, lambda: waiting)
    figures = meter.stop()
    for queue in queues:
        queue.put_nowait(1)
    await asyncio.gather(*tasks)
    return figures


async def runtime_agents(count: int, meter: Meter) -> dict[str, float]:
    meter.start()
    runtime = Runtime(log_messages=False)
    with runtime.adding():  # as a program adding many agents does: no collections while it adds them
        for i in range(count):
            runtime.add(f"a{i}", AsyncFlow(start=Wait()))
    run = asyncio.create_task(runtime.run())
    await all_waiting(count, lambda: WAITING[0])
    figures = meter.stop()
    for name in runtime.agents:
        await runtime.send("bench", name, "wake")
    result = await run
    assert result.status == "done", result.reason
    return figures


def run_one(variant: str, count: int, traced: bool) -> dict[str, float]:
    work = bare_tasks if variant == BARE else runtime_agents
    return asyncio.run(work(count, Meter(traced)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, nargs="+", default=[10_000])
    parser.add_argument("--traced", action="store_true", help="memory as Python's traced allocations")
    add_options(parser, rounds=3)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.agents[0], args.traced)))
        return
    me = str(Path(__file__).resolve())
    kind = "traced allocations" if args.traced else "resident memory growth"
    print(f"start-up per agent and memory per agent ({kind}); medians of {args.rounds} interleaved rounds")
    for n in args.agents:
        figures: dict[str, list[dict[str, float]]] = {BARE: [], RUNTIME: []}
        for _ in range(args.rounds):
            for variant in figures:
                argv = python(
                    me, "--one", variant, "--agents", str(n), *(["--traced"] if args.traced else [])
                )
                done = subprocess.run(argv, cwd=ROOT, check=True, capture_output=True, text=True)
                figures[variant].append(json.loads(done.stdout))
        print(f"{n:,} agents")
        spreads = {}
        for variant, runs in figures.items():
            startup = Spread.of([run["startup_s"] / n * 1e6 for run in runs])
            memory = Spread.of([run["memory"] / n / 1024 for run in runs])
            spreads[variant] = (startup, memory)
            user = statistics.median(run["user_s"] / n * 1e6 for run in runs)
            system = statistics.median(run["system_s"] / n * 1e6 for run in runs)
            faults = statistics.median(run["page_faults"] / n for run in runs)
            print(
                f"  {variant:<36} start-up {startup.shown('µs', 1)}  memory {memory.shown('KiB', 2)}\n"
                f"  {'':<36} of it CPU: user {user:.1f} µs, system {system:.1f} µs "
                f"({faults:.2f} page faults per agent)"
            )
        (base_t, base_m), (rt_t, rt_m) = spreads[BARE], spreads[RUNTIME]
        print(
            f"  ratio: start-up {rt_t.median / base_t.median:.2f}x, memory {rt_m.median / base_m.median:.2f}x"
        )
    if args.instructions:
        per_unit = count_variants(
            __file__, (BARE, RUNTIME), ["--agents", "2000"], ["--agents", "10000"], 8_000, ROOT
        )
        report_instructions(per_unit, BARE, "agent")


if __name__ == "__main__":
    main()
