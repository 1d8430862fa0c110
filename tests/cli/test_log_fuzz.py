"""Mutated run logs never make `replay` (every view) or `rerun` print a traceback or hang.

Real logs of the three offline games (and the golden loopback log) are mutated, with a fixed seed, the
way an outside reviewer would: truncated, bytes flipped, lines deleted, duplicated and swapped, fields
given the wrong type, other schema versions, events renamed, one 50 MB line. Each mutated log goes
through `replay`, `replay --events`, `replay --json`, `replay --html` and `rerun`, in process
(`main.main`), each bounded by a timeout. Every run must exit 0, 1 or 2 with no traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import itertools
import json
import random
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

import main
from tests.support.cli import ROOT
from tests.support.once import built_once

SEED = 20261202
PER_SOURCE = 60  # mutated logs per source log (four sources)
LIMIT_S = 60.0  # one command on one mutated log
BIG_LINE = 50 * 1024 * 1024
GOLDEN_LOG = ROOT / "tests" / "games" / "taboo" / "golden" / "violation.jsonl"
WRONG_VALUES: list[Any] = ["x", 7, -1, 2.5, True, None, [], [1, "a"], {}, {"k": [None]}, 10**30]
# Event names that are also names of the views' own methods (a view dispatching on the name must not
# call them), and an empty one.
ODD_EVENTS = ("write", "say", "style", "verdict", "repeats_broadcast", "head", "section", "point", "game", "")
VIEWS = ([], ["--events"], ["--json"], ["--html", "{out}"])


@dataclass
class Mutant:
    name: str
    data: bytes


def lines_of(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def wrong_type(rng: random.Random, value: Any) -> Any:
    choices = [v for v in WRONG_VALUES if type(v) is not type(value)]
    return rng.choice(choices)


def paths(value: Any, prefix: tuple[Any, ...] = (), depth: int = 3) -> Iterator[tuple[Any, ...]]:
    """Every field of a record down to `depth` levels (object keys, and the first item of a list)."""
    if depth == 0:
        return
    items = (
        value.items() if isinstance(value, dict) else enumerate(value[:1]) if isinstance(value, list) else ()
    )
    for key, inner in items:
        yield (*prefix, key)
        yield from paths(inner, (*prefix, key), depth - 1)


def shape(path: tuple[Any, ...]) -> tuple[Any, ...]:
    """A path with list indexes and per-agent keys generalised, to tell fields apart, not occurrences."""
    return tuple("[]" if isinstance(part, int) else part for part in path)


def fields_of(
    records: list[dict[str, Any]],
) -> dict[tuple[str, tuple[Any, ...]], list[tuple[int, tuple[Any, ...]]]]:
    """Every (event, field shape) of a log, sorted, with where it occurs: (record index, path), in order."""
    where: dict[tuple[str, tuple[Any, ...]], list[tuple[int, tuple[Any, ...]]]] = {}
    for index, record in enumerate(records):
        for path in paths(record):
            where.setdefault((record["event"], shape(path)), []).append((index, path))
    return {field: where[field] for field in sorted(where, key=str)}


def retype(
    rng: random.Random,
    records: list[dict[str, Any]],
    number: int,
    fields: dict[tuple[str, tuple[Any, ...]], list[tuple[int, tuple[Any, ...]]]],
) -> str:
    """Give one field (top-level or nested: config, plan, usage, card, span...) a value of another type.
    The fields are taken in turn, so every (event, field) of the log is tried across the cases. `fields`
    is fields_of(records) as the log was read (worked out once per log, not once per case)."""
    event, wanted = list(fields)[(number * 7919) % len(fields)]
    at, path = rng.choice(fields[(event, wanted)])
    record = records[at]
    target: Any = record
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = wrong_type(rng, target[path[-1]])
    return f"{event}.{'.'.join(str(part) for part in wanted)}"


def mutants(source: Path, rng: random.Random, count: int, names: Iterator[str]) -> Iterator[Mutant]:
    data = source.read_bytes()
    lines = lines_of(data)
    records = [json.loads(line) for line in lines]
    fields = fields_of(records)
    kinds = [
        "truncate",
        "flip",
        "delete",
        "duplicate",
        "swap",
        "retype",
        "retype",
        "retype",
        "version",
        "rename",
    ]
    for number in range(count):
        kind = kinds[number % len(kinds)]
        name = f"{source.stem}-{number}-{kind}"
        if kind == "truncate":
            yield Mutant(name, data[: rng.randrange(1, len(data))])
        elif kind == "flip":
            flipped = bytearray(data)
            for _ in range(rng.randint(1, 3)):
                at = rng.randrange(len(flipped))
                flipped[at] ^= rng.choice((1, 2, 4, 8, 16, 32, 64, 128))
            yield Mutant(name, bytes(flipped))
        elif kind == "delete":
            at = rng.randrange(len(lines))
            yield Mutant(name, b"".join(lines[:at] + lines[at + 1 :]))
        elif kind == "duplicate":
            at = rng.randrange(len(lines))
            yield Mutant(name, b"".join(lines[: at + 1] + lines[at:]))
        elif kind == "swap":
            first, second = sorted(rng.sample(range(len(lines)), 2))
            swapped = list(lines)
            swapped[first], swapped[second] = swapped[second], swapped[first]
            yield Mutant(name, b"".join(swapped))
        elif kind in ("retype", "version", "rename"):
            changed = json.loads(json.dumps(records))
            at = rng.randrange(1, len(changed))
            if kind == "retype":
                name += "-" + retype(rng, changed, number, fields)
            elif kind == "version":
                value = rng.choice((0, 2, 99, "1", 1.0, None, -1))
                for record in changed[at:] if rng.random() < 0.5 else [changed[at]]:
                    record["v"] = value
            else:
                changed[at]["event"] = next(names)
                name += "-" + changed[at]["event"]
            text = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in changed)
            yield Mutant(name, text.encode())


def big_line(source: Path) -> Mutant:
    """One message of 50 MB in the middle of a real log."""
    records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    at = next(i for i, r in enumerate(records) if r["event"] == "message_sent")
    records[at]["text"] = "x" * BIG_LINE
    return Mutant("big-line", b"".join(orjson.dumps(r) + b"\n" for r in records))


SOURCE_COMMANDS = {
    "taboo": ["taboo", "--games", "3", "--seed", "1"],
    "twenty": ["twenty-questions", "--games", "2", "--seed", "1"],
    "chameleon": ["chameleon", "--players", "4", "--games", "2", "--seed", "1"],
}


def play_sources(folder: Path) -> None:
    for name, argv in SOURCE_COMMANDS.items():
        assert main.main([*argv, "--quiet", "--log", str(folder / f"{name}.jsonl")]) == 0


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Real logs: each offline game's batch, played once in process (once per session), and the golden
    loopback log."""
    folder = built_once(tmp_path_factory, "fuzz-sources", play_sources)
    return [*(folder / f"{name}.jsonl" for name in SOURCE_COMMANDS), GOLDEN_LOG]


@dataclass
class Outcome:
    code: int | None
    err: str
    crash: str | None = None
    hung: bool = False


BUILD_PARSER = main.build_parser


@functools.cache
def parser(command: str | None = None) -> argparse.ArgumentParser:
    """main's parser for `command`, built once for the 1,200 runs: building it was half of a run's time
    here, and parsing does not change it."""
    return BUILD_PARSER(command)


def run_bounded(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Outcome:
    """main.main(argv), its asyncio.run bounded by LIMIT_S (and its parser built once); what escaped
    it, if anything."""
    real_run: Callable[..., Any] = asyncio.run

    def bounded(coroutine: Any, **options: Any) -> Any:
        async def within() -> Any:
            async with asyncio.timeout(LIMIT_S):
                return await coroutine

        return real_run(within(), **options)

    monkeypatch.setattr(main.asyncio, "run", bounded)
    monkeypatch.setattr(main, "build_parser", parser)
    try:
        code = main.main(argv)
    except TimeoutError:
        return Outcome(None, capsys.readouterr().err, hung=True)
    except BaseException:  # noqa: BLE001 - anything escaping main is what this test looks for
        return Outcome(None, capsys.readouterr().err, crash=traceback.format_exc())
    finally:
        monkeypatch.undo()
    return Outcome(code, capsys.readouterr().err)


def distinct(failures: list[str]) -> list[str]:
    """One failure per place in the code that failed (its last frame and error line)."""
    seen: dict[str, str] = {}
    for failure in failures:
        frames = [line for line in failure.splitlines() if line.strip().startswith('File "')]
        key = (frames[-1] if frames else "") + failure.splitlines()[-1]
        seen.setdefault(key, failure)
    return list(seen.values())


def all_mutants(sources: list[Path]) -> list[Mutant]:
    """Every mutated log but the big line, in one fixed order (one random generator over the sources)."""
    return list(_mutants_of(tuple(sources)))


@functools.cache
def _mutants_of(sources: tuple[Path, ...]) -> tuple[Mutant, ...]:
    """all_mutants, made once per test process (each share takes its part of the same list)."""
    rng = random.Random(SEED)
    names = itertools.cycle(ODD_EVENTS)
    return tuple(m for source in sources for m in mutants(source, rng, PER_SOURCE, names))


SHARES = 4  # the mutants are played in this many tests and the big line in one more, in parallel with
# pytest-xdist


@pytest.mark.parametrize("share", [*range(SHARES), "big-line"])
def test_mutated_logs_never_crash_or_hang_replay_or_rerun(
    sources: list[Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    share: int | str,
) -> None:
    """At least 200 mutated logs in all (a test plays every SHARES-th, or the big line), each replayed in
    every view and rerun: exit 0, 1 or 2, no traceback, no hang; counts are printed."""
    if share == "big-line":
        cases = [big_line(sources[0])]
    else:
        every = all_mutants(sources)
        assert len(every) + 1 >= 200
        cases = every[int(share) :: SHARES]
    failures: list[str] = []
    runs = hangs = crashes = 0
    codes: dict[int, int] = {}
    for case in cases:
        log = tmp_path / f"{case.name}.jsonl"
        log.write_bytes(case.data)
        commands = [
            ["replay", str(log), *(a.format(out=tmp_path / "page.html") for a in view)] for view in VIEWS
        ]
        commands.append(["rerun", str(log), "--quiet", "--log", str(tmp_path / "rerun.jsonl")])
        for argv in commands:
            outcome = run_bounded(argv, capsys, monkeypatch)
            runs += 1
            hangs += outcome.hung
            crashes += outcome.crash is not None or "Traceback" in outcome.err
            if outcome.code is not None:
                codes[outcome.code] = codes.get(outcome.code, 0) + 1
            if outcome.hung or outcome.crash or outcome.code not in (0, 1, 2) or "Traceback" in outcome.err:
                detail = outcome.crash or outcome.err
                failures.append(
                    f"{case.name}: {' '.join(argv[:1] + argv[2:])}: {outcome.code} {detail[-1500:]}"
                )
        log.unlink()
    with capsys.disabled():
        print(
            f"\nfuzz share {share}: {len(cases)} logs, {runs} runs, "
            f"exit codes {dict(sorted(codes.items()))}, {crashes} tracebacks, {hangs} hangs"
        )
    assert not failures, f"{len(failures)} failure(s); distinct:\n" + "\n\n".join(distinct(failures))


def golden_with(change: Callable[[list[dict[str, Any]]], None], path: Path) -> Path:
    records = [json.loads(line) for line in GOLDEN_LOG.read_text(encoding="utf-8").splitlines()]
    change(records)
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def first(records: list[dict[str, Any]], event: str, **having: Any) -> dict[str, Any]:
    return next(r for r in records if r["event"] == event and all(r.get(k) == v for k, v in having.items()))


def cast_as_list(records: list[dict[str, Any]]) -> None:
    """A game_cast (the golden log predates it) whose players are a list, seq renumbered after it."""
    at = records.index(first(records, "game_started"))
    records.insert(at, {**records[at], "event": "game_cast", "players": ["hinter"]})
    for seq, record in enumerate(records):
        record["seq"] = seq


WRONG_FIELDS: dict[str, tuple[Callable[[list[dict[str, Any]]], None], str]] = {
    "seq a string": (lambda rs: rs[2].update(seq="2"), 'line 3 has seq "2", not a whole number'),
    "text a number": (
        lambda rs: first(rs, "message_sent").update(text=42),
        "message_sent's field 'text' is 42, expected a string or null",
    ),
    "config a list": (
        lambda rs: rs[0].update(config=[1]),
        "line 1: run_started's field 'config' is a list [1]",
    ),
    "usage a string": (
        lambda rs: first(rs, "llm_call").update(usage="many"),
        "llm_call's field 'usage' is \"many\", expected an object or null",
    ),
    "players a list": (
        lambda rs: cast_as_list(rs),
        "game_cast's field 'players' is a list [\"hinter\"], expected an object",
    ),
    "span of three": (
        lambda rs: first(rs, "rule_violation").update(span=[1, 2, 3]),
        "rule_violation's field 'span' is not two whole numbers",
    ),
    "an unknown outcome": (
        lambda rs: first(rs, "game_ended").update(outcome="won"),
        "game_ended's field 'outcome' is 'won', expected one of aborted, error",
    ),
}


@pytest.mark.parametrize("command", ["replay", "rerun"])
@pytest.mark.parametrize("case", sorted(WRONG_FIELDS))
def test_a_field_of_the_wrong_type_is_one_line_naming_the_line_and_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, case: str
) -> None:
    """replay and rerun refuse a field of the wrong type with one line (file, line, field), exit 2."""
    change, needle = WRONG_FIELDS[case]
    log = golden_with(change, tmp_path / "wrong.jsonl")
    extra = ["--log", str(tmp_path / "rerun.jsonl")] if command == "rerun" else []
    code = main.main([command, str(log), *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"error: {log}: line ")
    assert needle in err
    assert len(err.splitlines()) == 1


def test_an_event_named_like_a_views_method_is_not_drawn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A made-up event called "write" or "verdict" is ignored by the transcript, as unknown events are."""

    def rename(records: list[dict[str, Any]]) -> None:
        records[3]["event"] = "write"
        records[5]["event"] = "verdict"

    log = golden_with(rename, tmp_path / "renamed.jsonl")
    assert main.main(["replay", str(log)]) == 0
    assert "Traceback" not in capsys.readouterr().err
