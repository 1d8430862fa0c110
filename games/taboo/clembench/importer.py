"""`python main.py import clembench DIR`: clembench's Taboo records as this project's run logs.

One log per model pair (a folder `<model 1>-t<temp>--<model 2>-t<temp>` of clembench's results), named
`taboo-clembench-<pair>.jsonl`, beside the instances file its episodes played
(`<pair>.instances.json`, rebuilt from the experiment files and each episode's `instance.json`), which
the log's configuration names. Each episode becomes one game, its events written as this project's
Taboo writes them under the clembench rule set: the messages exactly as clembench's game master sent
them, each model call with its request and the recorded reply (so that `rerun` serves them), the game
master's verdicts, and the outcome and scores clembench recorded (its `scores.json`, or its scorer's
figures from the interactions when that file is missing). Times are the record's, read as UTC.
`rerun --rules clembench` then plays every episode again and compares; docs/taboo-rules.md says more.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from games.kit.exits import UsageError
from games.kit.importing import RECORDED_BACKEND, ImportReport
from games.taboo.clembench.episode import EpisodeWriter, Unfinished, ending_of
from games.taboo.clembench.instances import InstanceFile, load_instances
from games.taboo.clembench.records import (
    Episode,
    ExperimentFile,
    OldRecord,
    RecordError,
    find_episodes,
    read_episode,
    read_experiment,
    words_from_prompt,
)
from games.taboo.errors import InstancesError
from runtime import RunLog

NAME = "clembench"
PERSONA = {
    "name": "default",
    "source": "built-in",
}  # the players' persona: clembench's prompts are the game's


class RecordClock:
    """The run log's clock, set to each recorded event's time before the event is written."""

    def __init__(self) -> None:
        self.at = datetime.fromtimestamp(0, UTC)

    def set(self, timestamp: str) -> None:
        try:
            when = datetime.fromisoformat(timestamp)
        except ValueError:
            return  # keep the time of the event before
        self.at = when if when.tzinfo is not None else when.replace(tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def timestamp(self) -> str:
        return self.at.isoformat(timespec="microseconds")

    def monotonic(self) -> float:
        return self.at.timestamp()


class ClembenchImporter:
    """Taboo's definition names it (games.kit.importing.ImporterAt), so a game imports none of this."""

    def run(self, source: Path, out: Path, versions: Mapping[str, str]) -> ImportReport:
        if not source.is_dir():
            raise UsageError(f"{source}: not a folder of clembench records")
        warnings: list[str] = []
        pairs: dict[Path, list[Episode]] = defaultdict(list)
        old = 0
        for folder in find_episodes(source):
            try:
                episode = read_episode(folder)
            except OldRecord:
                old += 1
                continue
            except RecordError as exc:
                raise UsageError(str(exc)) from None
            pairs[folder.parent.parent.parent].append(episode)
        if old:
            warnings.append(
                f"left out {old} episode(s) recorded by clembench's Taboo before 1.6 (other rules)"
            )
        if not pairs:
            raise UsageError(
                f"{source}: no clembench Taboo episode in it "
                "(<pair>/taboo/<experiment>/<episode>/interactions.json)"
            )
        logs, lines = [], []
        for folder, episodes in sorted(pairs.items()):
            path, line = self._import_pair(folder, episodes, out, versions, warnings)
            if path is not None:
                logs.append(path)
            lines.append(line)
        return ImportReport(tuple(logs), tuple(lines), tuple(warnings))

    def _import_pair(
        self,
        folder: Path,
        episodes: list[Episode],
        out: Path,
        versions: Mapping[str, str],
        warnings: list[str],
    ) -> tuple[Path | None, str]:
        pair = folder.name
        experiments = _experiments(folder, episodes)
        playable = [e for e in episodes if _finished(e, warnings) and _words(e, experiments, warnings)]
        playable.sort(key=lambda e: (_order(e), e.game_id))
        if not playable:
            return None, f"{pair}: no episode could be imported"
        out.mkdir(parents=True, exist_ok=True)
        instances_path = out / f"{_safe(pair)}.instances.json"
        instances = _write_instances(instances_path, playable, experiments)
        log_path = out / f"taboo-{NAME}-{_safe(pair)}.jsonl"
        written = _write_log(log_path, pair, playable, instances, versions, folder)
        return log_path, f"{pair}: {written} episode(s) → {log_path}"


def _experiments(folder: Path, episodes: list[Episode]) -> dict[str, ExperimentFile]:
    found: dict[str, ExperimentFile] = {}
    for episode in episodes:
        if episode.experiment not in found:
            try:
                found[episode.experiment] = read_experiment(episode.folder.parent, episode.experiment)
            except RecordError as exc:
                raise UsageError(str(exc)) from None
    return found


def _words(episode: Episode, experiments: dict[str, ExperimentFile], warnings: list[str]) -> bool:
    """The episode's target and related words: its instance.json's, or read from the describer's prompt."""
    if episode.target is not None and episode.related is not None:
        return True
    first = next(
        (e.content for events in episode.rounds for e in events if e.recipient == episode.describer_id),
        None,
    )
    found = words_from_prompt(first, experiments[episode.experiment]) if first is not None else None
    if found is None:
        warnings.append(
            f"{episode.folder}: no instance.json, and the describer's prompt does not fit its template"
        )
        return False
    episode.target, episode.related = found
    warnings.append(f"{episode.folder}: no instance.json: the target and related words read from the prompt")
    return True


def _finished(episode: Episode, warnings: list[str]) -> bool:
    try:
        ending = ending_of(episode)
    except Unfinished as exc:
        warnings.append(str(exc))
        return False
    if not ending.agrees:
        warnings.append(
            f"{episode.folder}: scores.json differs from what its interactions score: kept as recorded"
        )
    return True


def _order(episode: Episode) -> tuple[int, str]:
    index = episode.experiment_index
    return (index if index is not None else 1 << 30, episode.experiment)


def _write_instances(
    path: Path, episodes: list[Episode], experiments: dict[str, ExperimentFile]
) -> InstanceFile:
    """The instances file of the episodes (experiments in clembench's order), read back as the game
    reads it."""
    listed: dict[str, dict[str, Any]] = {}
    for episode in episodes:
        experiment = experiments[episode.experiment]
        entry = listed.setdefault(
            experiment.name,
            {
                "name": experiment.name,
                "game_instances": [],
                "max_turns": experiment.max_turns,
                "describer_initial_prompt": experiment.describer_prompt,
                "guesser_initial_prompt": experiment.guesser_prompt,
            },
        )
        instance = dict(episode.instance or {})
        instance.update(game_id=episode.game_id, target_word=episode.target, related_word=episode.related)
        entry["game_instances"].append(instance)
    path.write_text(json.dumps({"experiments": list(listed.values())}, ensure_ascii=False, indent=1), "utf-8")
    try:
        return load_instances(path)
    except InstancesError as exc:
        raise UsageError(f"the records make an instances file this game cannot play: {exc}") from None


def _write_log(
    path: Path,
    pair: str,
    episodes: list[Episode],
    instances: InstanceFile,
    versions: Mapping[str, str],
    source: Path,
) -> int:
    """Write the pair's log; the number of episodes written."""
    first = episodes[0]
    models = {"hinter": first.describer_model, "guesser": first.guesser_model}
    cast = {role: f"{model}/{PERSONA['name']}" for role, model in models.items()}
    plan = [
        {
            "game_id": f"g{index + 1}",
            "index": index,
            "seed": 0,
            "subject": instances.by_subject(f"{episode.experiment}/{episode.game_id}").subject,
            "swapped": False,
            "cast": cast,
        }
        for index, episode in enumerate(episodes)
    ]
    config = {
        "game": "taboo",
        "card": None,
        "deck": None,
        "deck_name": None,
        "turns": 5,
        "reprompts": 0,
        "rules": NAME,
        "instances": str(path.parent.resolve() / f"{_safe(pair)}.instances.json"),
        "seed": 0,
        "games": len(episodes),
        "swap": False,
        "models": {role: {"backend": RECORDED_BACKEND, "model": model} for role, model in models.items()},
        "base_url": None,
        "personas": {role: dict(PERSONA) for role in models},
        "resumed_from": None,
        "request_timeout": None,
    }
    clock = RecordClock()
    clock.set(_first_time(first))
    with RunLog(path, clock=clock) as run_log:
        imported = {"format": NAME, "path": str(source), "pair": pair}
        run_log.start(
            "import", config, plan=plan, carried=[], versions=dict(versions), imported_from=imported
        )
        for entry, episode in zip(plan, episodes, strict=True):
            instance = instances.by_subject(entry["subject"])
            EpisodeWriter(run_log.events, clock, entry["game_id"], episode, instance, models, cast).write()
        run_log.end("ok", reason=f"imported {len(episodes)} clembench episode(s) of {pair}")
    return len(episodes)


def _first_time(episode: Episode) -> str:
    return next((e.timestamp for events in episode.rounds for e in events), "")


def _safe(name: str) -> str:
    """A model pair's folder name as a file name."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)


CLEMBENCH_IMPORTER = ClembenchImporter()
