"""`rerun --rules NAME` with another rule set than the log's: the same replies, served in the order they
were given, judged by other rules. The players are asked in that rule set's words, so requests are not
compared with the record; what is compared is each game's outcome, and for the rule set's violations,
who broke a rule in a game the record counts as a success.

The report: one line per game whose outcome changed, one line per (seat, model) that a violation names
(how many of its recorded successes break a rule now), and the verdict. A game whose players would need
a reply the record does not have (a re-prompt the recorded rules never gave) cannot be re-scored and
says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from games.kit.outcome import Outcome
from games.logtools.compare import Transcripts, outcome_of


@dataclass
class Rejudged:
    """What a re-judging rerun decided, gathered from its events (a RunLog listener)."""

    casts: dict[str, dict[str, str]] = field(default_factory=dict)  # game -> agent -> "model/persona"
    outcomes: dict[str, str] = field(default_factory=dict)
    violations: dict[str, Mapping[str, Any]] = field(default_factory=dict)  # game -> its rule_violation

    def __call__(self, record: Mapping[str, Any]) -> None:
        event, game_id = record.get("event"), record.get("game_id")
        if game_id is None:
            return
        game_id = str(game_id)
        if event == "game_cast" and isinstance(record.get("players"), Mapping):
            self.casts[game_id] = {str(agent): str(label) for agent, label in record["players"].items()}
        elif event == "rule_violation":
            self.violations.setdefault(game_id, record)
        elif event == "game_ended":
            self.outcomes[game_id] = str(record.get("outcome"))


def rejudge_lines(
    recorded: Transcripts, rerun: Transcripts, now: Rejudged, game_ids: list[str], rules: str, then_rules: str
) -> list[str]:
    """The report's lines; the last is the verdict."""
    changes = [line for game_id in game_ids if (line := _change(recorded, rerun, now, game_id))]
    return [
        *changes,
        *_broken_successes(recorded, now, game_ids, rules),
        f"re-judged under the {rules} rules (recorded under {then_rules}): "
        f"{len(changes)} of {len(game_ids)} game(s) changed outcome",
    ]


def _change(recorded: Transcripts, rerun: Transcripts, now: Rejudged, game_id: str) -> str | None:
    """One game's change of outcome, or None when it ends as recorded."""
    old = outcome_of(recorded.games.get(game_id, [])) or "no outcome"
    new = now.outcomes.get(game_id, "no outcome")
    if new == old:
        return None
    if new == Outcome.ERROR and game_id in rerun.diverged:
        return f"{game_id}: {old} → not re-scorable: the record has no reply for what these rules ask"
    violation = now.violations.get(game_id)
    if violation is None:
        return f"{game_id}: {old} → {new}"
    broke = f"{violation.get('agent')} broke the {violation.get('rule')} rule"
    return f"{game_id}: {old} → {new} ({broke}: {violation.get('text')!r} for {violation.get('word')!r})"


def _broken_successes(recorded: Transcripts, now: Rejudged, game_ids: list[str], rules: str) -> list[str]:
    """Per seat and model that a violation names: how many of its recorded successes break a rule."""
    successes: Counter[tuple[str, str]] = Counter()  # (agent, label) -> recorded successes it played in
    broken: Counter[tuple[str, str]] = Counter()  # (agent, label) -> those where it now breaks a rule
    offenders: set[tuple[str, str]] = set()
    for game_id in game_ids:
        cast = now.casts.get(game_id, {})
        violation = now.violations.get(game_id)
        offender = None
        if violation is not None:
            agent = str(violation.get("agent"))
            offender = (agent, cast.get(agent, "?"))
            offenders.add(offender)
        if outcome_of(recorded.games.get(game_id, [])) != Outcome.SUCCESS:
            continue
        successes.update(cast.items())
        if offender is not None:
            broken[offender] += 1
    if not offenders:
        total = sum(
            1 for game_id in game_ids if outcome_of(recorded.games.get(game_id, [])) == Outcome.SUCCESS
        )
        return [f"none of the {total} recorded success(es) breaks a rule under the {rules} rules"]
    return [
        f"{label} as {agent}: {broken[(agent, label)]} of {successes[(agent, label)]} recorded success(es) "
        f"break a rule under the {rules} rules"
        for agent, label in sorted(offenders)
    ]
