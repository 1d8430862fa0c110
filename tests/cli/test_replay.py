"""`python main.py replay LOG`: the transcript (golden file), the views, --follow on a live game, bad logs.

The golden log (tests/games/taboo/golden/violation.jsonl) is a game against the loopback server with a
malformed reply, a wrong guess and a rule violation, so its transcript shows every kind of line. Run
with UPDATE_GOLDEN=1 to rewrite the expected outputs after a deliberate change of the transcript.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import time
import tracemalloc
from pathlib import Path

import pytest
from rich.console import Console

import main
from games.kit.exits import UsageError
from games.logtools.replay import run as replay_run
from main import build_parser
from runtime.logread import LogFileError, ReadReport, follow_events
from tests.support.chat_server import Reply
from tests.support.cli import ROOT, read_log, run_main, start_main

GOLDEN = ROOT / "tests" / "games" / "taboo" / "golden"
GOLDEN_LOG = "tests/games/taboo/golden/violation.jsonl"
UPDATE = bool(os.environ.get("UPDATE_GOLDEN"))


def golden_lines() -> list[str]:
    return (ROOT / GOLDEN_LOG).read_text(encoding="utf-8").splitlines(keepends=True)


def check_golden(name: str, output: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(output, encoding="utf-8")
    assert output == path.read_text(encoding="utf-8")


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(lines), encoding="utf-8")
    return path


# -- the views -----------------------------------------------------------------------------------


def test_transcript_of_a_known_log_matches_the_golden_file() -> None:
    """The transcript of the golden log is exactly the recorded one: verdicts, violation, tokens, latency."""
    done = run_main("replay", GOLDEN_LOG)
    assert done.returncode == 0, done.stderr
    check_golden("violation.txt", done.stdout)
    assert "»snowy«" in done.stdout  # the offending span, marked on a plain console
    assert "hinter: test-model, 128 tokens, 69 ms" in done.stdout


def test_events_table_of_a_known_log_matches_the_golden_file() -> None:
    """--events prints a header and one compact line per event."""
    done = run_main("replay", GOLDEN_LOG, "--events")
    assert done.returncode == 0, done.stderr
    check_golden("violation.events.txt", done.stdout)
    assert len(done.stdout.splitlines()) == 1 + len(golden_lines())


@pytest.mark.parametrize("game", [["taboo", "--seed", "3"], ["twenty-questions", "--seed", "2"]])
def test_replay_looks_like_the_live_game(tmp_path: Path, game: list[str]) -> None:
    """Replaying a log prints what the live game printed, line for line (but the offline-players hint)."""
    log = tmp_path / "live.jsonl"
    live = run_main(*game, "--log", str(log))
    assert live.returncode == 0, live.stderr
    replayed = run_main("replay", str(log))
    assert replayed.returncode == 0, replayed.stderr
    live_lines = [line for line in live.stdout.splitlines() if "OPENAI_API_KEY" not in line]
    assert replayed.stdout.splitlines() == live_lines


def test_many_games_are_listed_and_one_is_shown_with_game(tmp_path: Path) -> None:
    """A log of many games lists every game with its outcome; --game ID shows that game's transcript."""
    log = tmp_path / "many.jsonl"
    assert run_main("taboo", "--games", "4", "--seed", "1", "--quiet", "--log", str(log)).returncode == 0
    ended = {r["game_id"]: r for r in read_log(log) if r["event"] == "game_ended"}
    listed = run_main("replay", str(log))
    assert listed.returncode == 0, listed.stderr
    for game_id, record in ended.items():
        row = next(line for line in listed.stdout.splitlines() if line.startswith(f"{game_id} "))
        assert record["subject"] in row and ("Won in" in row) == (record["outcome"] == "success")
    assert "Summary" in listed.stdout and "4 game(s) played" in listed.stdout
    one = run_main("replay", str(log), "--game", "g2")
    assert one.returncode == 0, one.stderr
    assert f"card {ended['g2']['subject']}" in one.stdout
    assert all(f"card {ended[g]['subject']} " not in one.stdout for g in ("g1", "g3", "g4"))
    last = one.stdout.splitlines()[-1]
    assert last.startswith("Won in " if ended["g2"]["outcome"] == "success" else "Lost after ")
    assert sum(" score " in line for line in one.stdout.splitlines()) == 1  # the ending, said once


def test_an_unknown_game_or_agent_is_a_usage_error(tmp_path: Path) -> None:
    """--game or --agent naming nothing in the log: one line naming what there is, exit 2."""
    game = run_main("replay", GOLDEN_LOG, "--game", "g9")
    assert game.returncode == 2 and "no game 'g9'" in game.stderr and "g1" in game.stderr
    agent = run_main("replay", GOLDEN_LOG, "--agent", "nobody")
    assert agent.returncode == 2 and "no agent 'nobody'" in agent.stderr and "guesser" in agent.stderr


def test_agent_shows_only_what_that_agent_sent_and_received() -> None:
    """--agent guesser shows the guesser's messages and never the card or the hinter's exchanges."""
    done = run_main("replay", GOLDEN_LOG, "--agent", "guesser")
    assert done.returncode == 0, done.stderr
    assert "guesser → referee [guess] GUESS: hail" in done.stdout
    assert "referee → guesser [clue] frozen rain falling from the clouds" in done.stdout
    assert "taboo:" not in done.stdout and "hinter →" not in done.stdout and "→ hinter" not in done.stdout
    assert "guesser: test-model" in done.stdout and "hinter: test-model" not in done.stdout


def test_json_gives_normalised_events_one_per_line() -> None:
    """--json: one object per event, the common fields first, game_id and agent always present."""
    done = run_main("replay", GOLDEN_LOG, "--json")
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(records) == len(golden_lines())
    assert all(
        list(r)[:8] == ["v", "ts", "seq", "run_id", "event", "game_id", "agent", "t_ms"] for r in records
    )
    assert records[0]["game_id"] is None and records[0]["t_ms"] == 0
    call = next(r for r in records if r["event"] == "llm_call")
    assert call["agent"] == "hinter" and call["usage"]["prompt_tokens"] == 120


async def test_speed_replays_the_recorded_timing_scaled(tmp_path: Path) -> None:
    """--speed 1000 spreads events recorded over 3 s across about 3 ms, and not less."""
    lines = golden_lines()
    first = json.loads(lines[0])
    paced = []
    for second, line in enumerate([lines[0], *lines[1:4], lines[-1]]):
        record = json.loads(line)
        record["ts"] = f"2026-01-01T00:00:{min(second, 3):02d}.000000+00:00"
        record["seq"] = second
        paced.append(json.dumps(record) + "\n")
    log = write(tmp_path / "paced.jsonl", paced)
    assert first["event"] == "run_started"
    args = build_parser().parse_args(["replay", str(log), "--speed", "1000"])
    started = time.monotonic()
    assert await replay_run(args, Console(file=io.StringIO())) == 0
    assert time.monotonic() - started >= 0.003


# -- --follow ------------------------------------------------------------------------------------


class Watched(io.StringIO):
    """A console file that sets `seen` once `needle` has been written."""

    def __init__(self, needle: str) -> None:
        super().__init__()
        self.needle = needle
        self.seen = asyncio.Event()

    def write(self, text: str) -> int:
        written = super().write(text)
        if self.needle in self.getvalue():
            self.seen.set()
        return written


async def test_follow_reads_a_live_game_to_its_end(tmp_path: Path, chat_server) -> None:
    """--follow shows a game while it is being played and ends with its outcome when the run ends."""

    def answer(body: dict, index: int) -> Reply:
        guesser = "GUESS:" in body["messages"][0]["content"]
        return Reply.text("GUESS: snow" if guesser else "CLUE: frozen rain from the clouds").delayed(60)

    chat_server.handler = answer
    log = tmp_path / "live.jsonl"
    game = start_main(
        "taboo", "--card", "snow", "--base-url", chat_server.base_url, "--model", "m", "--log", str(log)
    )
    try:
        # The game now waits on the hinter's model: its log holds the start and the card, no outcome.
        assert await asyncio.to_thread(chat_server.wait_for_in_flight, 1, 60)
        out = Watched("referee → hinter [card]")
        args = build_parser().parse_args(["replay", str(log), "--follow"])
        follow = asyncio.create_task(replay_run(args, Console(file=out, width=120)))
        async with asyncio.timeout(60):
            await out.seen.wait()
        assert not follow.done()
        chat_server.release()
        async with asyncio.timeout(60):
            assert await follow == 0
        stdout, stderr = await asyncio.to_thread(game.communicate, timeout=60)
    finally:
        if game.poll() is None:
            game.kill()
    assert game.returncode == 0, stderr
    followed = out.getvalue().splitlines()
    assert followed[-1] == stdout.splitlines()[-1]
    assert followed[-1].startswith("Won in 1 turn,")


async def test_follow_waits_for_whole_lines_and_stops_at_run_ended(tmp_path: Path) -> None:
    """follow_events yields nothing of a half-written line, picks it up once whole, and ends at run_ended."""
    lines = golden_lines()
    log = write(tmp_path / "growing.jsonl", lines[:3])
    at_end = asyncio.Event()
    go_on = asyncio.Event()

    async def sleep(_: float) -> None:
        at_end.set()
        await go_on.wait()
        go_on.clear()

    async def more(text: str) -> None:
        await at_end.wait()
        at_end.clear()
        with log.open("a", encoding="utf-8") as handle:
            handle.write(text)
        go_on.set()

    seen: list[int] = []

    async def follow() -> None:
        async for record in follow_events(log, sleep=sleep, report=ReadReport()):
            seen.append(record["seq"])

    async with asyncio.timeout(10), asyncio.TaskGroup() as group:
        group.create_task(follow())
        middle = lines[3]
        await more(middle[:40])  # half a line: nothing new may be read
        assert seen == [0, 1, 2]
        await more(middle[40:] + "".join(lines[4:]))
    assert seen == list(range(len(lines)))


async def test_follow_waits_for_a_log_not_written_yet(tmp_path: Path) -> None:
    """A followed log that does not exist yet is read once it appears, from its first line."""
    log = tmp_path / "soon.jsonl"
    naps = 0

    async def sleep(_: float) -> None:
        nonlocal naps
        naps += 1
        if naps == 3:  # the run starts writing while the follower waits
            write(log, golden_lines())

    async with asyncio.timeout(10):
        seen = [r["seq"] async for r in follow_events(log, sleep=sleep, report=ReadReport())]
    assert seen == list(range(len(golden_lines()))) and naps == 3


async def test_follow_gives_up_on_a_log_that_never_appears(tmp_path: Path) -> None:
    """The wait is bounded: after `appear_s` of polling, one clear error naming the file."""
    naps = 0

    async def sleep(_: float) -> None:
        nonlocal naps
        naps += 1

    with pytest.raises(LogFileError, match=r"never\.jsonl: no such file \(waited 1 s for it\)"):
        async for _ in follow_events(tmp_path / "never.jsonl", sleep=sleep, poll_s=0.25, appear_s=1):
            pass
    assert naps == 4


def test_follow_says_it_waits_and_how_long(tmp_path: Path) -> None:
    """`replay --follow` on a missing log says so on stderr; its bound is in --help."""
    assert "waited for, up to 60 s" in " ".join(run_main("replay", "--help").stdout.split())


def test_an_unknown_agent_fails_before_anything_is_printed(tmp_path: Path) -> None:
    """--agent or --game naming no one of the run's plan: refused from the plan, nothing drawn."""
    log = tmp_path / "two.jsonl"
    assert run_main("taboo", "--games", "2", "--seed", "1", "--quiet", "--log", str(log)).returncode == 0
    for flag, value, needle in (
        ("--agent", "nobody", "no agent 'nobody'; its agents: guesser, hinter, referee"),
        ("--game", "g7", "no game 'g7'; its 2 game(s): g1, g2"),
    ):
        out = io.StringIO()
        args = build_parser().parse_args(["replay", str(log), flag, value])
        with pytest.raises(UsageError, match=re.escape(needle)):
            asyncio.run(replay_run(args, Console(file=out, width=120)))
        assert out.getvalue() == ""


def test_a_batch_is_listed_in_plan_order(tmp_path: Path) -> None:
    """Games that ended out of order are listed as the run planned them."""
    many = tmp_path / "many.jsonl"
    assert run_main("taboo", "--games", "3", "--seed", "1", "--quiet", "--log", str(many)).returncode == 0
    records = read_log(many)
    ended = [r for r in records if r["event"] == "game_ended"]
    shuffled = [records[0], ended[2], ended[0], ended[1], records[-1]]
    for seq, record in enumerate(shuffled):
        record["seq"] = seq
    log = write(tmp_path / "shuffled.jsonl", [json.dumps(r) + "\n" for r in shuffled])
    listed = run_main("replay", str(log))
    assert listed.returncode == 0, listed.stderr
    rows = [line.split()[0] for line in listed.stdout.splitlines() if line[:1] == "g" and line[1:2].isdigit()]
    assert rows == ["g1", "g2", "g3"]


# -- bad and big logs ----------------------------------------------------------------------------


def test_a_truncated_last_line_shows_everything_before_it_with_a_warning(tmp_path: Path) -> None:
    """A crash mid-write: the transcript up to the cut, a warning naming the line, exit 0."""
    lines = golden_lines()
    log = write(tmp_path / "cut.jsonl", [*lines[:14], lines[14][:30]])
    done = run_main("replay", str(log))
    assert done.returncode == 0, done.stderr
    assert "guesser → referee [guess] GUESS: hail" in done.stdout
    assert "the run was cut short: its last line (15) is incomplete" in done.stderr
    assert "the run was cut short (its last line is incomplete" in done.stdout


def test_a_corrupt_line_in_the_middle_is_an_error_naming_the_line(tmp_path: Path) -> None:
    """A corrupt line 6: one line naming it, exit 2; --lenient skips it, counts it and goes on."""
    lines = golden_lines()
    log = write(tmp_path / "corrupt.jsonl", [*lines[:5], "{not json\n", *lines[6:]])
    strict = run_main("replay", str(log))
    assert strict.returncode == 2
    assert strict.stderr.strip().splitlines() == [
        f"error: {log}: line 6 is not valid JSON (use --lenient to skip it)"
    ]
    lenient = run_main("replay", str(log), "--lenient")
    assert lenient.returncode == 0, lenient.stderr
    assert "skipped 1 corrupt line(s): 6" in lenient.stderr
    assert lenient.stdout.splitlines()[-1].startswith("Lost after 2 turns, score 0: ")


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("", "the file is empty"),
        ("name,score\nada,3\n", "line 1 is not JSON: not a run log"),
        ('{"hello": "world"}\n', "not a run log event"),
        ('{"v":1,"ts":"x","seq":0,"run_id":"r","event":"message_sent"}\n', "not run_started"),
        ('{"v":99,"ts":"x","seq":0,"run_id":"r","event":"run_started"}\n', "schema v99"),
    ],
)
def test_a_file_that_cannot_be_replayed_is_one_line_and_exit_2(
    tmp_path: Path, content: str, needle: str
) -> None:
    """An empty file, a file that is not a run log, a newer schema: one clear line, exit 2."""
    log = tmp_path / "bad.jsonl"
    log.write_text(content, encoding="utf-8")
    for view in ([], ["--events"], ["--json"]):
        done = run_main("replay", str(log), *view)
        assert done.returncode == 2
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and needle in lines[0] and lines[0].startswith("error: ")
        assert "Traceback" not in done.stderr


def test_a_reader_that_goes_away_ends_the_replay_quietly(tmp_path: Path) -> None:
    """`replay LOG | head -1`: the replay stops without a traceback when the pipe closes, exit 0."""
    log = big_log(tmp_path / "long.jsonl", 300)
    replay = start_main("replay", str(log))
    assert replay.stdout is not None and replay.stderr is not None
    assert replay.stdout.readline()
    replay.stdout.close()
    assert replay.wait(timeout=60) == 0
    assert "Traceback" not in replay.stderr.read()


def test_a_missing_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """A path that does not exist: one line, exit 2."""
    done = run_main("replay", str(tmp_path / "nope.jsonl"))
    assert done.returncode == 2 and "cannot read the file" in done.stderr


class Discard(io.TextIOBase):
    """A console file that keeps nothing."""

    def write(self, text: str) -> int:
        return len(text)


def big_log(path: Path, turns: int) -> Path:
    """A long synthetic game: the golden log's middle repeated `turns` times (replay needs no sense),
    seq numbered 0..n-1 as a writer would."""
    lines = golden_lines()
    seq = 0
    with path.open("w", encoding="utf-8") as handle:
        for line in [lines[0], *lines[2:20] * turns, *lines[20:]]:
            handle.write(json.dumps({**json.loads(line), "seq": seq}) + "\n")
            seq += 1
    return path


# The memory test's two sizes and margin. 16,200 more events in the large log than in the small one, and
# a margin of 128 KiB: holding anything per event (even one list slot, 8 bytes) crosses it, as it did with
# the 300 and 3,000 turns used before at a third of the time (tracemalloc makes every event dear). Measured
# peaks: 41 KB for --json and --events at every size, 49 KB and 99 KB for the transcript.
FLAT_TURNS = (100, 1000)
FLAT_MARGIN = 128 * 1024


@pytest.fixture(scope="module")
def flat_logs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """The memory test's logs, written once for its three views (they only read them)."""
    folder = tmp_path_factory.mktemp("flat")
    return {turns: big_log(folder / f"big{turns}.jsonl", turns) for turns in (3, *FLAT_TURNS)}


@pytest.mark.parametrize("view", [[], ["--json"], ["--events"]])
async def test_memory_stays_flat_as_the_log_grows(flat_logs: dict[int, Path], view: list[str]) -> None:
    """Replaying 10x more events takes no more memory: the log is streamed, never held."""

    async def replay(turns: int) -> int:
        """The peak of traced memory while the log of `turns` turns is replayed."""
        log = flat_logs[turns]
        args = build_parser().parse_args(["replay", str(log), *view])
        tracemalloc.start()
        try:
            assert await replay_run(args, Console(file=Discard())) == 0
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    await replay(3)  # a first replay in a process fills caches (900 KB), so the small peak is the steady one
    small, large = [await replay(turns) for turns in FLAT_TURNS]
    assert large < small + FLAT_MARGIN, f"peak {small} bytes at {FLAT_TURNS[0]} turns, {large} at 10x"


# -- a run cut short, a batch --------------------------------------------------------------------


def replay_in_process(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main.main(["replay", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def cut_golden(tmp_path: Path) -> Path:
    """The golden log killed in the middle of its game: no game_ended, no run_ended."""
    lines = golden_lines()
    cut = next(i for i, line in enumerate(lines) if '"event":"game_ended"' in line.replace(" ", ""))
    return write(tmp_path / "cut.jsonl", lines[: cut - 2])


CUT_NOTICE = (
    "the run was cut short (no run_ended: the run was killed or is still running); 1 game(s) never ended: g1"
)


def test_the_transcript_of_a_run_cut_short_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The transcript of a killed run names the game that never ended, before its last line."""
    code, out, _ = replay_in_process(capsys, str(cut_golden(tmp_path)))
    assert code == 0
    assert out.splitlines()[-2] == CUT_NOTICE


def test_the_events_table_of_a_run_cut_short_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--events ends with the same notice."""
    code, out, _ = replay_in_process(capsys, str(cut_golden(tmp_path)), "--events")
    assert code == 0
    assert out.splitlines()[-1] == CUT_NOTICE


def test_json_of_a_run_cut_short_says_so_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json keeps standard output JSON lines and says on standard error that the run was cut short."""
    log = cut_golden(tmp_path)
    code, out, err = replay_in_process(capsys, str(log), "--json")
    assert code == 0
    assert all(isinstance(json.loads(line), dict) for line in out.splitlines())
    assert f"warning: {log}: {CUT_NOTICE}" in err.splitlines()


def test_a_game_interrupted_in_an_older_log_never_ended(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A game_ended with reason "interrupted" (older logs) counts as a game that never ended."""
    records = [json.loads(line) for line in golden_lines()]
    for record in records:
        if record["event"] == "game_ended":
            record.update(outcome="aborted", reason="interrupted")
    log = write(tmp_path / "interrupted.jsonl", [json.dumps(r) + "\n" for r in records])
    code, out, _ = replay_in_process(capsys, str(log), "--events")
    assert code == 0
    assert out.splitlines()[-1] == "the run was cut short (it was stopped); 1 game(s) never ended: g1"


def test_a_batch_without_a_plan_is_shown_game_by_game(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A log whose config says one game but which played three (an older resumed run) lists its games."""
    log = tmp_path / "batch.jsonl"
    assert main.main(["taboo", "--games", "3", "--seed", "1", "--log", str(log), "--quiet"]) == 0
    records = read_log(log)
    del records[0]["plan"]
    records[0]["config"].update(games=1, resumed_from="earlier.jsonl")
    write(log, [json.dumps(r) + "\n" for r in records])
    capsys.readouterr()
    code, out, _ = replay_in_process(capsys, str(log))
    assert code == 0
    assert out.splitlines()[-1].startswith(f"3 game(s) played — log: {log}")
    assert "message" not in out and "→" not in out  # no conversation: one line per game
