"""Chameleon's sides cast apart (`--chameleon-model`, `--chameleon`, `[cast.NAME.chameleon]`): real offline
games played through `eval`, rated by `report` across competitors; the cast recorded so that rerun and
--resume play it again; a plan's misspelt side caught at its line; the default run logged as before."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import events, read_log, run_main
from tests.support.evals import chains

# Offline competitors: "sharp" recalls every clue word and clues carefully; "dull" recalls the fewest and
# clues bluntly, so it gives the word away to a chameleon and is a chameleon easily caught.
SHARP = """\
name = "sharp"
description = "Offline: recalls every clue word, clues carefully."
roles = ["player"]
prompt = "You are {name}, a careful player of Chameleon. {rules} {format}"
[offline]
knowledge = 1.0
subtlety = 1.0
"""
DULL = """\
name = "dull"
description = "Offline: recalls few clue words, clues bluntly."
roles = ["player"]
prompt = "You are {name}, a careless player of Chameleon. {rules} {format}"
[offline]
knowledge = 0.0
subtlety = 0.0
"""
# Two pairings, each both ways round: the cast's name says who plays the chameleon, then who the others.
PLAN = """\
seeds = [4]
games = 30
persona_dirs = ["personas"]

[game.chameleon]
players = 3

[cast.sharp-vs-dull]
model = "offline"
persona = "dull"
[cast.sharp-vs-dull.chameleon]
persona = "sharp"

[cast.dull-vs-sharp]
model = "offline"
persona = "sharp"
[cast.dull-vs-sharp.chameleon]
persona = "dull"

[cast.default-vs-dull]
model = "offline"
persona = "dull"
chameleon = { persona = "default" }

[cast.dull-vs-default]
model = "offline"
chameleon = { persona = "dull" }
"""
SIDES = {  # cell -> (the chameleon's player, the others')
    "chameleon-sharp-vs-dull-4": ("offline/sharp", "offline/dull"),
    "chameleon-dull-vs-sharp-4": ("offline/dull", "offline/sharp"),
    "chameleon-default-vs-dull-4": ("offline/default", "offline/dull"),
    "chameleon-dull-vs-default-4": ("offline/dull", "offline/default"),
}


def write_personas(folder: Path) -> Path:
    personas = folder / "personas"
    personas.mkdir()
    (personas / "sharp.toml").write_text(SHARP, encoding="utf-8")
    (personas / "dull.toml").write_text(DULL, encoding="utf-8")
    return personas


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The plan played by `eval`, then `report --json` over its folder."""
    folder = tmp_path_factory.mktemp("sides")
    write_personas(folder)
    (folder / "plan.toml").write_text(PLAN, encoding="utf-8")
    out = folder / "out"
    done = run_main("eval", str(folder / "plan.toml"), "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    report = folder / "report.json"
    done = run_main("report", str(out), "--json", str(report))
    assert done.returncode == 0, done.stderr
    assert "side terms: chameleon" in done.stdout
    return out, json.loads(report.read_text(encoding="utf-8"))


def test_each_game_seats_the_chameleon_sides_player_where_the_seed_put_the_chameleon(
    played: tuple[Path, dict[str, Any]],
) -> None:
    """In every game of every cell, the seat the moderator names the chameleon is played by the cast's
    chameleon side, every other seat by its players' side; the plan recorded the same casts."""
    out, _ = played
    for cell, paths in chains(out).items():
        records = read_log(paths[0])
        chameleon, others = SIDES[cell]
        planned = {entry["game_id"]: entry["cast"] for entry in records[0]["plan"]}
        cast = {record["game_id"]: record["players"] for record in events(records, "game_cast")}
        seats = Counter()
        for counted in events(records, "votes_counted"):
            players = cast[counted["game_id"]]
            assert planned[counted["game_id"]] == players
            assert players.pop(counted["chameleon"]) == chameleon
            assert set(players.values()) == {others}
            seats[counted["chameleon"]] += 1
        assert sum(seats.values()) == 30 and len(seats) == 3, "the seed moves the chameleon round the table"


def test_the_rating_orders_the_stronger_competitor_above_with_intervals(
    played: tuple[Path, dict[str, Any]],
) -> None:
    """Sharp is rated above dull with intervals that do not overlap; every game is a match, none
    self-play, and the chameleon's side has a term of its own."""
    _, report = played
    (rating,) = report["ratings"]
    assert rating["game"] == "chameleon" and rating["matches"] == 120 and rating["self_play"] == 0
    by_name = {item["name"]: item for item in rating["competitors"]}
    assert set(by_name) == {"offline/sharp", "offline/dull", "offline/default"}
    sharp, dull = by_name["offline/sharp"], by_name["offline/dull"]
    assert sharp["rating"] > dull["rating"] and sharp["low"] > dull["high"]
    for item in rating["competitors"]:
        assert item["low"] <= item["rating"] <= item["high"]
    assert set(rating["sides"]) == {"side:chameleon", "side:informed"}


def test_a_mirrored_pairing_is_counted_on_the_right_sides(played: tuple[Path, dict[str, Any]]) -> None:
    """Each competitor's games and wins in the rating are those the logs give it: its wins as the
    chameleon in one cell of a pairing and as the players in the mirrored one; the rows' sides and
    winners say the same."""
    out, report = played
    games: Counter[str] = Counter()
    wins: Counter[str] = Counter()
    for cell, paths in chains(out).items():
        chameleon, others = SIDES[cell]
        for ended in events(read_log(paths[0]), "game_ended"):
            games[chameleon] += 1
            games[others] += 1
            wins[others if ended["outcome"] == "success" else chameleon] += 1
    (rating,) = report["ratings"]
    assert {item["name"]: (item["games"], item["wins"]) for item in rating["competitors"]} == {
        name: (games[name], wins[name]) for name in games
    }
    for row in report["rows"]:
        chameleon, others = SIDES[Path(row["log"]).name.removesuffix(".jsonl")]
        assert [row["players"][seat] for seat in row["sides"]["chameleon"]] == [chameleon]
        assert {row["players"][seat] for seat in row["sides"]["informed"]} == {others}
        assert row["winner"] == ("informed" if row["success"] else "chameleon")


def test_rerun_plays_a_cell_with_sides_again_exactly(
    played: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    """A cell's log records the chameleon side's model and persona beside the player's; rerun reproduces
    every game from it."""
    out, _ = played
    log = chains(out)["chameleon-sharp-vs-dull-4"][0]
    config = read_log(log)[0]["config"]
    assert config["models"]["chameleon"] == {"backend": "offline", "model": "offline"}
    assert (
        config["personas"]["chameleon"]["name"] == "sharp" and config["personas"]["player"]["name"] == "dull"
    )
    done = run_main("rerun", str(log), "--log", str(tmp_path / "rerun.jsonl"))
    assert done.returncode == 0, done.stderr
    assert "reproduced: 30 game(s)" in done.stdout


def test_a_resumed_run_keeps_its_sides_and_refuses_other_ones(tmp_path: Path) -> None:
    """A run cut short after some games resumes with the chameleon side's cast from its log (flags left
    out), playing the rest as planned; a different --chameleon is refused in one line."""
    write_personas(tmp_path)
    full = tmp_path / "full.jsonl"
    flags = ("--offline", "--games", "12", "--seed", "8", "--persona-dir", str(tmp_path / "personas"))
    done = run_main(
        "chameleon", *flags, "--chameleon", "sharp", "--player", "dull", "--quiet", "--log", str(full)
    )
    assert done.returncode == 0, done.stderr
    lines = full.read_text(encoding="utf-8").splitlines()
    ended = [number for number, line in enumerate(lines) if '"event":"game_ended"' in line]
    cut = tmp_path / "cut.jsonl"
    cut.write_text("\n".join(lines[: ended[4] + 1]) + "\n", encoding="utf-8")
    resumed = tmp_path / "resumed.jsonl"
    done = run_main("chameleon", "--resume", str(cut), "--quiet", "--log", str(resumed))
    assert done.returncode == 0, done.stderr
    records = read_log(resumed)
    planned = {entry["game_id"]: entry["cast"] for entry in records[0]["plan"]}
    assert planned == {entry["game_id"]: entry["cast"] for entry in read_log(full)[0]["plan"]}
    assert all(record["players"] == planned[record["game_id"]] for record in events(records, "game_cast"))
    assert len(events(records, "game_ended")) == 12 - 5
    other = run_main("chameleon", "--resume", str(cut), "--chameleon", "default", "--quiet")
    assert other.returncode == 2
    assert other.stderr.count("\n") == 1 and "cast it differently" in other.stderr


def test_without_side_flags_every_seat_plays_the_player_and_the_log_names_no_side(tmp_path: Path) -> None:
    """The default run records only the role `player` and gives every seat its player: self-play."""
    log = tmp_path / "run.jsonl"
    done = run_main("chameleon", "--offline", "--games", "3", "--seed", "2", "--quiet", "--log", str(log))
    assert done.returncode == 0, done.stderr
    records = read_log(log)
    config = records[0]["config"]
    assert list(config["models"]) == list(config["personas"]) == list(config["model_settings"]) == ["player"]
    for record in events(records, "game_cast"):
        assert set(record["players"].values()) == {"offline/default"} and "cast_as" not in record


def test_a_misspelt_side_in_a_plan_is_one_line_with_its_line_key_and_the_near_name(tmp_path: Path) -> None:
    """`[cast.x.chamelon]` is refused at its line and key, naming the chameleon side; a side's persona
    that cannot play the side's role is refused at its key."""
    (tmp_path / "plan.toml").write_text(
        '[game.chameleon]\n\n[cast.x]\nmodel = "offline"\n\n[cast.x.chamelon]\npersona = "default"\n'
        '\n[cast.y]\nmodel = "offline"\nchameleon = { persona = "poet" }\n',
        encoding="utf-8",
    )
    done = run_main("eval", str(tmp_path / "plan.toml"), "--check")
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 2, done.stderr
    assert lines[0].startswith(f"{tmp_path / 'plan.toml'}:6: cast.x.chamelon: unknown role 'chamelon'")
    assert (
        "did you mean 'chameleon'?" in lines[0] and "(the roles of its games: player, chameleon)" in lines[0]
    )
    assert lines[1].startswith(f"{tmp_path / 'plan.toml'}:11: cast.y.chameleon.persona:")
    assert "poet" in lines[1]


def test_a_run_with_a_side_cast_apart_is_one_cast_named_by_side_and_role(tmp_path: Path) -> None:
    """game_cast says what each seat was cast as, so the report names the run's cast by side and role
    (not seat by seat, which changes with the seed) and rates its two competitors."""
    personas = write_personas(tmp_path)
    log = tmp_path / "run.jsonl"
    flags = ("--offline", "--games", "6", "--seed", "2", "--chameleon", str(personas / "dull.toml"))
    done = run_main("chameleon", *flags, "--quiet", "--log", str(log))
    assert done.returncode == 0, done.stderr
    for record in events(read_log(log), "game_cast"):
        assert sorted(record["cast_as"].values()) == ["chameleon", "player", "player", "player"]
    report = tmp_path / "report.json"
    assert run_main("report", str(log), "--json", str(report)).returncode == 0
    written = json.loads(report.read_text(encoding="utf-8"))
    assert [entry["cast"] for entry in written["leaderboard"]] == [
        "chameleon=offline/dull, player=offline/default"
    ]
    (rating,) = written["ratings"]
    assert {item["name"] for item in rating["competitors"]} == {"offline/dull", "offline/default"}


def test_a_scripted_chameleon_side_reads_its_own_replies_and_is_rated_below(tmp_path: Path) -> None:
    """`--chameleon-model script:FILE` with replies under `chameleon`: the seat the seed makes the
    chameleon, and only it, says the script's clue in every game; a chameleon whose clue fits no word
    is always caught and guesses wrong, so the offline players win every game and are rated above."""
    script = tmp_path / "giveaway.json"
    replies = ["CLUE: xylophone", "VOTE: p1", "VOTE: p2", "GUESS: xylophone"]
    script.write_text(json.dumps({"chameleon": replies}), encoding="utf-8")
    log = tmp_path / "run.jsonl"
    flags = ("--players", "3", "--games", "8", "--seed", "1", "--model", "offline")
    done = run_main(
        "chameleon", *flags, "--chameleon-model", f"script:{script}", "--quiet", "--log", str(log)
    )
    assert done.returncode == 0, done.stderr
    records = read_log(log)
    chameleons = {r["game_id"]: r["chameleon"] for r in events(records, "votes_counted")}
    clues = [
        r for r in events(records, "message_sent") if r["kind"] == "clue" and r["recipient"] == "moderator"
    ]
    assert {(r["game_id"], r["sender"]) for r in clues if r["text"] == "CLUE: xylophone"} == set(
        chameleons.items()
    )
    assert {r["outcome"] for r in events(records, "game_ended")} == {"success"}
    report = tmp_path / "report.json"
    assert run_main("report", str(log), "--json", str(report)).returncode == 0
    (rating,) = json.loads(report.read_text(encoding="utf-8"))["ratings"]
    assert [(item["name"], item["wins"]) for item in rating["competitors"]] == [
        ("offline/default", 8),
        (f"script:{script}/default", 0),
    ]


def test_a_person_keeps_p1_when_the_seed_makes_p1_the_chameleon(tmp_path: Path) -> None:
    """With --human player and a chameleon side cast apart, the game whose seed makes p1 the chameleon
    seats the person there, with the player's persona; the side's persona plays nobody that game."""
    personas = write_personas(tmp_path)
    log = tmp_path / "run.jsonl"
    flags = (
        "--human",
        "player",
        "--seed",
        "11",
        "--chameleon",
        str(personas / "sharp.toml"),
        "--log",
        str(log),
    )
    done = run_main("chameleon", *flags, stdin="milk\np2\nwater\nwater\n")
    assert done.returncode == 0, done.stderr
    records = read_log(log)
    assert events(records, "votes_counted")[0]["chameleon"] == "p1"
    (cast,) = events(records, "game_cast")
    assert cast["players"] == {"p1": "human/default", **{f"p{n}": "offline/default" for n in (2, 3, 4)}}
