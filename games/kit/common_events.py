"""The events every game shares, declared once (games.kit.events): the run's and the runtime's, the
model calls', and the referee skeleton's (a malformed reply, a broken rule, a verdict). A game adds its
own in `games/<name>/events.py`.

A game's setup secret is shown by convention: `game_started` with `secret` (a text) and `secret_for`
(the agents who may see it; everyone when absent). A game with a richer setup declares its own
`game_started` with `EventType.extended`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from games.kit.events import NULL, TEXT, Audience, EventType, Record, catalog
from games.kit.outcome import Outcome
from games.kit.shown import BAD, OK, WARN, Call, Chat, Divider, Ending, Heading, Note, Part, Verdict, marked
from runtime.logread import LogFileError, check_fields, typed

OUTCOMES = frozenset(str(outcome) for outcome in Outcome)
UNTIMED_BACKENDS = frozenset({"offline", "human"})  # their calls take no model time
OFFLINE_BACKENDS = UNTIMED_BACKENDS | {"replay"}  # calls whose latency is not a model's
INTERRUPTED = "interrupted"  # an older log's game_ended reason for a game stopped mid-play


def parties(record: Record) -> tuple[str, str]:
    """A message's audience: its sender and its recipient."""
    return (str(record.get("sender")), str(record.get("recipient")))


# -- the game's frame ----------------------------------------------------------------------------


def game_title(record: Record) -> str:
    return f"{record.get('game', 'game')} · game {record.get('game_id', '?')}"


def _game_started(record: Record, audience: Audience) -> Heading:
    secret = record.get("secret")
    shown = secret is not None and audience.sees(record.get("secret_for") or [audience.viewer])
    return Heading(game_title(record), f"secret {secret}" if shown else "")


def _turn_started(record: Record, audience: Audience) -> Divider:
    name = record.get("round")  # a game played in named rounds
    return Divider(str(name) if name else f"turn {record.get('turn')}/{record.get('turns')}")


def scored(score: object) -> str:
    return f", score {score:g}" if isinstance(score, int | float) else ""


def counted(number: object, unit: str) -> str:
    """A count in words: "1 turn", "2 turns"."""
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


def ending_words(record: Record, unit: str = "turn", scorer: str = "") -> str:
    """A game's outcome in plain words: what happened, who won, the score ("Won in 2 turns, score 50";
    a game with sides names its winner: "The chameleon p3 won after 2 rounds"). The log's own words
    (`lose_violation`) stay in the log. `unit` is what the game counts its turns in; `scorer` whom the
    score is for, when it is not the winner."""
    outcome = str(record.get("outcome"))
    turns = counted(record.get("turns"), unit)
    winner = str(record.get("winner") or "")
    score = record.get("score")
    if outcome == Outcome.SUCCESS:
        head = f"{winner} won in {turns}" if winner else f"Won in {turns}"
    elif outcome in (Outcome.LOSE_VIOLATION, Outcome.LOSE_TURNS):
        head = f"{winner} won after {turns}" if winner else f"Lost after {turns}"
    elif outcome == Outcome.ABORTED:
        head = f"Not finished after {turns}"
    elif outcome == Outcome.ERROR:
        head = f"Failed after {turns}"
    else:
        head = f"{outcome} after {turns}"
    if isinstance(score, int | float):
        theirs = scorer and scorer != winner
        head += f" ({scorer} score {score:g})" if theirs else f", score {score:g}"
    return head[:1].upper() + head[1:]


def game_ended_presenter(unit: str = "turn", scorer: str = "") -> Callable[[Record, Audience], Ending]:
    """How a game's `game_ended` is drawn, in its own words (`unit`, `scorer`: see ending_words)."""

    def present(record: Record, audience: Audience) -> Ending:
        if record.get("reason") == INTERRUPTED:
            return _game_interrupted(record, audience)
        outcome = str(record.get("outcome"))
        tone = OK if outcome == Outcome.SUCCESS else WARN if outcome == Outcome.ABORTED else BAD
        if record.get("winner"):  # a game with sides: one of them won
            tone = OK
        return Ending(ending_words(record, unit, scorer), tone, str(record.get("reason") or ""))

    return present


_game_ended = game_ended_presenter()


def _game_interrupted(record: Record, audience: Audience) -> Ending:
    return Ending(
        f"Stopped mid-play after {counted(record.get('turns'), 'turn')}: the game never ended",
        WARN,
        ended=False,
    )


def _describe_ended(record: Record) -> str:
    return (
        f"{record.get('outcome')} after {counted(record.get('turns'), 'turn')}{scored(record.get('score'))}"
    )


def _check_ended(ended: object, where: str, within: str) -> None:
    if not isinstance(ended, Mapping):
        raise LogFileError(f"{where}: {within} is not an object")
    check_fields(ended, GAME_ENDED.fields, where, within=within)
    outcome = typed(ended, "outcome", str, where, within=within, required=True)
    if outcome not in OUTCOMES:
        known = ", ".join(sorted(OUTCOMES))
        raise LogFileError(
            f"{where}: {within}'s field 'outcome' is {outcome[:40]!r}, expected one of {known}"
        )


def _check_started_run(record: Record, where: str) -> None:
    for index, ended in enumerate(record.get("carried") or ()):
        _check_ended(ended, where, f"run_started's carried[{index}]")


# -- messages and agents -------------------------------------------------------------------------


def _message(record: Record, audience: Audience, dropped: str | None = None) -> Chat:
    sender, recipient = parties(record)
    group = record.get("group")
    return Chat(
        sender,
        recipient,
        str(record.get("kind")),
        str(record.get("text", "")),
        str(group) if group is not None else None,
        dropped,
    )


def _message_dropped(record: Record, audience: Audience) -> Chat:
    return _message(record, audience, dropped=str(record.get("reason")))


def _describe_message(record: Record) -> str:
    sender, recipient = parties(record)
    return f"{sender} → {recipient} [{record.get('kind')}] {record.get('text')!r}"


def _game_cast(record: Record, audience: Audience) -> Note | None:
    """Who plays each seat, "model/persona" per agent: `hinter: offline, persona default`."""
    players = record.get("players")
    if not isinstance(players, Mapping) or not players:
        return None
    seats = []
    for agent, label in players.items():
        model, _, persona = str(label).rpartition("/")
        seats.append(f"{agent}: {model}, persona {persona}" if model else f"{agent}: {label}")
    return Note("players — " + " · ".join(seats))


# An llm_failed said it already: the model's failure, or a person who left.
MODEL_FAILURES = frozenset({"ModelUnavailable", "ModelRejected", "PlayerLeft"})
LEFT = "PlayerLeft"  # llm_failed's reason when the person at the keyboard closed the input


def _agent_failed(record: Record, audience: Audience) -> Verdict | None:
    if record.get("error") in MODEL_FAILURES:
        return None  # the model's failure: its llm_failed line said so, the game's ending says why
    text = f"✗ {record.get('agent')} failed: {record.get('error')}: {record.get('reason')}"
    return Verdict((Part(text),), BAD, str(record.get("agent")))


# -- the referee skeleton's ----------------------------------------------------------------------


def _reply_malformed(record: Record, audience: Audience) -> Verdict:
    left = record.get("reprompts_left")
    tail = f", re-prompting ({left} left)" if left else ", no re-prompts left"
    text = f"! {record.get('offender')}'s reply is malformed: {record.get('problem')}{tail}"
    return Verdict((Part(text),), WARN)


def _tally_malformed(record: Record) -> Iterable[tuple[str, str]]:
    yield ("format_errors", "")
    if record.get("reprompts_left"):
        yield ("reprompts", "")


def _rule_violation(record: Record, audience: Audience) -> Verdict:
    said = str(record.get("clue", record.get("reply", record.get("text", ""))))  # what `span` points into
    head = f"✗ rule broken: {record.get('rule')} ({record.get('word')!s}) in "
    return Verdict((Part(head), *marked(said, record.get("span"))), BAD)


def _check_span(record: Record, where: str) -> None:
    span = record.get("span")
    if span is not None and (len(span) != 2 or not all(type(i) is int for i in span)):
        raise LogFileError(f"{where}: {record.get('event')}'s field 'span' is not two whole numbers")


def _verdict_given(record: Record, audience: Audience) -> Verdict:
    ok = bool(record.get("ok"))
    return Verdict((Part(f"{'✓' if ok else '✗'} {record.get('text')}"),), OK if ok else BAD)


# -- model calls ---------------------------------------------------------------------------------


def tokens_of(record: Record) -> int:
    usage = record.get("usage") or {}
    return int(usage.get("prompt_tokens", 0)) + int(usage.get("completion_tokens", 0))


def _llm_call(record: Record, audience: Audience) -> Call:
    approx = "~" if (record.get("usage") or {}).get("estimated") else ""
    attempts = record.get("attempts", 1)
    tries = f", {attempts} attempts" if isinstance(attempts, int) and attempts > 1 else ""
    summary = (
        f"{record.get('agent')}: {record.get('model')}, "
        f"{approx}{tokens_of(record)} tokens, {record.get('latency_ms')} ms{tries}"
    )
    latency = record.get("latency_ms")
    live = record.get("backend") not in UNTIMED_BACKENDS and record.get("model") not in UNTIMED_BACKENDS
    return Call(
        str(record.get("agent")),
        summary,
        record.get("messages"),
        latency if isinstance(latency, int | float) else None,
        live,
    )


def _llm_retry(record: Record, audience: Audience) -> Note:
    text = f"↻ {record.get('agent')}'s model: {record.get('reason')}, retrying in {record.get('wait_s')}s"
    return Note(text, WARN)


def _llm_failed(record: Record, audience: Audience) -> Note:
    """Where the model failed; the cause is said once, by the game's ending."""
    if record.get("reason") == LEFT:
        return Note(f"{record.get('agent')}: the person playing left the game (end of input, Ctrl-D)", WARN)
    return Note(f"✗ {record.get('agent')}'s model failed: the game cannot go on", BAD)


def _check_usage(record: Record, where: str) -> None:
    usage = record.get("usage")
    if isinstance(usage, Mapping):
        fields: dict[str, Any] = {"prompt_tokens": int, "completion_tokens": int, "estimated": (bool, NULL)}
        check_fields(usage, fields, where, within="llm_call's usage")


GAME_ENDED = EventType(
    "game_ended",
    fields={
        "outcome": str,
        "turns": int,
        "score": (float, NULL),
        "reason": TEXT,
        "subject": TEXT,
        "rules": TEXT,
        "scores": (dict, NULL),
        "winner": TEXT,
    },
    present=_game_ended,
    compared=("outcome", "turns", "score", "scores"),
    official=True,
    describe=_describe_ended,
    check=lambda record, where: _check_ended(record, where, "game_ended"),
)

SHARED_EVENTS = catalog(
    [
        EventType(
            "run_started",
            fields={"command": TEXT, "config": dict, "plan": list, "carried": list, "versions": (dict, NULL)},
            check=_check_started_run,
        ),
        EventType("run_ended", fields={"status": TEXT, "duration_ms": (float, NULL), "reason": TEXT}),
        EventType("game_cast", fields={"players": dict}, present=_game_cast),
        EventType(
            "game_started",
            fields={"game": TEXT, "secret_for": list},
            present=_game_started,
            compared="all",  # the game's setup (its secret...) must be as recorded
        ),
        EventType(
            "turn_started",
            fields={"turn": (int, NULL), "turns": (int, NULL), "round": TEXT},
            present=_turn_started,
        ),
        EventType(
            "message_sent",
            fields={"sender": str, "recipient": str, "kind": TEXT, "text": TEXT, "group": TEXT},
            audience=parties,
            present=_message,
            compared=("sender", "recipient", "kind", "text"),
            actor="sender",
            describe=_describe_message,
        ),
        EventType(
            "message_dropped",
            fields={"sender": str, "recipient": str, "kind": TEXT, "text": TEXT, "reason": TEXT},
            audience=parties,
            present=_message_dropped,
        ),
        EventType("agent_failed", fields={"error": TEXT, "reason": TEXT}, present=_agent_failed),
        EventType(
            "reply_malformed",
            fields={"offender": TEXT, "problem": TEXT, "reprompts_left": (int, NULL)},
            present=_reply_malformed,
            compared=("offender", "problem", "reprompts_left"),
            official=True,
            describe=lambda record: f"{record.get('offender')}'s reply judged malformed",
            tally=_tally_malformed,
        ),
        EventType(
            "rule_violation",
            fields={"rule": TEXT, "span": (list, NULL), "text": TEXT, "clue": TEXT, "reply": TEXT},
            present=_rule_violation,
            compared=("rule", "word", "span", "text"),
            official=True,
            describe=lambda record: (
                f"{record.get('rule')} rule broken ({record.get('text')!r} for {record.get('word')!r})"
            ),
            tally=lambda record: [("violations", str(record.get("rule")))],
            check=_check_span,
        ),
        EventType(
            "verdict_given",
            fields={"ok": bool, "text": TEXT},
            present=_verdict_given,
            compared="all",
            official=True,
        ),
        EventType(
            "llm_call",
            fields={
                "model": TEXT,
                "backend": TEXT,
                "usage": (dict, NULL),
                "latency_ms": float,
                "attempts": (int, NULL),
                "messages": (list, NULL),
                "response": TEXT,
            },
            present=_llm_call,
            check=_check_usage,
        ),
        EventType("llm_retry", fields={"reason": TEXT, "attempt": (int, NULL)}, present=_llm_retry),
        EventType(
            "llm_failed",
            fields={"error": TEXT, "reason": TEXT, "messages": (list, NULL)},
            present=_llm_failed,
        ),
        GAME_ENDED,
        EventType("game_interrupted", fields={"turns": (int, NULL)}, present=_game_interrupted),
    ]
)
