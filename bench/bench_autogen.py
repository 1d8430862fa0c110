"""autogen-core's `send_message` round trip against the runtime's, measured in the same run.

    python bench/bench_autogen.py [--trips 20000] [--rounds 5] [--python PY] [--instructions]

autogen-core is not a dependency of the project: the benchmark runs its side in an interpreter that has
it: --python PY, else this one if it can import autogen_core, else a virtual environment it makes once
in the temporary directory (`pip install autogen-core`, which needs the package index); when none can
be had it says so in one line and exits 0. A round trip is, for autogen-core, `await
runtime.send_message(Ping, agent)` answered by a RoutedAgent's handler (SingleThreadedAgentRuntime, its
defaults); for the runtime, agent A sends to agent B and B's reply reaches A (two messages, logging off).
Both processes also time raw asyncio.Queue round trips, the anchor that shows how fast each ran. Rounds
interleave the two sides (each side's timing excludes starting Python and importing). With
--instructions, also the instructions per round trip of each side (callgrind, 500 against 2,000).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = Path(tempfile.gettempdir()) / "queueagents-bench-autogen"


async def raw_trips(trips: int) -> None:
    """The anchor: a task asks, another answers, over two asyncio.Queues."""
    ask: asyncio.Queue[int] = asyncio.Queue()
    answer: asyncio.Queue[int] = asyncio.Queue()

    async def server() -> None:
        while (n := await ask.get()) >= 0:
            answer.put_nowait(n + 1)

    serving = asyncio.create_task(server())
    n = 0
    for _ in range(trips):
        ask.put_nowait(n)
        n = await answer.get()
    ask.put_nowait(-1)
    await serving


async def autogen_trips(trips: int) -> float:
    from dataclasses import dataclass

    from autogen_core import AgentId, MessageContext, RoutedAgent, SingleThreadedAgentRuntime, message_handler

    @dataclass
    class Ping:
        n: int

    # autogen-core reads the handler's type hints, which this module's postponed annotations leave as
    # names: they must be found among the module's globals.
    globals().update(Ping=Ping, MessageContext=MessageContext)

    class Echo(RoutedAgent):
        def __init__(self) -> None:
            super().__init__("echo")

        @message_handler
        async def on_ping(self, message: Ping, ctx: MessageContext) -> Ping:
            return Ping(message.n + 1)

    runtime = SingleThreadedAgentRuntime()
    await Echo.register(runtime, "echo", lambda: Echo())
    runtime.start()
    target = AgentId("echo", "default")
    reply = Ping(0)
    started = time.perf_counter()
    for _ in range(trips):
        reply = await runtime.send_message(reply, target)
    elapsed = time.perf_counter() - started
    await runtime.stop()
    assert reply.n == trips
    return elapsed


async def runtime_trips(trips: int) -> float:
    sys.path.insert(0, str(ROOT))
    from bench.bench_messages import through_runtime

    started = time.perf_counter()
    await through_runtime(trips * 2, 1, None)  # two messages per round trip
    return time.perf_counter() - started


def side(name: str, trips: int) -> dict[str, float]:
    """One side's figures in this process: its round trips and the raw-queue anchor, in seconds."""
    started = time.perf_counter()
    asyncio.run(raw_trips(trips))
    anchor = time.perf_counter() - started
    work = autogen_trips if name == "autogen-core" else runtime_trips
    return {"seconds": asyncio.run(work(trips)), "anchor": anchor}


def autogen_python(given: str | None) -> str | None:
    """An interpreter that can import autogen_core, or None (after saying why)."""
    if given:
        return given
    try:
        import autogen_core  # noqa: F401

        return sys.executable
    except ImportError:
        pass
    python = VENV / "bin" / "python"
    if not python.exists():
        print(f"installing autogen-core into {VENV} (once)", flush=True)
        venv.create(VENV, with_pip=True)
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "autogen-core"], capture_output=True
        )
        if done.returncode != 0:
            print("autogen-core could not be installed (no package index?): comparison skipped")
            return None
    return str(python)


def run_side(python: str, name: str, trips: int) -> dict[str, float]:
    argv = [python, str(Path(__file__).resolve()), "--one", name, "--trips", str(trips)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trips", type=int, default=20_000)
    parser.add_argument("--python", help="an interpreter with autogen-core installed")
    parser.add_argument("--rounds", "--repeat", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--instructions", action="store_true", help="also count instructions (callgrind)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(side(args.one, args.trips)))
        return
    python = autogen_python(args.python)
    if python is None:
        return
    sys.path.insert(0, str(ROOT))
    from bench.measure import Spread, instructions_per_unit

    pythons = {"runtime": sys.executable, "autogen-core": python}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in pythons}
    for _ in range(args.rounds):
        for name, interpreter in pythons.items():
            runs[name].append(run_side(interpreter, name, args.trips))
    print(f"{args.trips:,} round trips, medians of {args.rounds} interleaved rounds (lowest–highest)")
    medians = {}
    for name, figures in runs.items():
        trips = Spread.of([args.trips / run["seconds"] for run in figures])
        anchor = Spread.of([args.trips / run["anchor"] for run in figures])
        medians[name] = trips.median
        print(f"  {name:<13} {trips.shown('trips/s', 0)}   anchor (raw queues) {anchor.shown('trips/s', 0)}")
    print(f"  autogen-core takes {medians['runtime'] / medians['autogen-core']:.2f}x the runtime's per trip")
    if args.instructions:
        counts = {}
        for name, interpreter in pythons.items():
            argv = [interpreter, str(Path(__file__).resolve()), "--one", name, "--trips"]
            counts[name] = instructions_per_unit([*argv, "500"], [*argv, "2000"], 1_500, ROOT)
        print("instructions per round trip (callgrind; each process also runs its anchor, counted in)")
        for name, count in counts.items():
            print(f"  {name:<13} {count:12,.0f}")
        print(f"  ratio autogen-core / runtime: {counts['autogen-core'] / counts['runtime']:.2f}x")


if __name__ == "__main__":
    main()
