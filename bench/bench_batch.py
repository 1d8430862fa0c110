"""Concurrency efficiency: many Taboo games at once against a model that takes 20 ms per call.

    python bench/bench_batch.py [--games 1000] [--latency-ms 20] [--server]

Every game runs the real referee, players, runtime, gateway and run log; only the model is a double
that sleeps `latency` per call (in-process), or, with --server, the loopback chat-completions server
that delays each reply (the real openai client over HTTP). The ideal wall time is the longest game's
model time (its calls are sequential); efficiency = ideal / measured wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agents import (  # noqa: E402
    AgentModel,
    ChatModel,
    ChatRequest,
    Endpoint,
    Gateway,
    ModelSettings,
    OfflineModel,
    OpenAIModel,
)
from games.cli.batch import Batch, GameSpec, game_specs, run_batch  # noqa: E402
from games.kit.outcome import GameResult  # noqa: E402
from games.taboo.deck import load_deck  # noqa: E402
from games.taboo.game import default_player, play_taboo  # noqa: E402
from games.taboo.state import GUESSER, HINTER, TabooSetup  # noqa: E402
from runtime import RunLog  # noqa: E402

TURNS = 3  # every game: three clues, three wrong guesses, lose_turns (6 sequential model calls)


def reply(agent: str, clues: int) -> str:
    return f"CLUE: zorp quib {clues + 1}" if agent == HINTER else f"GUESS: wrong{clues}"


async def play_all(games: int, model: ChatModel, tmp: Path) -> float:
    deck = load_deck()
    cards = {card.target: card for card in deck}
    gateway = Gateway(max_concurrency=games * 2)
    specs = game_specs(1, games, list(cards))
    settings = ModelSettings(model="bench")

    run_log = RunLog(tmp / "batch.jsonl")

    async def one(spec: GameSpec) -> GameResult:
        hinter = default_player(AgentModel(gateway, model, HINTER, settings), HINTER)
        guesser = default_player(AgentModel(gateway, model, GUESSER, settings), GUESSER)
        setup = TabooSetup(card=cards[spec.subject], game_id=spec.game_id, turns=TURNS)
        return await play_taboo(setup, hinter, guesser, events=run_log.events)

    started = time.perf_counter()
    with run_log:
        results = await run_batch(Batch(specs), one, concurrency=games, events=run_log.events)
    elapsed = time.perf_counter() - started
    played = sum(result.outcome == "lose_turns" and result.turns == TURNS for result in results)
    assert played == games, f"only {played} of {games} games went as scripted"
    return elapsed


def sleepy_model(latency_s: float) -> ChatModel:
    async def answer(request: ChatRequest) -> str:
        await asyncio.sleep(latency_s)
        return reply(request.agent, len((request.context or {}).get("clues", [])))

    return OfflineModel(answer, name="sleepy")


async def over_http(games: int, latency_s: float, tmp: Path) -> float:
    from tests.support.chat_server import ChatServer, Reply

    def handler(body: dict, index: int) -> Reply:
        agent = HINTER if "Hinter" in body["messages"][0]["content"] else GUESSER
        clues = sum(1 for m in body["messages"] if m["role"] == "assistant")
        return Reply.text(reply(agent, clues)).delayed(latency_s)

    with ChatServer() as server:
        server.handler = handler
        async with OpenAIModel(Endpoint(base_url=server.base_url)) as model:
            return await play_all(games, model, tmp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--server", action="store_true", help="also run against the loopback HTTP server")
    args = parser.parse_args()
    latency = args.latency_ms / 1000
    ideal = 2 * TURNS * latency  # every game makes 6 sequential calls
    print(f"{args.games} games at once, {args.latency_ms:g} ms per model call, {2 * TURNS} calls per game")
    print(f"ideal wall time (the longest game's model time): {ideal:.3f}s")
    with tempfile.TemporaryDirectory() as tmp:
        wall = asyncio.run(play_all(args.games, sleepy_model(latency), Path(tmp)))
        print(f"in-process model double   wall {wall:7.3f}s  efficiency {ideal / wall:.2f}")
        if args.server:
            wall = asyncio.run(over_http(args.games, latency, Path(tmp)))
            print(f"loopback HTTP server      wall {wall:7.3f}s  efficiency {ideal / wall:.2f}")


if __name__ == "__main__":
    main()
