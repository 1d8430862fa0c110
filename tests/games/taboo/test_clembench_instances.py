"""Reading a clembench instances file: the games it holds, the prompts filled as clembench fills them,
and one line naming the file and the field for a file that cannot be played."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from games.taboo.clembench.instances import load_instances
from games.taboo.errors import InstancesError

INSTANCES = Path(__file__).parent / "data" / "instances.json"


def test_the_instances_are_the_games_in_file_order() -> None:
    """Each instance is a game, with its experiment's turns, its words and a unique subject."""
    instances = load_instances(INSTANCES)
    assert [i.subject for i in instances] == ["common_en/0", "common_en/1", "rare_en/0"]
    ferry = instances.by_subject("rare_en/0")
    assert (ferry.target, ferry.related, ferry.experiment.max_turns) == (
        "ferry",
        ("boat", "river", "transport", "crossing"),
        2,
    )
    assert ferry.card.taboo == ("boat", "river", "transport", "crossing")


def test_the_prompts_are_filled_as_clembench_fills_them(tmp_path: Path) -> None:
    """Every placeholder occurrence is replaced; the describer sees the first three related words."""
    template = "Say $TARGET_WORD$ ($TARGET_WORD$) in $N$ tries without:\n$REL_WORD$\nGo!"
    data = _file(describer=template, guesser="You have $N$ tries.\n")
    instance = next(iter(load_instances(_write(tmp_path, data))))
    assert (
        instance.describer_prompt()
        == "Say ferry (ferry) in 2 tries without:\n- boat\n- river\n- transport\nGo!"
    )
    assert instance.guesser_prompt() == "You have 2 tries.\n"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("experiments"), "experiments: is missing"),
        (
            lambda d: d["experiments"][0].update(max_turns="3"),
            "experiments[0].max_turns: is a string, expected a whole number",
        ),
        (
            lambda d: d["experiments"][0].update(max_turns=0),
            "experiments[0].max_turns: is 0, expected 1 or more",
        ),
        (
            lambda d: d["experiments"][0]["game_instances"][0].update(related_word=["boat", "river"]),
            "experiments[0].game_instances[0].related_word: has 2 word(s)",
        ),
        (
            lambda d: d["experiments"][0]["game_instances"][0]["related_word"].__setitem__(1, 7),
            "experiments[0].game_instances[0].related_word[1]: is a number, expected a word",
        ),
        (
            lambda d: d["experiments"][0]["game_instances"][0].pop("target_word"),
            "game_instances[0].target_word: is missing",
        ),
        (
            lambda d: d["experiments"].append(d["experiments"][0]),
            "experiments[1].name: 'rare' names two experiments",
        ),
        (
            lambda d: d["experiments"][0]["game_instances"].append(
                {**d["experiments"][0]["game_instances"][0]}
            ),
            "experiments[0].game_instances[1].game_id: is used twice in its experiment",
        ),
        (
            lambda d: d["experiments"][0].update(game_instances=[]),
            "experiments: no experiment has a game instance",
        ),
    ],
)
def test_a_file_that_cannot_be_played_is_one_line_naming_the_field(
    tmp_path: Path, change, message: str
) -> None:
    data = _file()
    change(data)
    path = _write(tmp_path, data)
    with pytest.raises(InstancesError) as refused:
        load_instances(path)
    assert str(refused.value).startswith(f"{path}: ") and message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"experiments": [', encoding="utf-8")
    with pytest.raises(InstancesError, match=r"broken\.json: invalid JSON: line 1"):
        load_instances(path)


def _file(describer: str = "$TARGET_WORD$ $REL_WORD$ $N$", guesser: str = "$N$\n") -> dict:
    instance = {
        "game_id": 0,
        "target_word": "ferry",
        "related_word": ["boat", "river", "transport", "crossing"],
    }
    return {
        "experiments": [
            {
                "name": "rare",
                "game_instances": [instance],
                "max_turns": 2,
                "describer_initial_prompt": describer,
                "guesser_initial_prompt": guesser,
            }
        ]
    }


def _write(folder: Path, data: dict) -> Path:
    path = folder / "instances.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
