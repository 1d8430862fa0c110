"""An eval whose plan names a Redis server plays its cells on the workers serving its queue, and ends
with the results one process gets from the same plan."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import run_main
from tests.support.evals import chains, ended_in, planned_ids, results_json
from tests.support.workers import workers

PLAN = """\
name = "shared"
seeds = [3, 4]
games = 6

[game.taboo]
[game.chameleon]

[cast.a]
model = "offline"
"""


def outcomes(out: Path) -> dict[str, tuple[int, ...]]:
    """Each cell's games and outcome counts, from results.json."""
    kinds = ("planned", "ended", "success", "lose_violation", "lose_turns", "aborted", "error")
    return {row["cell"]: tuple(row[kind] for kind in kinds) for row in results_json(out)["cells"]}


def test_an_eval_on_two_workers_ends_as_one_process_does(tmp_path: Path, redis_url: str, queue: str) -> None:
    alone_plan = tmp_path / "alone.toml"
    alone_plan.write_text(PLAN, encoding="utf-8")
    alone = run_main("eval", str(alone_plan), "--out", str(tmp_path / "alone"), "--quiet")
    assert alone.returncode == 0, alone.stderr

    shared_plan = tmp_path / "shared.toml"
    shared_plan.write_text(f'redis = "{redis_url}"\nqueue = "{queue}"\n' + PLAN, encoding="utf-8")
    with workers(redis_url, queue, 2, "--concurrency", "2") as running:
        shared = run_main("eval", str(shared_plan), "--out", str(tmp_path / "shared"), "--quiet")
        assert shared.returncode == 0, shared.stderr
        assert any(worker.wait_for("playing games of batch", timeout=5) for worker in running)

    assert "Traceback" not in shared.stderr
    assert outcomes(tmp_path / "shared") == outcomes(tmp_path / "alone")
    for cell, paths in chains(tmp_path / "shared").items():
        ended = sorted(record["game_id"] for record in ended_in(paths))
        assert ended == sorted(planned_ids(paths[0])), cell
    assert results_json(tmp_path / "shared")["complete"] is True


def test_a_plan_naming_a_server_by_a_wrong_url_is_refused_at_its_line(tmp_path: Path) -> None:
    """The URL's password is never shown; nothing is written."""
    plan = tmp_path / "plan.toml"
    plan.write_text('redis = "http://:secret@127.0.0.1:9"\n' + PLAN, encoding="utf-8")
    refused = run_main("eval", str(plan), "--out", str(tmp_path / "out"))
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        f"{plan}:1: redis: expected a redis://, rediss:// or unix:// URL, got 'http://127.0.0.1:9'"
    ]
    assert not (tmp_path / "out").exists()
