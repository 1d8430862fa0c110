"""clembench's Taboo instances files (`taboo/in/instances.json` in clembench's repository): experiments,
each with its number of turns, its two prompt templates and its game instances.

```
{"experiments": [{"name": "high_en", "max_turns": 3,
                  "describer_initial_prompt": "... $TARGET_WORD$ ... $REL_WORD$ ... $N$ ...",
                  "guesser_initial_prompt": "... $N$ ...\\n",
                  "game_instances": [{"game_id": 0, "target_word": "lantern",
                                      "related_word": ["light", "lamp", "candle"]}, ...]}, ...]}
```

Other keys (the stems clembench's generator writes, `dialogue_partners`) are allowed and ignored, as
clembench ignores them. The prompts are filled as clembench's game master fills them: `$TARGET_WORD$`
with the target, `$REL_WORD$` with the first three related words as a list (`- a\\n- b\\n- c`), `$N$`
with the number of turns; every related word is checked. An instance with fewer than three related
words cannot be played (clembench's game master fails on it), so the file is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from games.kit.datafile import DataFileError, describe, json_path, read_json, shown
from games.taboo.deck import Card, Deck
from games.taboo.errors import InstancesError

SHOWN_RELATED = 3  # the related words the describer's prompt lists
MAX_INSTANCES = 5000


@dataclass(frozen=True)
class Experiment:
    """One experiment of a file: its name, turns and the two prompt templates, as written."""

    name: str
    max_turns: int
    describer_prompt: str
    guesser_prompt: str


@dataclass(frozen=True)
class Instance:
    """One game instance: the word to describe and its related (taboo) words, in its experiment."""

    experiment: Experiment
    game_id: int
    target: str
    related: tuple[str, ...]

    @property
    def subject(self) -> str:
        """What a game of this instance is about, unique in its file: `high_en/3`."""
        return subject_of(self.experiment.name, self.game_id)

    @property
    def card(self) -> Card:
        return Card(target=self.target, taboo=self.related)

    def describer_prompt(self) -> str:
        """The describer's first message, filled in as clembench's game master does."""
        listed = "\n".join(f"- {word}" for word in self.related[:SHOWN_RELATED])
        prompt = self.experiment.describer_prompt.replace("$TARGET_WORD$", self.target)
        prompt = prompt.replace("$REL_WORD$", listed)
        return prompt.replace("$N$", str(self.experiment.max_turns))

    def guesser_prompt(self) -> str:
        """The guesser's prompt, which clembench sends with the first clue."""
        return self.experiment.guesser_prompt.replace("$N$", str(self.experiment.max_turns))


def subject_of(experiment: str, game_id: int) -> str:
    return f"{experiment}/{game_id}"


@dataclass(frozen=True)
class InstanceFile:
    """A whole instances file: its instances in file order."""

    path: str
    instances: tuple[Instance, ...]

    def __iter__(self) -> Iterator[Instance]:
        return iter(self.instances)

    def __len__(self) -> int:
        return len(self.instances)

    def by_subject(self, subject: str) -> Instance:
        for instance in self.instances:
            if instance.subject == subject:
                return instance
        raise ValueError(f"{self.path} has no instance {subject!r} (an experiment's name / a game_id)")

    def deck(self) -> Deck:
        """The instances as cards (target and related words), for the offline players."""
        return Deck(name=Path(self.path).name, cards=tuple(instance.card for instance in self.instances))


def load_instances(path: str | Path) -> InstanceFile:
    """Read and check an instances file; InstancesError (file: field: what is wrong) if it cannot be
    played."""
    label = str(path)
    try:
        data = read_json(path)
    except DataFileError as exc:
        raise InstancesError(f"{label}: {exc}") from None
    return InstanceFile(label, tuple(_instances(data, label)))


def _instances(data: Any, label: str) -> Iterator[Instance]:
    experiments = _field(data, (), "experiments", list, label)
    if not experiments:
        raise InstancesError(f"{label}: experiments: the file has no experiment")
    names: set[str] = set()
    count = 0
    for index, entry in enumerate(experiments):
        where = ("experiments", index)
        experiment = Experiment(
            name=_text(entry, where, "name", label),
            max_turns=_field(entry, where, "max_turns", int, label),
            describer_prompt=_field(entry, where, "describer_initial_prompt", str, label),
            guesser_prompt=_field(entry, where, "guesser_initial_prompt", str, label),
        )
        if experiment.max_turns < 1:
            _refuse(label, (*where, "max_turns"), f"is {experiment.max_turns}, expected 1 or more")
        if experiment.name in names:
            _refuse(label, (*where, "name"), f"{shown(experiment.name)} names two experiments")
        names.add(experiment.name)
        game_ids: set[int] = set()
        for number, game in enumerate(_field(entry, where, "game_instances", list, label)):
            instance = _instance(experiment, game, (*where, "game_instances", number), label)
            if instance.game_id in game_ids:
                place = (*where, "game_instances", number, "game_id")
                _refuse(label, place, "is used twice in its experiment")
            game_ids.add(instance.game_id)
            count += 1
            if count > MAX_INSTANCES:
                too_many = f"the file holds more than {MAX_INSTANCES} instances"
                _refuse(label, (*where, "game_instances"), too_many)
            yield instance
    if count == 0:
        raise InstancesError(f"{label}: experiments: no experiment has a game instance")


def _instance(experiment: Experiment, game: Any, where: tuple, label: str) -> Instance:
    related = _field(game, where, "related_word", list, label)
    for index, word in enumerate(related):
        if not isinstance(word, str) or not word.strip():
            _refuse(label, (*where, "related_word", index), f"is {describe(word)}, expected a word")
    if len(related) < SHOWN_RELATED:
        _refuse(
            label,
            (*where, "related_word"),
            f"has {len(related)} word(s); the describer's prompt lists {SHOWN_RELATED}: it needs that many",
        )
    return Instance(
        experiment=experiment,
        game_id=_field(game, where, "game_id", int, label),
        target=_text(game, where, "target_word", label),
        related=tuple(related),
    )


def _field(entry: Any, where: tuple, name: str, kind: type, label: str) -> Any:
    if not isinstance(entry, dict):
        _refuse(label, where, f"is {describe(entry)}, expected an object")
    if name not in entry:
        _refuse(label, (*where, name), "is missing")
    value = entry[name]
    if not isinstance(value, kind) or isinstance(value, bool):
        expected = {list: "a list", int: "a whole number", str: "a string"}[kind]
        _refuse(label, (*where, name), f"is {describe(value)}, expected {expected}")
    return value


def _text(entry: Any, where: tuple, name: str, label: str) -> str:
    value = _field(entry, where, name, str, label)
    if not value.strip():
        _refuse(label, (*where, name), "is empty")
    return value


def _refuse(label: str, where: tuple, reason: str) -> None:
    raise InstancesError(f"{label}: {json_path(*where)}: {reason}")
