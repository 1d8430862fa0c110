"""A batch as a worker sets it up from what the controller published: the game, its Plan (the same a
resumed run would make of the run's log), and the model backends its games share on this worker."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import orjson

from agents import ChatModel, Gateway, ModelError, OpenAIModel
from agents.gateway import DEFAULT_MAX_CONCURRENCY
from agents.limits import Backend as CallBackend
from agents.limits import LocalLimits, RoutedLimits
from games.cli.command import Plan, add_game_parser, plan
from games.cli.distributed.forwarded import SummaryView
from games.cli.distributed.shared_limits import RedisCallLimits
from games.cli.models import Backend
from games.cli.registry import catalog_for, games_by_name
from games.cli.resume import published
from games.cli.summary import summary_view
from games.kit.definition import GameSpec
from games.kit.exits import UsageError
from runtime.clock import SystemClock


@dataclass
class BatchSetup:
    """One batch on this worker: its plan, its gateway and its model on a server (if any)."""

    batch_id: str
    chosen: Plan
    gateway: Gateway
    real_model: ChatModel | None
    shared: RedisCallLimits
    specs: dict[str, GameSpec] = field(default_factory=dict)
    summary: SummaryView | None = None  # what the controller's summary needs of each event

    def spec(self, game_id: str) -> GameSpec:
        spec = self.specs.get(game_id)
        if spec is None:
            raise UsageError(f"batch {self.batch_id}: its plan has no game {game_id!r}")
        return spec

    async def aclose(self) -> None:
        await self.shared.drain()
        closing = getattr(self.real_model, "aclose", None)
        if closing is not None:
            await closing()


def _on_a_server(backend: CallBackend) -> bool:
    return backend[0] == OpenAIModel.name


def set_up(
    batch_id: str,
    payload: bytes,
    *,
    base_url: str | None,
    shared_limits: Callable[[int, int | None], RedisCallLimits],
    on_fatal: Callable[[RedisCallLimits, ModelError], None],
) -> BatchSetup:
    """The batch's Plan from its published form; UsageError (one line) when this worker cannot play it
    (a game it does not know, a persona or script file it does not have)."""
    where = f"batch {batch_id}"
    try:
        message = orjson.loads(payload)
        game_name, config, planned = message["game"], message["config"], message["plan"]
        limits = message.get("limits") or {}
    except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
        raise UsageError(f"{where}: its published plan is malformed ({exc})") from None
    game = games_by_name().get(str(game_name))
    if game is None:
        raise UsageError(f"{where}: this worker does not know the game {game_name!r}")
    parser = argparse.ArgumentParser(prog="worker")
    add_game_parser(parser.add_subparsers(), game)
    args = parser.parse_args([game.name])
    args.base_url = base_url or config.get("base_url")
    chosen = plan(game, args, published(where, config, planned))
    needs_real = any(choice.backend is Backend.OPENAI for choice in chosen.models.values())
    real_model = OpenAIModel(chosen.endpoint) if needs_real else None
    cap, rpm = int(limits.get("max_concurrent_calls") or DEFAULT_MAX_CONCURRENCY), limits.get("rpm")
    # Calls to the model server count against the batch's limits on every worker; the offline and
    # scripted players' calls only against this worker's own.
    shared = shared_limits(cap, rpm)
    routed = RoutedLimits(shared, LocalLimits(cap, rpm, SystemClock()), shared_for=_on_a_server)
    gateway = Gateway(limits=routed, on_fatal=partial(on_fatal, shared))
    setup = BatchSetup(batch_id, chosen, gateway, real_model, shared)
    setup.specs = {spec.game_id: spec for spec in chosen.specs}
    setup.summary = summary_view(catalog_for(game.name))
    return setup
