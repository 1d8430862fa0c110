"""Workers over Redis Streams against the one-process batch: the same Taboo batch played in one process,
by the controller and 1 worker process, and by the controller and 2 worker processes.

    python bench/bench_distributed.py [--games 3000] [--model-games 400] [--repeat 3] [--solo 5]
                                      [--warm-up 3000] [--model-warm-up 400]

Each run's workers are started fresh and first play an unmeasured batch of another seed, `--warm-up`
games each (`--model-warm-up` for the model runs; 0: measure fresh workers), so that the measured
batch meets them as they run for long.

Every run is the real command line (`python main.py taboo --games N --seed S ...`, with `--redis URL
--queue Q` for the workers' runs, each on a queue of its own) against a private `redis-server` that
keeps nothing on disk. Two kinds of players: offline, and the loopback model server of
bench/loopback_model.py with a fixed delay per reply (default 20 ms) through the real openai client.

Measured, from the run log and /proc (no process is changed for the benchmark):
- games/s at steady state: (N - 1) / (time of the last game_ended - time of the first), so the start of
  the processes and the publishing of the batch are left out;
- CPU per game of each process over that same window (controller, each worker, redis-server, the
  model server), from /proc/PID/stat sampled every 20 ms;
- the Redis commands per game the server ran (INFO commandstats, reset before each run; a script's own
  commands count, as does the script call): a figure the machine's load does not change;
- the extra latency of one game alone going through the server: run_started to run_ended of a one-game
  batch, in one process against via one waiting worker (`--solo` repetitions).
Runs are interleaved round by round; each figure is the median with its spread (min-max). Before each
round the script waits (up to `--quiet-timeout`) for the machine's CPUs to be idle, and prints the load
it saw.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.measure import Spread  # noqa: E402

TICK_S = 1.0 / os.sysconf("SC_CLK_TCK")
SAMPLE_S = 0.02
START_TIMEOUT_S = 60.0
RUN_TIMEOUT_S = 600.0
VARIANTS = ("one process", "1 worker", "2 workers")
FIRST_USE_MS = 50.0  # time outside a one-game batch's game above this: data loaded on first use
KINDS = ("offline", "model")
# Workers are long-running: the measured batch meets them as they serve for hours, with the caches of
# word forms and verdicts their referees fill in their first games full. A fresh worker's CPU per
# offline game falls for about its first 3,000 games (docs/benchmarks.md); the model double's replies
# use a handful of words, which the first games fill.
WARM_UP_GAMES = {"offline": 3000, "model": 400}


# -- the machine -------------------------------------------------------------------------------------


def cpu_busy(interval_s: float = 1.0) -> float:
    """The fraction of all CPUs busy over `interval_s` (from /proc/stat)."""

    def times() -> tuple[int, int]:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return idle, sum(fields[:8])

    idle0, total0 = times()
    time.sleep(interval_s)
    idle1, total1 = times()
    return 1.0 - (idle1 - idle0) / max(total1 - total0, 1)


def wait_for_quiet(max_busy: float, timeout_s: float) -> float:
    """Wait until the CPUs are at most `max_busy` busy over a second; the busy fraction last seen (a
    warning is printed when the timeout passed first)."""
    deadline = time.monotonic() + timeout_s
    while True:
        busy = cpu_busy()
        if busy <= max_busy:
            return busy
        if time.monotonic() > deadline:
            load = Path("/proc/loadavg").read_text().split()[0]
            print(
                f"  warning: the machine stayed busy ({busy:.0%} of its CPUs, load {load}) for "
                f"{timeout_s:g}s; measuring anyway",
                flush=True,
            )
            return busy


def process_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a process (all its threads); None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * TICK_S


class CpuSampler:
    """Samples the CPU time of named processes every SAMPLE_S, to read it at any moment afterwards."""

    def __init__(self, pids: dict[str, int]) -> None:
        self._pids = pids
        self.samples: list[tuple[float, dict[str, float]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        last: dict[str, float] = {}
        while not self._stop.is_set():
            now = time.time()
            for name, pid in self._pids.items():
                cpu = process_cpu_s(pid)
                if cpu is not None:
                    last[name] = cpu
            self.samples.append((now, dict(last)))
            self._stop.wait(SAMPLE_S)

    def __enter__(self) -> CpuSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def at(self, name: str, moment: float) -> float:
        """The process's CPU seconds at `moment`, interpolated between the samples around it."""
        points = [(t, values[name]) for t, values in self.samples if name in values]
        before = [point for point in points if point[0] <= moment]
        after = [point for point in points if point[0] >= moment]
        if not before:
            return after[0][1]
        if not after:
            return before[-1][1]
        (t0, c0), (t1, c1) = before[-1], after[0]
        return c0 if t1 == t0 else c0 + (c1 - c0) * (moment - t0) / (t1 - t0)

    def between(self, name: str, start: float, end: float) -> float:
        return self.at(name, end) - self.at(name, start)


# -- the processes -----------------------------------------------------------------------------------


def env() -> dict[str, str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("OPENAI_")}
    clean["NO_PROXY"] = "127.0.0.1,localhost"
    return clean


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_line(process: subprocess.Popen[str], text: str, what: str) -> str:
    """Read the process's standard output until a line holding `text`; exit with one line if it ends
    or stays silent past START_TIMEOUT_S. The output goes on being read afterwards (a full pipe would
    block the process). Lines come through a thread: a select() on the pipe would miss a line that
    came in the same read as the one before it and waits in the file's buffer."""
    assert process.stdout is not None
    stdout = process.stdout
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if line is None:
            break
        if text in line:
            return line
    process.kill()
    sys.exit(f"error: {what} did not start (no {text!r} line)")


def stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class RedisServer:
    """A private redis-server on a free port, keeping nothing on disk."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            sys.exit("error: redis-server is not installed (Debian: apt-get install redis-server)")
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(folder),
                "--logfile",
                "",
            ],  # fmt: skip
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        wait_for_line(self.process, "Ready to accept connections", "redis-server")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"


class ModelServer:
    """bench/loopback_model.py in a process of its own."""

    def __init__(self, delay_ms: float) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "loopback_model.py"), "--delay-ms", str(delay_ms)],
            stdout=subprocess.PIPE,
            text=True,
            env=env(),
        )
        port = wait_for_line(self.process, "listening", "the loopback model server").split()[1]
        self.base_url = f"http://127.0.0.1:{port}/v1"


def start_worker(url: str, queue: str, concurrency: int) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "main.py"),
            "worker",
            "--redis",
            url,
            "--queue",
            queue,
            "--concurrency",
            str(concurrency),
        ],  # fmt: skip
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env(),
    )
    wait_for_line(process, "serving queue", "a worker")
    return process


# -- one run -----------------------------------------------------------------------------------------


@dataclass
class Setting:
    seed: int
    turns: int
    concurrency: int
    redis: RedisServer
    model: ModelServer | None
    folder: Path
    warm_up: dict[str, int] = field(default_factory=dict)  # by kind: games per worker played unmeasured first

    def players(self, kind: str) -> list[str]:
        if kind == "offline":
            return ["--offline"]
        assert self.model is not None
        # Model calls in flight are capped across all workers: high enough that the CPU, not the cap,
        # is what limits the batch.
        return ["--model", "m", "--base-url", self.model.base_url, "--max-concurrent-calls", "1024"]


@dataclass
class Run:
    games_per_s: float
    cpu_ms_per_game: dict[str, float]
    outcomes: dict[str, tuple[str, int]]
    log: list[dict] = field(repr=False, default_factory=list)
    commands_per_game: dict[str, float] = field(default_factory=dict)  # runs through the server only


def command_counts(url: str, reset: bool = False) -> dict[str, int]:
    """The server's count of each command since its last reset (`reset`: start counting again now)."""
    import redis  # the project's dependency; only the server's statistics are read with it

    client = redis.Redis.from_url(url)
    try:
        if reset:
            client.config_resetstat()
            return {}
        stats = client.info("commandstats")
    finally:
        client.close()
    return {name.removeprefix("cmdstat_"): int(values["calls"]) for name, values in stats.items()}


def stamp(record: dict) -> float:
    return datetime.fromisoformat(record["ts"]).timestamp()


def controller_argv(
    setting: Setting, kind: str, games: int, queue: str | None, log: Path, seed: int | None = None
) -> list[str]:
    argv = [sys.executable, str(ROOT / "main.py"), "taboo", "--games", str(games),
            "--seed", str(setting.seed if seed is None else seed), "--turns", str(setting.turns),
            "--concurrency", str(setting.concurrency), "--quiet", "--log", str(log),
            *setting.players(kind)]  # fmt: skip
    if queue is not None:
        argv += ["--redis", setting.redis.url, "--queue", queue]
    return argv


def start_controller(
    setting: Setting, kind: str, games: int, queue: str | None, log: Path
) -> subprocess.Popen[str]:
    """The batch's command line: through the workers on `queue`, or in one process when it is None."""
    return subprocess.Popen(
        controller_argv(setting, kind, games, queue, log),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env(),
    )


def read_log(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def run_batch(setting: Setting, kind: str, variant: str, games: int) -> Run:
    workers = VARIANTS.index(variant)
    queue = f"bench-{uuid.uuid4().hex[:12]}" if workers else None
    log = setting.folder / f"{kind}-{workers}-{uuid.uuid4().hex[:8]}.jsonl"
    started = (
        [start_worker(setting.redis.url, queue, setting.concurrency) for _ in range(workers)] if queue else []
    )
    if started and setting.warm_up.get(kind):
        warm_up(setting, kind, queue, workers)
    pids = {"redis": setting.redis.process.pid} | {f"worker {i + 1}": p.pid for i, p in enumerate(started)}
    if kind == "model" and setting.model is not None:
        pids["model server"] = setting.model.process.pid
    if workers:
        command_counts(setting.redis.url, reset=True)
    try:
        controller = start_controller(setting, kind, games, queue, log)
        pids["controller" if workers else "one process"] = controller.pid
        with CpuSampler(pids) as sampler:
            output, _ = controller.communicate(timeout=RUN_TIMEOUT_S)
    finally:
        for worker in started:
            stop(worker)
    if controller.returncode != 0:
        sys.exit(
            f"error: the {variant} run of {kind} games exited with {controller.returncode}: {output[-400:]}"
        )
    records = read_log(log)
    ended = [record for record in records if record["event"] == "game_ended"]
    if len(ended) != games:
        sys.exit(f"error: the {variant} run of {kind} games logged {len(ended)} of {games} games")
    moments = sorted(stamp(record) for record in ended)
    first, last = moments[0], moments[-1]
    cpu = {name: sampler.between(name, first, last) * 1000 / (games - 1) for name in pids}
    outcomes = {record["game_id"]: (record["outcome"], record["turns"]) for record in ended}
    log.unlink()
    counted = command_counts(setting.redis.url) if workers else {}
    commands = {name: calls / games for name, calls in counted.items() if not name.startswith("config")}
    return Run((games - 1) / (last - first), cpu, outcomes, commands_per_game=commands)


def warm_up(setting: Setting, kind: str, queue: str | None, workers: int) -> None:
    """An unmeasured batch (another seed) on the run's workers first, `warm_up[kind]` games for each of the
    `workers` (they share it out, each about as many as a lone worker would play): each sets the game up and
    fills what it keeps from game to game (its caches of word forms, say) as a worker that has served
    batches before has, so that the measured batch sees workers as they run for long."""
    log = setting.folder / f"warm-{uuid.uuid4().hex[:8]}.jsonl"
    done = subprocess.run(
        controller_argv(setting, kind, setting.warm_up[kind] * workers, queue, log, seed=setting.seed + 1),
        cwd=ROOT, capture_output=True, text=True, env=env(), timeout=RUN_TIMEOUT_S,
    )  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"error: the warm-up batch exited with {done.returncode}: {done.stdout[-300:]}")
    log.unlink()


def lone_pair(setting: Setting, kind: str, games: int) -> float:
    """The machine's own reference: two one-process batches of the same work started together, with no
    server between them. Their games/s together, from the first game_ended of either to the last,
    against one process alone, is what two processes can gain on this machine and this work at all."""
    logs = [setting.folder / f"pair-{kind}-{uuid.uuid4().hex[:8]}.jsonl" for _ in range(2)]
    processes = [start_controller(setting, kind, games, None, log) for log in logs]
    moments: list[float] = []
    for process, log in zip(processes, logs, strict=True):
        output, _ = process.communicate(timeout=RUN_TIMEOUT_S)
        if process.returncode != 0:
            sys.exit(f"error: a lone {kind} batch exited with {process.returncode}: {output[-400:]}")
        moments += [stamp(record) for record in read_log(log) if record["event"] == "game_ended"]
        log.unlink()
    if len(moments) != 2 * games:
        sys.exit(f"error: the two lone {kind} batches logged {len(moments)} of {2 * games} games")
    return (2 * games - 2) / (max(moments) - min(moments))


def solo_latency(setting: Setting, kind: str, queue: str | None) -> tuple[float, float]:
    """A one-game batch: run_started to run_ended, and how much of it was spent outside the game itself
    (before its game_cast and after its game_ended), in seconds. The game's own time differs between a
    fresh process and a worker that has played before (data loaded on first use); the time outside it
    is what going through the server adds."""
    log = setting.folder / f"solo-{uuid.uuid4().hex[:8]}.jsonl"
    done = subprocess.run(
        controller_argv(setting, kind, 1, queue, log), cwd=ROOT, capture_output=True, text=True, env=env(),
        timeout=RUN_TIMEOUT_S,
    )  # fmt: skip
    if done.returncode != 0:
        sys.exit(
            f"error: a one-game run exited with {done.returncode}: {done.stdout[-300:]}{done.stderr[-300:]}"
        )
    records = read_log(log)
    log.unlink()
    at = {record["event"]: stamp(record) for record in records}
    batch = at["run_ended"] - at["run_started"]
    return batch, batch - (at["game_ended"] - at["game_cast"])


# -- the report --------------------------------------------------------------------------------------


def shown(spread: Spread, digits: int = 0) -> str:
    return f"{spread.median:,.{digits}f} ({spread.low:,.{digits}f}–{spread.high:,.{digits}f})"


def throughput_table(results: dict[tuple[str, str], list[Run]], kinds: Sequence[str]) -> list[str]:
    lines = [
        "| players | variant | games/s | vs one process | vs 1 worker | CPU ms/game: the one process "
        "or the controller | each worker | redis-server | model server |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in kinds:
        speeds = {v: Spread.of([run.games_per_s for run in results[kind, v]]) for v in VARIANTS}
        for variant in VARIANTS:
            runs = results[kind, variant]

            def cpu(name: str, runs: list[Run] = runs) -> str:
                values = [run.cpu_ms_per_game[name] for run in runs if name in run.cpu_ms_per_game]
                return f"{statistics.median(values):.2f}" if values else "—"

            workers = VARIANTS.index(variant)
            main = cpu("controller") if workers else cpu("one process")
            each = " / ".join(cpu(f"worker {i + 1}") for i in range(workers)) or "—"
            speed = speeds[variant].median
            base, one = speeds["one process"].median, speeds["1 worker"].median
            redis = cpu("redis") if workers else "—"
            model = cpu("model server") if kind == "model" else "—"
            lines.append(
                f"| {kind} | {variant} | {shown(speeds[variant])} | {speed / base:.2f}x | {speed / one:.2f}x "
                f"| {main} | {each} | {redis} | {model} |"
            )
    return lines


def ceiling_table(results: dict[tuple[str, str], list[Run]], kinds: Sequence[str], cores: int) -> list[str]:
    """What the CPU accounting allows whatever the scheduling: with 1 worker, the batch goes no faster
    than that worker's CPU per game on one core (nor than all processes' on all cores); with 2, no
    faster than all processes' CPU per game spread over all cores."""
    lines = [
        f"| players | CPU ms/game, all processes: 1 worker | 2 workers | ceiling of 2 workers / 1 "
        f"on {cores} cores |",
        "|---|---:|---:|---:|",
    ]
    for kind in kinds:

        def total(variant: str, kind: str = kind) -> float:
            return statistics.median(sum(run.cpu_ms_per_game.values()) for run in results[kind, variant])

        worker = statistics.median(run.cpu_ms_per_game["worker 1"] for run in results[kind, "1 worker"])
        one = min(1000 / worker, cores * 1000 / total("1 worker"))
        two = cores * 1000 / total("2 workers")
        lines.append(f"| {kind} | {total('1 worker'):.2f} | {total('2 workers'):.2f} | {two / one:.2f}x |")
    return lines


def pair_table(
    results: dict[tuple[str, str], list[Run]], pairs: dict[str, list[float]], kinds: Sequence[str]
) -> list[str]:
    """Two workers against one, beside what two lone processes gain over one on the same work, round by
    round (each round's ratios from that round's runs)."""
    lines = [
        "| players | two lone processes, games/s | their gain over one process | 2 workers / 1 | "
        "2 workers / 1 as a share of the lone processes' gain |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind in kinds:
        alone = [run.games_per_s for run in results[kind, "one process"]]
        one = [run.games_per_s for run in results[kind, "1 worker"]]
        two = [run.games_per_s for run in results[kind, "2 workers"]]
        gains = [pair / single for pair, single in zip(pairs[kind], alone, strict=True)]
        speedups = [b / a for a, b in zip(one, two, strict=True)]
        shares = [speedup / gain for speedup, gain in zip(speedups, gains, strict=True)]
        lines.append(
            f"| {kind} | {shown(Spread.of(pairs[kind]))} | {shown(Spread.of(gains), 2)}x "
            f"| {shown(Spread.of(speedups), 2)}x | {shown(Spread.of(shares), 2)} |"
        )
    return lines


def commands_table(results: dict[tuple[str, str], list[Run]], kinds: Sequence[str]) -> list[str]:
    """Redis commands per game (medians over the rounds): all of them, the scripts' calls among them,
    and the five most frequent."""
    lines = [
        "| players | variant | commands/game | of them script calls | most frequent |",
        "|---|---|---:|---:|---|",
    ]
    for kind in kinds:
        for variant in VARIANTS[1:]:
            runs = results[kind, variant]
            names = {name for run in runs for name in run.commands_per_game}
            per = {
                name: statistics.median(run.commands_per_game.get(name, 0.0) for run in runs)
                for name in names
            }
            scripts = sum(value for name, value in per.items() if name.startswith("eval"))
            top = sorted(per.items(), key=lambda item: -item[1])[:5]
            shown_top = ", ".join(f"{name} {value:.2f}" for name, value in top)
            lines.append(f"| {kind} | {variant} | {sum(per.values()):.2f} | {scripts:.2f} | {shown_top} |")
    return lines


def latency_table(
    latencies: dict[tuple[str, str], list[tuple[float, float]]], kinds: Sequence[str]
) -> list[str]:
    lines = [
        "| players | one-game batch, one process (ms) | of it outside the game | one-game batch via one "
        "worker (ms) | of it outside the game | extra per game (ms) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    notes: list[str] = []
    for kind in kinds:
        cells, outside = [], []
        for variant in VARIANTS[:2]:
            batch = Spread.of([whole * 1000 for whole, _ in latencies[kind, variant]])
            around = Spread.of([out * 1000 for _, out in latencies[kind, variant]])
            cells += [shown(batch, 1), shown(around, 1)]
            outside.append(around.median)
        lines.append(f"| {kind} | {' | '.join(cells)} | {outside[1] - outside[0]:+.1f} |")
        if outside[0] > FIRST_USE_MS:
            notes.append(
                f"{kind}: the one-process batch spends {outside[0]:.0f} ms outside the game: building the "
                "players loads their data on first use, which a worker that has played before has loaded"
            )
    return lines + [f"\n{note}" for note in notes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=3000, help="games per offline batch (default 3000)")
    parser.add_argument("--model-games", type=int, default=400, help="games per model batch (default 400)")
    parser.add_argument("--latency-ms", type=float, default=20.0, help="the model server's delay per reply")
    parser.add_argument("--turns", type=int, default=3, help="Taboo turns per game (default 3)")
    parser.add_argument(
        "--concurrency", type=int, default=32, help="games in flight per process (default 32)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument(
        "--solo", type=int, default=5, help="one-game runs per variant for latency (default 5; 0: none)"
    )
    parser.add_argument("--kinds", default="offline,model", help="offline, model or both (default both)")
    parser.add_argument(
        "--pair", action=argparse.BooleanOptionalAction, default=True,
        help="also run two one-process batches at once each round: the machine's own 2-process gain",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--warm-up", type=int, default=WARM_UP_GAMES["offline"], metavar="GAMES",
        help="each offline run's workers first play an unmeasured batch of GAMES games each (another "
        f"seed), as workers that have served batches before have (default {WARM_UP_GAMES['offline']}; "
        "0: fresh workers)",
    )  # fmt: skip
    parser.add_argument(
        "--model-warm-up", type=int, default=WARM_UP_GAMES["model"], metavar="GAMES",
        help=f"the same for the model runs (default {WARM_UP_GAMES['model']}; 0: fresh workers)",
    )  # fmt: skip
    parser.add_argument("--max-busy", type=float, default=0.1, help="quiet: CPUs at most this busy (0.1)")
    parser.add_argument("--quiet-timeout", type=float, default=60.0, help="seconds to wait for quiet (60)")
    args = parser.parse_args()
    kinds = [kind for kind in args.kinds.split(",") if kind]
    if not kinds or any(kind not in KINDS for kind in kinds) or min(args.games, args.model_games) < 2:
        sys.exit("error: --kinds takes offline,model; --games and --model-games at least 2")
    if args.repeat < 1 or args.solo < 0 or min(args.warm_up, args.model_warm_up) < 0:
        sys.exit("error: --repeat at least 1, --solo, --warm-up and --model-warm-up at least 0")
    warm = {"offline": args.warm_up, "model": args.model_warm_up}
    began = time.monotonic()
    busy_seen: list[float] = []
    results: dict[tuple[str, str], list[Run]] = {(k, v): [] for k in kinds for v in VARIANTS}
    pairs: dict[str, list[float]] = {kind: [] for kind in kinds}
    latencies: dict[tuple[str, str], list[tuple[float, float]]] = {
        (k, v): [] for k in kinds for v in VARIANTS[:2]
    }
    print(f"{os.cpu_count()} CPUs; Taboo, {args.turns} turns, seed {args.seed}, {args.concurrency} games in "
          f"flight per process; model server: {args.latency_ms:g} ms per reply"
          + "; workers warmed up by " + ", ".join(f"{warm[kind]} {kind} games each" for kind in kinds),
          flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        redis = RedisServer(Path(tmp))
        model = ModelServer(args.latency_ms) if "model" in kinds else None
        setting = Setting(args.seed, args.turns, args.concurrency, redis, model, Path(tmp), warm)
        try:
            for round_ in range(args.repeat):
                busy_seen.append(wait_for_quiet(args.max_busy, args.quiet_timeout))
                print(
                    f"round {round_ + 1}/{args.repeat} (CPUs {busy_seen[-1]:.0%} busy before it)", flush=True
                )
                for kind in kinds:
                    games = args.games if kind == "offline" else args.model_games
                    for variant in VARIANTS:
                        run = run_batch(setting, kind, variant, games)
                        results[kind, variant].append(run)
                        baseline = results[kind, "one process"][-1]
                        if kind == "offline" and run.outcomes != baseline.outcomes:
                            sys.exit(f"error: the {variant} run's outcomes differ from one process's")
                        commands = sum(run.commands_per_game.values())
                        print(f"  {kind:7} {variant:11} {run.games_per_s:8.1f} games/s  CPU ms/game "
                              + ", ".join(f"{n} {v:.2f}" for n, v in run.cpu_ms_per_game.items())
                              + (f"; Redis commands/game {commands:.2f}" if commands else ""),
                              flush=True)  # fmt: skip
                    if args.pair:
                        pairs[kind].append(lone_pair(setting, kind, games))
                        print(f"  {kind:7} two lone processes {pairs[kind][-1]:8.1f} games/s", flush=True)
            if args.solo:
                busy_seen.append(wait_for_quiet(args.max_busy, args.quiet_timeout))
                print(
                    f"one game alone, {args.solo} times each (CPUs {busy_seen[-1]:.0%} busy before)",
                    flush=True,
                )
            for kind in kinds if args.solo else []:
                queue = f"bench-solo-{uuid.uuid4().hex[:12]}"
                worker = start_worker(redis.url, queue, args.concurrency)
                try:
                    solo_latency(setting, kind, queue)  # unmeasured: the worker loads its data once
                    for _ in range(args.solo):
                        latencies[kind, "one process"].append(solo_latency(setting, kind, None))
                        latencies[kind, "1 worker"].append(solo_latency(setting, kind, queue))
                finally:
                    stop(worker)
        finally:
            if model is not None:
                stop(model.process)
            stop(redis.process)
    print()
    print("\n".join(throughput_table(results, kinds)))
    print()
    print("\n".join(ceiling_table(results, kinds, os.cpu_count() or 1)))
    if args.pair:
        print()
        print("\n".join(pair_table(results, pairs, kinds)))
    print()
    print("\n".join(commands_table(results, kinds)))
    if args.solo:
        print()
        print("\n".join(latency_table(latencies, kinds)))
    print()
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"CPUs busy before each round: {', '.join(f'{b:.0%}' for b in busy_seen)} (load average now "
          f"{' '.join(load)}); whole benchmark {time.monotonic() - began:.0f}s")  # fmt: skip


if __name__ == "__main__":
    main()
