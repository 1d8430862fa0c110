"""A Chameleon batch without side flags is what it was before sides existed: a fixed-seed batch of
offline games leaves, game by game, exactly the events recorded in golden/offline_batch.json (taken at
c193a25), and its run_started records the role `player` only."""

from __future__ import annotations

import json
from pathlib import Path

from tests.games.taboo.test_batch_fingerprint import game_fingerprints, outcomes
from tests.support.cli import read_log, run_main

GOLDEN = Path(__file__).parent / "golden" / "offline_batch.json"


def test_a_fixed_seed_batch_without_sides_plays_the_recorded_games(tmp_path: Path) -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    log = tmp_path / "batch.jsonl"
    done = run_main(*golden["command"].split(), "--log", str(log))
    assert done.returncode == 0, done.stderr
    records = read_log(log)
    config = records[0]["config"]
    assert {key: config[key] for key in golden["config"]} == golden["config"]
    assert outcomes(records) == golden["outcomes"]
    assert game_fingerprints(records) == golden["games"]
