"""`python main.py worker --redis URL`: the command's flags, and a worker run from them
(games.cli.distributed.worker). Building the flags imports neither redis nor the games."""

from __future__ import annotations

import argparse
import os
import socket

from rich.console import Console

from games.cli.distributed.keys import DEFAULT_QUEUE, QueueKeys
from games.kit.arguments import add_concurrency_flag, positive_int
from games.kit.exits import FAILED, UsageError

DEFAULT_LEASE_S = 30.0
DEFAULT_MAX_DELIVERIES = 3


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "worker",
        help="a worker process: takes games of batches from a Redis server",
        description=(
            "Take games from the batches that `python main.py GAME --games N --redis URL` puts on a Redis "
            "server, play them, and hand in their results. Run any number, on any machine that reaches "
            "the server; stop one with Ctrl-C or SIGTERM (its games go back to the others)."
        ),
    )
    parser.add_argument(
        "--redis", required=True, metavar="URL", help="the Redis server, e.g. redis://127.0.0.1:6379"
    )
    parser.add_argument(
        "--queue", default=DEFAULT_QUEUE, metavar="NAME", help=f"serve this queue (default {DEFAULT_QUEUE!r})"
    )
    add_concurrency_flag(parser)
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="the model server to use (default: the one the batch was started with)",
    )
    parser.add_argument(
        "--lease",
        type=float,
        default=DEFAULT_LEASE_S,
        metavar="S",
        help=f"a game not renewed for S seconds goes to another worker (default {DEFAULT_LEASE_S:g})",
    )
    parser.add_argument(
        "--max-deliveries",
        type=positive_int,
        default=DEFAULT_MAX_DELIVERIES,
        metavar="N",
        help=(
            "a game taken N times and never finished is recorded as an error "
            f"(default {DEFAULT_MAX_DELIVERIES})"
        ),
    )
    parser.add_argument("--quiet", action="store_true", help="print only what goes wrong")
    parser.set_defaults(command=run)


async def run(args: argparse.Namespace, console: Console) -> int:
    if args.lease <= 0:
        raise UsageError(f"--lease {args.lease:g}: give a number of seconds above 0")
    from games.cli.distributed.server import client  # redis, and the games, only for a worker that runs
    from games.cli.distributed.worker import Worker

    redis = client(args.redis)
    worker = Worker(
        redis,
        QueueKeys(args.queue),
        name=f"{socket.gethostname()}-{os.getpid()}",
        concurrency=args.concurrency,
        lease_s=args.lease,
        max_deliveries=args.max_deliveries,
        base_url=args.base_url,
        say=lambda line: console.print(line, highlight=False, markup=False, soft_wrap=True),
        quiet=args.quiet,
    )
    try:
        await worker.connect(args.redis)
        await worker.run()
    finally:
        await worker.close()
    return FAILED  # run() returns only by an error: a worker serves until it is stopped
