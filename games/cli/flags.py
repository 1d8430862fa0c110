"""The flags every game command takes (CONTRACT.md), declared once."""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence

from agents.gateway import DEFAULT_MAX_CONCURRENCY
from agents.request_timeout import DEFAULT_REQUEST_TIMEOUT_S, REQUEST_TIMEOUT_ENV, parse_seconds
from games.cli.distributed.keys import DEFAULT_QUEUE
from games.cli.model_settings import add_settings_flags
from games.kit.arguments import add_concurrency_flag, positive_int, whole_number
from games.kit.definition import Side


def seconds(text: str) -> float:
    try:
        return parse_seconds(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_common_flags(
    parser: argparse.ArgumentParser, roles: Iterable[str], sides: Sequence[Side] = ()
) -> None:
    """--seed, models, their settings and personas per role (and per side: games.kit.definition.Side),
    the endpoint, --human, the log, --games, --quiet."""
    roles = tuple(roles)
    parser.add_argument(
        "--seed", type=whole_number, help="seed every random choice (same seed, same offline game)"
    )
    parser.add_argument(
        "--games",
        type=positive_int,
        metavar="N",
        help="play N games (default 1; a game whose data lists its games, such as an instances file: all)",
    )
    add_concurrency_flag(parser)
    workers = parser.add_argument_group("workers (docs/distributed.md)")
    workers.add_argument(
        "--redis",
        metavar="URL",
        help="with --games: share the games out to `worker` processes through this Redis server",
    )
    workers.add_argument(
        "--queue",
        default=DEFAULT_QUEUE,
        metavar="NAME",
        help=f"with --redis: the queue whose workers play the games (default {DEFAULT_QUEUE!r})",
    )
    models = parser.add_argument_group("models")
    models.add_argument(
        "--model", metavar="M", help="model for every role; 'offline' for the built-in players"
    )
    for role in roles:
        models.add_argument(f"--{role}-model", metavar="M", help=f"model for the {role} (overrides --model)")
    for side in sides:
        models.add_argument(
            f"--{side.name}-model",
            metavar="M",
            help=f"model for the {side.name} side, {side.help} (default: the {side.role}'s)",
        )
    models.add_argument(
        "--base-url", metavar="URL", help="an OpenAI-compatible endpoint (default: OPENAI_BASE_URL)"
    )
    models.add_argument("--offline", action="store_true", help="same as --model offline")
    models.add_argument(
        "--script",
        metavar="FILE",
        help="same as --model script:FILE: every role replies from FILE (see docs/models.md)",
    )
    models.add_argument(
        "--max-concurrent-calls",
        type=positive_int,
        default=DEFAULT_MAX_CONCURRENCY,
        metavar="N",
        help=f"model calls in flight at once, across all games (default {DEFAULT_MAX_CONCURRENCY})",
    )
    models.add_argument("--rpm", type=positive_int, metavar="N", help="at most N model requests per minute")
    add_settings_flags(models, roles, sides)
    models.add_argument(
        "--request-timeout",
        type=seconds,
        metavar="S",
        help=(
            "seconds one model request may take (default: the persona's request_timeout, else "
            f"${REQUEST_TIMEOUT_ENV}, else {DEFAULT_REQUEST_TIMEOUT_S:g})"
        ),
    )
    people = parser.add_argument_group("players")
    for role in roles:
        people.add_argument(
            f"--{role}", metavar="P", help=f"persona for the {role}: a name or a persona file (.toml)"
        )
    for side in sides:
        people.add_argument(
            f"--{side.name}",
            metavar="P",
            help=f"persona for the {side.name} side, played as the {side.role} (default: the {side.role}'s)",
        )
    people.add_argument(
        "--persona-dir",
        action="append",
        metavar="DIR",
        help="look for personas by name in DIR first, then ./personas/, then the built-ins (repeatable)",
    )
    people.add_argument(
        "--human", choices=roles, metavar="ROLE", help=f"a person plays ROLE ({', '.join(roles)})"
    )
    output = parser.add_argument_group("output")
    output.add_argument("--log", metavar="PATH", help="write the run log (JSON Lines) to PATH")
    output.add_argument("--log-dir", metavar="DIR", help="write the run log into DIR (default runs/)")
    output.add_argument(
        "--summary-json", metavar="PATH", help="with --games: write the summary figures as JSON"
    )
    output.add_argument(
        "--resume", metavar="LOG", help="with --games: play only the games LOG has not finished"
    )
    output.add_argument("--quiet", action="store_true", help="print only the final outcome line")
