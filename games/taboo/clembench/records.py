"""Reading clembench's Taboo records (clembench/clembench-runs): each episode's `interactions.json`,
with its `requests.json`, `instance.json` and `scores.json` when present, and each experiment's
`experiment_<name>.json` (or `experiment.json`).

Three layouts are read (docs/taboo-rules.md, "Importing clembench records"):

- clembench 1.6 to 2.0 (`<pair>/taboo/<i>_<experiment>/episode_<n>/`), player ids `Player 1`/`Player 2`;
- clembench 2.0.0 with clemcore 2 (the same folders, player ids `Player 1 (WordDescriber)`..., a `meta`
  object, the guesser's first message logged in two parts labelled `initial prompt` and `context`);
- clemcore 3 (`<pair>/taboo/<experiment>/instance_<00000>/`, players as objects with `game_role`).

Records of clembench's game before version 1.6 (other rules: its events `valid format`, `clue`,
`guess`) are recognised and left out. A record file that is not what clembench writes is one line
naming the file and the field (RecordError).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from games.taboo.clembench.instances import SHOWN_RELATED

GAME_FOLDER = "taboo"
DESCRIBER, GUESSER = "WordDescriber", "WordGuesser"
OLD_GAME_EVENTS = frozenset({"valid format", "clue", "guess"})  # clembench's game before 1.6
EPISODE_FOLDER = re.compile(r"(?:episode|instance)_(\d+)")
EXPERIMENT_FOLDER = re.compile(r"(\d+)_(.+)")


class RecordError(ValueError):
    """A record file that cannot be read: the message names the file and the field."""


class OldRecord(Exception):
    """A record of clembench's game before version 1.6, whose rules differ: not imported."""


@dataclass(frozen=True)
class Event:
    """One event of an episode's interactions, as clembench logged it."""

    sender: str
    recipient: str
    type: str
    content: str
    timestamp: str
    label: str | None = None


@dataclass(frozen=True)
class Call:
    """One model call of requests.json: the messages when they are a chat (a list of role and content),
    the usage and the time it took when the backend said."""

    timestamp: str
    messages: list[dict[str, str]] | None
    prompt_tokens: int | None
    completion_tokens: int | None
    finish_reason: str | None
    duration_ms: float | None


@dataclass
class Episode:
    """One episode: where it is, what it played and what was said."""

    folder: Path
    pair: str  # the model pair's folder name
    experiment: str
    experiment_index: int | None
    game_id: int
    describer_model: str
    guesser_model: str
    describer_id: str  # the player ids its events use
    guesser_id: str
    rounds: list[list[Event]]
    target: str | None = None
    related: list[str] | None = None
    instance: dict[str, Any] | None = None  # instance.json as recorded
    calls: list[Call] = field(default_factory=list)
    scores: dict[str, Any] | None = None  # scores.json's episode scores, NaN read as None


@dataclass(frozen=True)
class ExperimentFile:
    name: str
    max_turns: int
    describer_prompt: str
    guesser_prompt: str


def find_episodes(root: Path) -> Iterator[Path]:
    """Every episode folder of clembench's Taboo below `root` (itself included), in name order."""
    for path in sorted(root.rglob("interactions.json"), key=_natural):
        folder = path.parent
        if len(folder.parts) >= 3 and folder.parent.parent.name == GAME_FOLDER:
            yield folder


def _natural(path: Path) -> list[Any]:
    """Sort key: numbers in names compare as numbers (episode_2 before episode_10)."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(path))]


def read_json_file(path: Path) -> Any:
    """A record file's JSON (NaN allowed, as clembench writes it); RecordError if unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RecordError(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RecordError(f"{path}: not JSON: {exc}") from None


def read_episode(folder: Path) -> Episode:
    """An episode folder read; RecordError for a malformed file, OldRecord for a pre-1.6 record."""
    path = folder / "interactions.json"
    data = _object(read_json_file(path), path, "the top level")
    players = _object(data.get("players"), path, "players")
    describer_id, describer_model = _player(players, DESCRIBER, "Player 1", path)
    guesser_id, guesser_model = _player(players, GUESSER, "Player 2", path)
    rounds = [
        _round(entry, path, index) for index, entry in enumerate(_list(data.get("turns"), path, "turns"))
    ]
    if any(event.type in OLD_GAME_EVENTS for events in rounds for event in events):
        raise OldRecord(f"{folder}: recorded by clembench's Taboo before version 1.6 (other rules)")
    meta = data.get("meta") if isinstance(data.get("meta"), Mapping) else {}
    experiment, index = _experiment_of(folder.parent.name, meta)
    episode = Episode(
        folder=folder,
        pair=folder.parent.parent.parent.name,
        experiment=experiment,
        experiment_index=index,
        game_id=_game_id(folder, meta),
        describer_model=describer_model or _pair_model(folder, 0),
        guesser_model=guesser_model or _pair_model(folder, 1),
        describer_id=describer_id,
        guesser_id=guesser_id,
        rounds=rounds,
    )
    _read_instance(episode)
    _read_scores(episode)
    _read_requests(episode)
    return episode


def read_experiment(folder: Path, name: str) -> ExperimentFile:
    """The experiment file of an experiment folder; RecordError when there is none or it is malformed."""
    for candidate in (folder / f"experiment_{name}.json", folder / "experiment.json"):
        if candidate.is_file():
            data = _object(read_json_file(candidate), candidate, "the top level")
            turns = data.get("max_turns")
            if not isinstance(turns, int) or isinstance(turns, bool) or turns < 1:
                raise RecordError(f"{candidate}: max_turns: is {turns!r:.40}, expected a whole number from 1")
            return ExperimentFile(
                name=name,
                max_turns=turns,
                describer_prompt=_text(data, "describer_initial_prompt", candidate),
                guesser_prompt=_text(data, "guesser_initial_prompt", candidate),
            )
    raise RecordError(
        f"{folder}: no experiment_{name}.json or experiment.json (the prompts and turns of the experiment)"
    )


def words_from_prompt(prompt: str, experiment: ExperimentFile) -> tuple[str, list[str]] | None:
    """The target and the related words the describer's filled prompt lists, read back through its
    template (only the first three related words are in it), or None when it does not fit."""
    pieces = re.split(r"(\$TARGET_WORD\$|\$REL_WORD\$|\$N\$)", experiment.describer_prompt)
    pattern = ""
    for piece in pieces:
        if piece == "$TARGET_WORD$":
            pattern += "(?P<target>.+?)" if "(?P<target>" not in pattern else "(?P=target)"
        elif piece == "$REL_WORD$":
            listed = r"\n".join(r"- (.+?)" for _ in range(SHOWN_RELATED))
            pattern += f"(?P<related>{listed})" if "(?P<related>" not in pattern else "(?P=related)"
        elif piece == "$N$":
            pattern += re.escape(str(experiment.max_turns))
        else:
            pattern += re.escape(piece)
    found = re.fullmatch(pattern, prompt, re.DOTALL)
    if found is None or "target" not in found.groupdict() or "related" not in found.groupdict():
        return None
    related = [line.removeprefix("- ") for line in found.group("related").split("\n")]
    return found.group("target"), related


# -- the parts of an episode ---------------------------------------------------------------------


def _player(players: Mapping[str, Any], role: str, fallback: str, path: Path) -> tuple[str, str | None]:
    """The id a player's events use, and its model's name, from `players`."""
    for key, value in players.items():
        if key == "GM":
            continue
        if isinstance(value, Mapping):
            if value.get("game_role") == role:
                return key, str(value.get("model_name")) if value.get("model_name") else None
        elif role in key or (isinstance(value, str) and value.startswith(role)):
            return key, _model_in(str(value), role)
    if fallback in players:
        return fallback, _model_in(str(players[fallback]), role)
    raise RecordError(f"{path}: players: no {role} among {', '.join(map(str, players))}")


def _model_in(description: str, role: str) -> str | None:
    """The model's name in a player's description: `WordDescriber, gpt-4.1` (clembench up to 2.0) or
    `Player 1 (WordDescriber) (WordDescriber): gpt-4.1` (with clemcore 2)."""
    if description.startswith(f"{role}, "):
        return description[len(role) + 2 :].strip() or None
    if ": " in description:
        return description.rsplit(": ", 1)[1].strip() or None
    return None


def _pair_model(folder: Path, position: int) -> str:
    """A model's name from the pair's folder name (`m1-t0.0--m2-t0.0`, or one model for self-play)."""
    names = [re.sub(r"-t\d+(?:\.\d+)?$", "", part) for part in folder.parent.parent.parent.name.split("--")]
    return names[min(position, len(names) - 1)]


def _round(entry: Any, path: Path, index: int) -> list[Event]:
    events = []
    for number, item in enumerate(_list(entry, path, f"turns[{index}]")):
        where = f"turns[{index}][{number}]"
        item = _object(item, path, where)
        action = _object(item.get("action"), path, f"{where}.action")
        content = action.get("content")
        events.append(
            Event(
                sender=str(item.get("from")),
                recipient=str(item.get("to")),
                type=_text(action, "type", path, f"{where}.action"),
                content=content if isinstance(content, str) else json.dumps(content),
                timestamp=str(item.get("timestamp") or ""),
                label=action.get("label") if isinstance(action.get("label"), str) else None,
            )
        )
    return events


def _experiment_of(folder_name: str, meta: Mapping[str, Any]) -> tuple[str, int | None]:
    numbered = EXPERIMENT_FOLDER.fullmatch(folder_name)
    name = numbered.group(2) if numbered else folder_name
    if isinstance(meta.get("experiment_name"), str):
        name = meta["experiment_name"]
    return name, int(numbered.group(1)) if numbered else None


def _game_id(folder: Path, meta: Mapping[str, Any]) -> int:
    if isinstance(meta.get("game_id"), int):
        return int(meta["game_id"])
    numbered = EPISODE_FOLDER.fullmatch(folder.name)
    return int(numbered.group(1)) if numbered else 0


def _read_instance(episode: Episode) -> None:
    path = episode.folder / "instance.json"
    if not path.is_file():
        return
    data = _object(read_json_file(path), path, "the top level")
    episode.instance = data
    episode.target = _text(data, "target_word", path)
    related = _list(data.get("related_word"), path, "related_word")
    if not all(isinstance(word, str) for word in related):
        raise RecordError(f"{path}: related_word: expected a list of strings")
    episode.related = related
    if isinstance(data.get("game_id"), int):
        episode.game_id = data["game_id"]


def _read_scores(episode: Episode) -> None:
    path = episode.folder / "scores.json"
    if not path.is_file():
        return
    data = _object(read_json_file(path), path, "the top level")
    scores = _object(data.get("episode scores"), path, "episode scores")
    episode.scores = {name: _no_nan(value) for name, value in scores.items()}


def _read_requests(episode: Episode) -> None:
    path = episode.folder / "requests.json"
    if not path.is_file():
        return
    data = read_json_file(path)
    calls = data.get("calls") if isinstance(data, Mapping) else data  # clemcore 3.x's newest shape
    for index, entry in enumerate(_list(calls, path, "the top level")):
        entry = _object(entry, path, f"[{index}]")
        entry = entry.get("call", entry) if isinstance(entry.get("call"), Mapping) else entry
        episode.calls.append(_call(entry))


def _call(entry: Mapping[str, Any]) -> Call:
    prompt = entry.get("manipulated_prompt_obj")
    chat = isinstance(prompt, list) and all(
        isinstance(m, Mapping) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str)
        for m in prompt
    )
    response = entry.get("raw_response_obj") if isinstance(entry.get("raw_response_obj"), Mapping) else {}
    usage = response.get("usage") if isinstance(response.get("usage"), Mapping) else {}
    choices = response.get("choices")
    first = choices[0] if isinstance(choices, list) and choices and isinstance(choices[0], Mapping) else {}
    player = response.get("clem_player") if isinstance(response.get("clem_player"), Mapping) else {}
    return Call(
        timestamp=str(entry.get("timestamp") or ""),
        messages=[{"role": m["role"], "content": m["content"]} for m in prompt] if chat else None,
        prompt_tokens=_count(usage.get("prompt_tokens", usage.get("input_tokens"))),
        completion_tokens=_count(usage.get("completion_tokens", usage.get("output_tokens"))),
        finish_reason=first.get("finish_reason") if isinstance(first.get("finish_reason"), str) else None,
        duration_ms=_duration_ms(player.get("call_duration")),
    )


def _duration_ms(text: object) -> float | None:
    """`0:00:05.144061` (a Python timedelta as text) in milliseconds."""
    if not isinstance(text, str):
        return None
    found = re.fullmatch(r"(\d+):(\d\d):(\d\d(?:\.\d+)?)", text.strip())
    if found is None:
        return None
    hours, minutes, seconds = int(found.group(1)), int(found.group(2)), float(found.group(3))
    return round((hours * 3600 + minutes * 60 + seconds) * 1000, 3)


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _no_nan(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


def _object(value: Any, path: Path, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RecordError(f"{path}: {where}: expected an object")
    return value


def _list(value: Any, path: Path, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise RecordError(f"{path}: {where}: expected a list")
    return value


def _text(data: Mapping[str, Any], name: str, path: Path, within: str = "") -> str:
    value = data.get(name)
    if not isinstance(value, str):
        where = f"{within}.{name}" if within else name
        raise RecordError(f"{path}: {where}: expected a string")
    return value
