"""Client CPU per model call: the gateway over the openai SDK against a bare HTTP post of the same request.

    python bench/bench_model_calls.py [--calls 300] [--rounds 5] [--before TREE] [--instructions]

The loopback model server (bench/loopback_model.py) runs in its own process, keeps connections alive and
answers at once, so the CPU a client process spends per call (time.process_time) is the client's alone.
Calls go one after another. Variants: a bare post of the request's JSON body with httpx2 (the anchor:
the HTTP client the SDK brings, one connection pool) and with aiohttp (the transport the SDK is given
here), then the same request through `OpenAIModel.complete` and through `Gateway.complete` (limits,
retries, the usage ledger, `llm_call` dropped).

Each round runs one fresh process per tree, which warms up (imports, a connection, first-call paths)
and then times `--calls` calls of each of its variants; `--before TREE` (another checkout, for example
`git archive main | tar -x -C /tmp/before`) adds that tree's `OpenAIModel.complete` and `Gateway.complete`,
its process interleaved with this tree's. Medians of the rounds (lowest–highest), and each median's ratio
to the anchor's. `--instructions` also counts instructions per call of every variant with callgrind
(40 against 240 calls), which the machine's load does not change.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANCHOR = "bare HTTP post (httpx2)"
THIS_TREE = (ANCHOR, "bare HTTP post (aiohttp)", "OpenAIModel.complete", "Gateway.complete")
OTHER_TREE = ("OpenAIModel.complete", "Gateway.complete")
PROMPT = [
    {"role": "system", "content": "You are the Hinter in a game of Taboo. " * 8},
    {"role": "user", "content": "Give your first clue."},
]
WARM_UP_CALLS = 10
SMALL, LARGE = 40, 240  # calls counted under callgrind: the difference cancels the teardown


async def measure(url: str, names: list[str], calls: int, pause: bool) -> dict[str, float]:
    """CPU seconds per call of each variant named, in this process, on the code first on sys.path;
    with `pause`, print `ready` after the warm-up and wait for a line on stdin (to be counted from there)."""
    import aiohttp
    import httpx2

    from agents import Endpoint, Gateway, OpenAIModel
    from agents.chat import ChatRequest, ModelSettings

    request = ChatRequest.build("hinter", PROMPT, ModelSettings(model="test-model"))
    body = {"model": "test-model", "messages": PROMPT}
    async with (
        httpx2.AsyncClient() as http,
        aiohttp.ClientSession() as session,
        OpenAIModel(Endpoint(base_url=url)) as model,
    ):
        gateway = Gateway()

        async def bare_httpx2() -> None:
            reply = await http.post(f"{url}/chat/completions", json=body)
            json.loads(reply.text)["choices"][0]["message"]["content"]

        async def bare_aiohttp() -> None:
            async with session.post(f"{url}/chat/completions", json=body) as reply:
                json.loads(await reply.text())["choices"][0]["message"]["content"]

        async def direct() -> None:
            await model.complete(request)

        async def gated() -> None:
            await gateway.complete(model, request)

        every: dict[str, Callable[[], Awaitable[None]]] = {
            ANCHOR: bare_httpx2,
            "bare HTTP post (aiohttp)": bare_aiohttp,
            "OpenAIModel.complete": direct,
            "Gateway.complete": gated,
        }
        cpu: dict[str, float] = {}
        for name in names:
            for _ in range(WARM_UP_CALLS):
                await every[name]()
        if pause:
            print("ready", flush=True)
            sys.stdin.readline()
        for name in names:
            started = time.process_time()
            for _ in range(calls):
                await every[name]()
            cpu[name] = (time.process_time() - started) / calls
    return cpu


def child(tree: Path, url: str, names: list[str], calls: int, *options: str) -> list[str]:
    argv = [sys.executable, __file__, "--child", "--tree", str(tree), "--url", url, "--calls", str(calls)]
    return argv + [arg for name in names for arg in ("--variant", name)] + list(options)


def one_round(tree: Path, url: str, names: list[str], calls: int) -> dict[str, float]:
    done = subprocess.run(
        child(tree, url, names, calls), cwd=tree, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"the calls on {tree} failed: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", "--repeat", type=int, default=5)
    parser.add_argument("--before", type=Path, help="another checkout whose model calls to measure too")
    parser.add_argument("--instructions", action="store_true", help="also count instructions per call")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, default=ROOT, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--variant", action="append", default=[], help=argparse.SUPPRESS)
    parser.add_argument("--pause", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:  # the variants named, in this process, on --tree's code
        sys.path.insert(0, str(args.tree.resolve()))
        print(json.dumps(asyncio.run(measure(args.url, args.variant, args.calls, args.pause))))
        return

    sys.path.insert(0, str(ROOT))
    from bench.loopback_model import started
    from bench.measure import Spread, instructions_after_ready

    trees: dict[str, tuple[Path, tuple[str, ...]]] = {"": (ROOT, THIS_TREE)}
    if args.before is not None:
        trees = {"before: ": (args.before.resolve(), OTHER_TREE), **trees}
    cpu: dict[str, list[float]] = {}
    counts: dict[str, float] = {}
    with started(0) as url:
        for _ in range(args.rounds):
            for label, (tree, names) in trees.items():
                for name, value in one_round(tree, url, list(names), args.calls).items():
                    cpu.setdefault(label + name, []).append(value * 1000)
        if args.instructions:
            for label, (tree, names) in trees.items():
                for name in names:
                    low, high = (
                        instructions_after_ready(child(tree, url, [name], n, "--pause"), cwd=tree)
                        for n in (SMALL, LARGE)
                    )
                    counts[label + name] = (high - low) / (LARGE - SMALL)
    base = Spread.of(cpu[ANCHOR]).median
    print(
        f"client CPU per call, {args.calls} calls a round, medians of {args.rounds} rounds (lowest–highest)"
    )
    for name, values in cpu.items():
        spread = Spread.of(values)
        print(f"  {name:<34} {spread.shown('ms', 3)}  {spread.median / base:.2f}x")
    if counts:
        print(
            f"instructions per call (callgrind from the warm-up on, fixed hash seed; "
            f"{LARGE} calls minus {SMALL})"
        )
        for name, count in counts.items():
            print(f"  {name:<34} {count:12,.0f}  {count / counts[ANCHOR]:.2f}x")


if __name__ == "__main__":
    main()
