"""A batch whose chameleon side has its own cast is played by workers as by one process: the workers
rebuild the side's model, persona and settings from the published config, game by game the same seats."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_chameleon_sides import write_personas
from tests.games.cli.distributed.test_batches_on_workers import by_game
from tests.support.cli import events, read_log, run_main
from tests.support.workers import workers


def test_two_workers_play_the_chameleon_side_as_one_process_does(
    tmp_path: Path, redis_url: str, queue: str
) -> None:
    personas = write_personas(tmp_path)
    common = (
        "--games", "8", "--seed", "6", "--offline", "--quiet", "--chameleon", str(personas / "sharp.toml"),
        "--player", str(personas / "dull.toml"), "--chameleon-temperature", "0.2",
    )  # fmt: skip
    alone = run_main("chameleon", *common, "--log", str(tmp_path / "alone.jsonl"))
    assert alone.returncode == 0, alone.stderr
    with workers(redis_url, queue, 2, "--concurrency", "2"):
        shared = run_main(
            "chameleon",
            *common,
            "--redis",
            redis_url,
            "--queue",
            queue,
            "--log",
            str(tmp_path / "shared.jsonl"),
        )
    assert shared.returncode == 0, shared.stderr
    one, two = read_log(tmp_path / "alone.jsonl"), read_log(tmp_path / "shared.jsonl")
    assert two[0]["config"]["model_settings"] == {"player": {}, "chameleon": {"temperature": 0.2}}
    assert by_game(two) == by_game(one)
    for counted in events(two, "votes_counted"):
        (cast,) = [r["players"] for r in events(two, "game_cast") if r["game_id"] == counted["game_id"]]
        assert cast.pop(counted["chameleon"]) == "offline/sharp"
        assert set(cast.values()) == {"offline/dull"}
        calls = [r for r in events(two, "llm_call") if r["game_id"] == counted["game_id"]]
        assert {c["agent"] for c in calls if c["settings"] == {"temperature": 0.2}} == {counted["chameleon"]}
