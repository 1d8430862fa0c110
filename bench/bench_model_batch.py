"""Model calls per second one process sustains: many Taboo games against a model server that answers
every call after a fixed delay, under a cap on calls in flight.

    python bench/bench_model_batch.py [--games 200] [--in-flight 64] [--delay-ms 20] [--rounds 3]
                                      [--before TREE]

Every game runs the real referee, players, runtime, run log and gateway (its cap: `--in-flight` calls),
and every call goes through the real openai client over HTTP to bench/loopback_model.py, in a process of
its own. All games start at once; each makes 6 calls one after another (3 clues, 3 wrong guesses). Each
run is a fresh process that first makes one call (the import, a connection, the backend's first-call
gate), then times the batch: calls/s is all calls over the wall time, efficiency is calls/s over the
ideal (in-flight / delay: 64 / 20 ms = 3,200 calls/s), and CPU per call is the process's CPU time over
the batch divided by its calls.

`--before TREE` also runs the same batch on another checkout's code (for example
`git archive main | tar -x -C /tmp/before`), interleaved with this tree's round by round, against the
same server. Medians of the rounds (lowest–highest).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TURNS = 3  # three clues, three wrong guesses: 6 sequential model calls a game


async def play(url: str, games: int, in_flight: int, tmp: Path) -> dict[str, float]:
    """The batch in this process, on the code of the tree first on sys.path."""
    from agents import AgentModel, Endpoint, Gateway, ModelSettings, OpenAIModel
    from games.cli.batch import Batch, game_specs, run_batch
    from games.taboo.deck import load_deck
    from games.taboo.game import default_player, play_taboo
    from games.taboo.state import GUESSER, HINTER, TabooSetup
    from runtime import RunLog

    cards = {card.target: card for card in load_deck()}
    specs = game_specs(1, games, list(cards))
    settings = ModelSettings(model="bench")
    gateway = Gateway(max_concurrency=in_flight)
    async with OpenAIModel(Endpoint(base_url=url)) as model:
        await AgentModel(gateway, model, HINTER, settings).ask([{"role": "user", "content": "warm up"}])
        run_log = RunLog(tmp / "batch.jsonl")

        async def one(spec):  # noqa: ANN001, ANN202 - a GameSpec to a GameResult, as run_batch wants
            hinter = default_player(AgentModel(gateway, model, HINTER, settings), HINTER)
            guesser = default_player(AgentModel(gateway, model, GUESSER, settings), GUESSER)
            setup = TabooSetup(card=cards[spec.subject], game_id=spec.game_id, turns=TURNS)
            return await play_taboo(setup, hinter, guesser, events=run_log.events)

        cpu, wall = time.process_time(), time.perf_counter()
        with run_log:
            results = await run_batch(Batch(specs), one, concurrency=games, events=run_log.events)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    played = sum(result.outcome == "lose_turns" and result.turns == TURNS for result in results)
    if played != games:
        raise SystemExit(f"only {played} of {games} games went as scripted")
    return {"calls": games * 2 * TURNS, "wall_s": wall, "cpu_s": cpu}


def run(tree: Path, url: str, games: int, in_flight: int) -> dict[str, float]:
    """One batch in a fresh process on `tree`'s code."""
    done = subprocess.run(
        [sys.executable, __file__, "--run", "--tree", str(tree), "--url", url]
        + ["--games", str(games), "--in-flight", str(in_flight)],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the batch on {tree} failed: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=200)
    parser.add_argument("--in-flight", type=int, default=64)
    parser.add_argument("--delay-ms", type=float, default=20.0)
    parser.add_argument("--rounds", "--repeat", type=int, default=3)
    parser.add_argument("--before", type=Path, help="another checkout to run the same batch on")
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, default=ROOT, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:  # one batch, in this process, on --tree's code
        sys.path.insert(0, str(args.tree.resolve()))
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(asyncio.run(play(args.url, args.games, args.in_flight, Path(tmp)))))
        return

    sys.path.insert(0, str(ROOT))
    from bench.loopback_model import started
    from bench.measure import Spread

    trees = {"after (this tree)": ROOT}
    if args.before is not None:
        trees = {f"before ({args.before})": args.before.resolve(), **trees}
    ideal = args.in_flight / (args.delay_ms / 1000)
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    with started(args.delay_ms) as url:
        for _ in range(args.rounds):
            for name, tree in trees.items():
                runs[name].append(run(tree, url, args.games, args.in_flight))
    print(
        f"{args.games} games at once, {2 * TURNS} calls each, {args.delay_ms:g} ms a reply, "
        f"{args.in_flight} calls in flight (ideal {ideal:,.0f} calls/s); medians of {args.rounds} rounds"
    )
    for name, results in runs.items():
        rate = Spread.of([r["calls"] / r["wall_s"] for r in results])
        cpu = Spread.of([r["cpu_s"] / r["calls"] * 1000 for r in results])
        print(
            f"  {name}: {rate.shown('calls/s', 0)}  efficiency {rate.median / ideal:.3f}  "
            f"CPU per call {cpu.shown('ms', 2)}"
        )


if __name__ == "__main__":
    main()
