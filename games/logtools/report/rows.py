"""One row per game, read from run logs in one pass each (memory grows with the games, not the events).

A row holds what a notebook needs to find the game again and to compare it: the run, log and game id,
the game, rule set, cast, card and seeds, the outcome, score and turns, the tokens, latency and cost of
its model calls, its rule violations, the rule set's own scores, and the facts its game declares (the
card's band and category, the sides and the winner: games/kit/facts.py).

A resumed run's log carries the games its earlier logs finished (`run_started.carried`). Those are kept
aside: a carried game becomes a row only when the log it was played in is not among the logs read
(games are known by run id and game id), so every game is counted once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from games.cli.registry import FollowedCatalog
from games.kit import facts as named
from games.kit.common_events import INTERRUPTED, OFFLINE_BACKENDS
from games.kit.events import EventCatalog
from games.kit.outcome import Outcome
from games.logtools.report.prices import Prices
from games.logtools.report.stats import Histogram
from runtime.logread import LogFileError, ReadReport, read_events

# Events the report reads; the others (messages, turns...) are passed over unparsed beyond the envelope.
_GAME_EVENTS = frozenset({"game_cast", "game_started", "llm_call", "game_ended"})


@dataclass
class GameRow:
    """One game, as the CSV/JSON rows show it (field order is column order)."""

    run_id: str
    log: str
    game_id: str
    game: str
    rules: str | None
    cast: str
    players: dict[str, str]
    run_seed: int | None
    seed: int | None
    card: str
    band: str | None
    category: str | None
    outcome: str
    played: bool
    success: bool
    score: float | None
    turns: int | None
    reason: str | None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    tokens_estimated: bool = False
    calls: int = 0
    latency_ms: float = 0.0  # summed over the game's timed model calls
    cost: float | None = None  # in the prices file's currency; None without prices for every model used
    models: list[str] = field(default_factory=list)
    violations: dict[str, int] = field(default_factory=dict)
    rule_scores: dict[str, Any] | None = None  # the rule set's own scores of the game (clembench's)
    sides: dict[str, list[str]] | None = None
    winner: str | None = None
    carried: bool = False  # read from a later log's record of it: no tokens or latency

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ModelUse:
    """One model's calls over every log read: how many, their tokens, and their cost (None unpriced)."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float | None = None


@dataclass
class Latencies:
    """Model latencies by (game, rule set, cast) and by model, as histograms of fixed size; each model's
    calls and tokens."""

    by_cast: dict[tuple[str, str | None, str], Histogram] = field(default_factory=dict)
    by_model: dict[str, Histogram] = field(default_factory=dict)
    use: dict[str, ModelUse] = field(default_factory=dict)

    def add(self, group: tuple[str, str | None, str], model: str, ms: float) -> None:
        self.by_cast.setdefault(group, Histogram()).add(ms)
        self.by_model.setdefault(model, Histogram()).add(ms)

    def used(self, model: str, prompt: int, completion: int, cost: float | None) -> None:
        use = self.use.setdefault(model, ModelUse())
        use.calls += 1
        use.prompt_tokens += prompt
        use.completion_tokens += completion
        if cost is not None:
            use.cost = (use.cost or 0.0) + cost


@dataclass
class LogRows:
    """What one log gave: its rows, the games it carries from earlier logs, what reading noticed."""

    path: str
    rows: list[GameRow]
    carried: list[GameRow]
    warnings: list[str]
    unfinished: list[str]  # games started in this log that never ended in it
    resumed_from: str | None  # the log this run resumed (run_started's config), as it names it


class _Game:
    """A game being read: what its events have said so far."""

    __slots__ = ("players", "cast", "group", "facts", "prompt", "completion", "estimated", "calls", "latency",
                 "cost", "priced", "models", "violations")  # fmt: skip

    def __init__(
        self, players: Mapping[str, str], base: _Base, cast_as: Mapping[str, str] | None = None
    ) -> None:
        self.players = dict(players)
        self.cast = base.cast_label or cast_name(self.players, cast_as)
        self.group = (base.game, base.rules, self.cast)
        self.facts: dict[str, Any] = {}
        self.prompt = self.completion = self.calls = 0
        self.estimated = False
        self.latency = 0.0
        self.cost = 0.0
        self.priced = True
        self.models: dict[str, None] = {}
        self.violations: Counter[str] = Counter()


def read_log_rows(
    path: str, *, cast_label: str | None, prices: Prices | None, lenient: bool, latencies: Latencies
) -> LogRows:
    """Read one run log into rows. Raises LogFileError naming the file and line (see runtime.logread)."""
    report = ReadReport()
    follow = FollowedCatalog()
    events = read_events(path, lenient=lenient, report=report)
    started = next(events)
    catalog = follow(started)
    _check(catalog, started, report)
    config = _mapping(started.get("config"))
    game_name = str(config.get("game") or "?")
    rules = config.get("rules") if isinstance(config.get("rules"), str) else None
    run_id = str(started.get("run_id"))
    run_seed = config.get("seed") if isinstance(config.get("seed"), int) else None
    planned = {
        str(entry.get("game_id")): entry for entry in _list(started.get("plan")) if isinstance(entry, Mapping)
    }
    games: dict[str, _Game] = {}
    rows: list[GameRow] = []
    base = _Base(path, run_id, game_name, rules, run_seed, cast_label)
    for record in events:
        event = record["event"]
        game_id = record.get("game_id")
        if event not in _GAME_EVENTS:
            declared = catalog.get(event)
            if declared is None or game_id not in games:
                continue
            if declared.tally is None and declared.facts is None:
                continue
            declared.checked(record, report.where())
            game = games[game_id]
            if declared.tally is not None:
                for counter, key in declared.tally(record):
                    if counter == "violations":
                        game.violations[key] += 1
            if declared.facts is not None:
                game.facts.update(declared.facts(record, config))
            continue
        _check(catalog, record, report)
        if event == "llm_call":
            game = games.get(game_id) if game_id is not None else None
            _call(record, game, base, prices, latencies)
        elif event == "game_cast":
            games[str(game_id)] = _Game(
                _players(record.get("players")), base, _players(record.get("cast_as"))
            )
        elif event == "game_started":
            catalog = follow(record)
            game = games.get(str(game_id)) or games.setdefault(str(game_id), _planned(planned, game_id, base))
            declared = catalog.get(event)
            if declared is not None and declared.facts is not None:
                game.facts.update(declared.facts(record, config))
        elif event == "game_ended" and record.get("reason") != INTERRUPTED:
            game = games.pop(str(game_id), None)
            game = game or _planned(planned, game_id, base)
            declared = catalog.get(event)
            if declared is not None and declared.facts is not None:
                game.facts.update(declared.facts(record, config))
            rows.append(_row(base, record, game, _mapping(planned.get(game_id)), prices))
    carried = []
    for record in _list(started.get("carried")):
        if isinstance(record, Mapping) and record.get("reason") != INTERRUPTED:
            game_id = record.get("game_id")
            game = _planned(planned, game_id, base)
            row = _row(base, record, game, _mapping(planned.get(game_id)), None)
            row.run_id = str(record.get("run_id") or run_id)
            row.log = str(record.get("log") or path)
            row.carried = True
            carried.append(row)
    resumed = config.get("resumed_from")
    resumed_from = resumed if isinstance(resumed, str) else None
    return LogRows(path, rows, carried, report.warnings, list(games), resumed_from)


@dataclass(frozen=True)
class _Base:
    log: str
    run_id: str
    game: str
    rules: str | None
    run_seed: int | None
    cast_label: str | None

    def group(self, players: Mapping[str, str]) -> tuple[str, str | None, str]:
        return (self.game, self.rules, self.cast_label or cast_name(players))


def _planned(planned: Mapping[str, Mapping[str, Any]], game_id: object, base: _Base) -> _Game:
    """A game that had no game_cast: its players from the run's plan."""
    return _Game(_players(_mapping(planned.get(str(game_id))).get("cast")), base)


def cast_name(players: Mapping[str, str], cast_as: Mapping[str, str] | None = None) -> str:
    """A cast without a name of its own: its players, agent=model/persona, in agent order; `all=` when
    every seat has the same player (Chameleon's seats, most offline games). With `cast_as` (game_cast's:
    agent -> the side or role whose cast it played, written when a side had a cast of its own), by
    part when each part has one player: `chameleon=gpt-4o/default, player=gpt-4o-mini/default`, the
    same whichever seats the game put on the side."""
    distinct = set(players.values())
    if len(players) > 1 and len(distinct) == 1:
        return f"all={distinct.pop()}"
    if cast_as and set(cast_as) == set(players):
        parts: dict[str, set[str]] = {}
        for agent, part in cast_as.items():
            parts.setdefault(part, set()).add(players[agent])
        if all(len(labels) == 1 for labels in parts.values()):
            return ", ".join(f"{part}={labels.pop()}" for part, labels in sorted(parts.items()))
    return ", ".join(f"{agent}={player}" for agent, player in sorted(players.items())) or "?"


def _call(
    record: Mapping[str, Any], game: _Game | None, base: _Base, prices: Prices | None, latencies: Latencies
) -> None:
    usage = _mapping(record.get("usage"))
    prompt, completion = int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
    model = str(record.get("model") or "?")
    timed = record.get("backend") not in OFFLINE_BACKENDS
    latency = float(record.get("latency_ms") or 0)
    price = prices.cost(model, prompt, completion) if prices is not None else None
    latencies.used(model, prompt, completion, price)
    if timed:
        latencies.add(game.group if game is not None else base.group({}), model, latency)
    if game is None:
        return
    game.prompt += prompt
    game.completion += completion
    game.estimated = game.estimated or bool(usage.get("estimated"))
    game.calls += 1
    game.models[model] = None
    if timed:
        game.latency += latency
    if price is None:
        game.priced = False
    else:
        game.cost += price


def _row(
    base: _Base,
    ended: Mapping[str, Any],
    game: _Game,
    planned: Mapping[str, Any],
    prices: Prices | None,
) -> GameRow:
    outcome = str(ended.get("outcome"))
    try:
        played = Outcome(outcome).played
    except ValueError:
        raise LogFileError(f"{base.log}: game {ended.get('game_id')}: unknown outcome {outcome!r}") from None
    score = ended.get("score")
    facts = game.facts
    subject = ended.get("subject") or planned.get("subject")
    rules = ended.get("rules") if isinstance(ended.get("rules"), str) else base.rules
    scores = ended.get("scores")
    sides = facts.get(named.SIDES)
    turns = ended.get("turns")
    return GameRow(
        run_id=base.run_id,
        log=base.log,
        game_id=str(ended.get("game_id")),
        game=base.game,
        rules=rules,
        cast=game.cast,
        players=game.players,
        run_seed=base.run_seed,
        seed=planned.get("seed") if isinstance(planned.get("seed"), int) else None,
        card=str(facts.get(named.CARD) or subject or "?"),
        band=_text(facts.get(named.BAND)),
        category=_text(facts.get(named.CATEGORY)),
        outcome=outcome,
        played=played,
        success=outcome == Outcome.SUCCESS,
        score=float(score) if played and isinstance(score, int | float) else None,
        turns=turns if isinstance(turns, int) else None,
        reason=_text(ended.get("reason")),
        prompt_tokens=game.prompt,
        completion_tokens=game.completion,
        tokens_estimated=game.estimated,
        calls=game.calls,
        latency_ms=round(game.latency, 3),
        cost=round(game.cost, 6) if prices is not None and game.priced and game.calls else None,
        models=sorted(game.models),
        violations=dict(sorted(game.violations.items())),
        rule_scores=dict(scores) if isinstance(scores, Mapping) else None,
        sides={str(side): [str(a) for a in agents] for side, agents in sides.items()}
        if isinstance(sides, Mapping)
        else None,
        winner=_text(facts.get(named.WINNER)),
    )


def _check(catalog: EventCatalog, record: Mapping[str, Any], report: ReadReport) -> None:
    declared = catalog.get(record.get("event"))
    if declared is not None:
        declared.checked(record, report.where())


def _players(value: object) -> dict[str, str]:
    return {str(agent): str(player) for agent, player in value.items()} if isinstance(value, Mapping) else {}


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
