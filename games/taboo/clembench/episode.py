"""One clembench episode written as the events of a Taboo game under the clembench rule set, in the
order and with the fields this project's game writes them (games/taboo/referee.py, the players, the
gateway): what `rerun --rules clembench` compares the game played again with."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agents.conversation_log import MessageNumbering
from games.kit.outcome import GameResult, Outcome
from games.taboo.clembench.checks import CLUE_TAG, normalized_clue
from games.taboo.clembench.instances import Instance
from games.taboo.clembench.records import Call, Episode, Event
from games.taboo.clembench.scores import MAIN_SCORE, episode_scores
from games.taboo.game import GAME, started_fields
from games.taboo.players import CARD, CLUE, GUESS, WRONG, card_to_body
from games.taboo.rulesets.clembench import NAME, NOT_A_CLUE, NOT_A_GUESS, RULE_OF
from games.taboo.state import GUESSER, HINTER, REFEREE, TabooSetup
from runtime.events import EventLog

SOURCE_BACKEND = "clembench"  # llm_call's backend: where the reply came from
# clembench's `invalid clue` message: which word, and the clue word that shares its stem.
ERROR = re.compile(
    r"(?P<kind>Target|Related) word '(?P<word>.*)' \(stem=.*\) "
    r"is similar to clue word '(?P<token>.*)' \(stem=.*\)",
    re.DOTALL,
)
MAX_TURNS_REACHED = ("max turns reached", "max rounds reached")


class Unfinished(ValueError):
    """An episode whose record stops before its game ended (clembench crashed or was stopped)."""


@dataclass(frozen=True)
class Ending:
    """How a recorded episode ended, by clembench's game master's events in its last round."""

    outcome: Outcome
    scores: dict[str, Any]
    recorded_scores: bool  # from scores.json (else computed from the interactions)
    agrees: bool = True  # scores.json agrees with the scorer's figures from the interactions


def ending_of(episode: Episode) -> Ending:
    """The episode's outcome and scores; Unfinished when its last round ends no game."""
    types = {event.type for event in episode.rounds[-1]} if episode.rounds else set()
    if "invalid format" in types:
        outcome = Outcome.ABORTED
    elif "correct guess" in types:
        outcome = Outcome.SUCCESS
    elif "invalid clue" in types:
        outcome = Outcome.LOSE_VIOLATION
    elif types & set(MAX_TURNS_REACHED):
        outcome = Outcome.LOSE_TURNS
    else:
        raise Unfinished(f"{episode.folder}: the record stops before the game ends: not imported")
    computed = episode_scores(
        len(episode.rounds), aborted=outcome is Outcome.ABORTED, guessed=outcome is Outcome.SUCCESS
    )
    if episode.scores is not None:
        return Ending(outcome, dict(episode.scores), True, scores_agree(episode.scores, computed))
    return Ending(outcome, computed, False)


def scores_agree(recorded: Mapping[str, Any], computed: Mapping[str, Any]) -> bool:
    """Whether scores.json says what clembench's scorer makes of the interactions (NaN read as None)."""
    return all(recorded.get(name) == value for name, value in computed.items())


class EpisodeWriter:
    """Writes one episode's events to a run log, each at the time clembench recorded its own."""

    def __init__(
        self,
        events: EventLog,
        clock: Any,
        game_id: str,
        episode: Episode,
        instance: Instance,
        models: Mapping[str, str],
        cast: Mapping[str, str],
    ) -> None:
        self.game = events.bind(game_id=game_id)
        self.clock = clock
        self.game_id = game_id
        self.episode = episode
        self.instance = instance
        self.models = models
        self.cast = cast
        self.ending = ending_of(episode)
        self.numbering = MessageNumbering()
        self.histories: dict[str, list[dict[str, str]]] = {HINTER: [], GUESSER: []}
        self.calls_made = {HINTER: 0, GUESSER: 0}
        self.calls = {call.timestamp: call for call in episode.calls if call.timestamp}
        self.message_ids = 0
        self.last_reply = {HINTER: "", GUESSER: ""}
        self.last_clue = ""  # the clue as the players remember it
        self.wrong_guess: str | None = None
        self.reason = ""  # why the game ended, as the referee says it

    def write(self) -> None:
        episode = self.episode
        first = next((e for events in episode.rounds for e in events), None)
        self._at(first)
        setup = TabooSetup(
            card=self.instance.card,
            game_id=self.game_id,
            turns=self.instance.experiment.max_turns,
            seed=0,
            rules=NAME,
            instance=self.instance,
        )
        self.game.info("game_cast", players=dict(self.cast), swapped=False)
        self.game.info("game_started", game=GAME, **started_fields(setup))
        for turn, events in enumerate(episode.rounds, start=1):
            self._round(turn, events)
        self._ended(episode.rounds[-1][-1] if episode.rounds[-1] else first)

    # -- one round ---------------------------------------------------------------------------

    def _round(self, turn: int, events: list[Event]) -> None:
        referee = self.game.bind(agent=REFEREE)
        self._at(events[0] if events else None)
        referee.info("turn_started", turn=turn, turns=self.instance.experiment.max_turns)
        pending: dict[str, list[str]] = {HINTER: [], GUESSER: []}
        guessed = "correct guess" in {event.type for event in events}
        spoke = HINTER
        for event in events:
            self._at(event)
            player = self._player(event.recipient)
            if event.type.startswith("send message") and player is not None:
                pending[player].append(event.content)
                continue
            player = self._player(event.sender)
            if event.type == "get message" and player is not None:
                self._exchange(player, turn, "\n\n".join(pending[player]), event)
                pending[player] = []
                spoke = player
            elif event.type == "valid clue":
                referee.info("clue_approved", turn=turn, clue=event.content)
            elif event.type == "valid guess":
                referee.info("guess_judged", turn=turn, guess=event.content, correct=guessed)
                self.wrong_guess = None if guessed else event.content
            elif event.type == "invalid format":
                problem = NOT_A_CLUE if spoke == HINTER else NOT_A_GUESS
                text = self.last_reply[spoke]
                referee.info("reply_malformed", offender=spoke, text=text, problem=problem, reprompts_left=0)
                self.reason = f"the {spoke} kept replying malformed"
            elif event.type == "invalid clue":
                self._violation(referee, event)

    def _exchange(self, player: str, turn: int, text: str, reply: Event) -> None:
        """The referee's message to `player`, its model's call and its reply."""
        kind, body = self._incoming(player, turn)
        asked = self._send(REFEREE, player, kind, text, body)
        messages = [*self.histories[player], {"role": "user", "content": text}]
        self._llm_call(player, messages, reply)
        self.histories[player] = [*messages, {"role": "assistant", "content": reply.content}]
        self._send(player, REFEREE, CLUE if player == HINTER else GUESS, reply.content, reply_to=asked)
        self.last_reply[player] = reply.content
        if player == HINTER:
            self.last_clue = reply.content.removeprefix(CLUE_TAG).strip()

    def _incoming(self, player: str, turn: int) -> tuple[str, dict[str, Any]]:
        """The kind and body of the referee's message to `player`, as the referee writes them."""
        if player == GUESSER:
            return CLUE, {"turn": turn, "wrong_guess": self.wrong_guess, "clue": self.last_clue}
        if turn == 1:
            return CARD, card_to_body(self.instance.card)
        return WRONG, {"guess": self.wrong_guess, "turn": turn, "clue": self.last_clue}

    def _violation(self, referee: EventLog, event: Event) -> None:
        found = ERROR.fullmatch(event.content)
        clue = normalized_clue(self.last_reply[HINTER])
        if found is None:
            referee.info(
                "rule_violation", agent=HINTER, rule="clue", word=None, span=None, text=None, clue=clue
            )
            return
        token = found.group("token")
        kind = "target" if found.group("kind") == "Target" else "related"
        self.reason = f"the clue broke the {RULE_OF[kind]} rule ({token!r} for {found.group('word')!r})"
        start = _token_start(clue, token)
        span = [start, start + len(token)] if start is not None else None
        referee.info(
            "rule_violation",
            agent=HINTER,
            rule=RULE_OF[kind],
            word=found.group("word"),
            span=span,
            text=token,
            clue=clue,
            message=event.content,
        )

    def _ended(self, last: Event | None) -> None:
        self._at(last)
        ending = self.ending
        turns = len(self.episode.rounds)
        main = ending.scores.get(MAIN_SCORE)
        score = float(main) if isinstance(main, int | float) and ending.outcome.scored else None
        reason = self.reason
        if ending.outcome is Outcome.SUCCESS:
            reason = f"guessed on turn {turns}"
        elif ending.outcome is Outcome.LOSE_TURNS:
            reason = f"no correct guess in {self.instance.experiment.max_turns} turns"
        result = GameResult(
            self.game_id, ending.outcome, turns, score, reason, self.instance.target, NAME, ending.scores
        )
        result.log(self.game)

    # -- the pieces ----------------------------------------------------------------------------

    def _send(
        self, sender: str, recipient: str, kind: str, text: str, body: Any = None, reply_to: str | None = None
    ) -> str:
        self.message_ids += 1
        message_id = f"m{self.message_ids}"
        fields: dict[str, Any] = {"id": message_id, "sender": sender, "recipient": recipient, "kind": kind}
        fields.update(text=text, created=self.clock.timestamp())
        if body is not None:
            fields["body"] = body
        if reply_to is not None:
            fields["reply_to"] = reply_to
        self.game.bind(agent=sender).info("message_sent", **fields)
        return message_id

    def _llm_call(self, player: str, messages: list[dict[str, str]], reply: Event) -> None:
        index = self.calls_made[player]
        self.calls_made[player] += 1
        call = self.calls.get(reply.timestamp) or _nth_call(self.episode.calls, self._call_number())
        sent = call.messages if call is not None and call.messages is not None else messages
        prompt = call.prompt_tokens if call is not None else None
        completion = call.completion_tokens if call is not None else None
        estimated = prompt is None or completion is None
        usage = {
            "prompt_tokens": prompt
            if prompt is not None
            else _estimate(sum(len(m["content"]) for m in sent)),
            "completion_tokens": completion if completion is not None else _estimate(len(reply.content)),
            "estimated": estimated,
        }
        self.game.info(
            "llm_call",
            agent=player,
            model=self.models[player],
            backend=SOURCE_BACKEND,
            call_index=index,
            messages=self.numbering.recorded(self.game_id, player, sent),
            response=reply.content,
            finish_reason=call.finish_reason if call is not None else None,
            refusal=None,
            truncated=False,
            empty=not reply.content.strip(),
            usage=usage,
            latency_ms=call.duration_ms if call is not None and call.duration_ms is not None else 0,
            queued_ms=0,
            attempts=1,
        )

    def _call_number(self) -> int:
        return sum(self.calls_made.values()) - 1

    def _player(self, name: str) -> str | None:
        if name == self.episode.describer_id:
            return HINTER
        if name == self.episode.guesser_id:
            return GUESSER
        return None

    def _at(self, event: Event | None) -> None:
        if event is not None and event.timestamp:
            self.clock.set(event.timestamp)


def _nth_call(calls: list[Call], index: int) -> Call | None:
    return calls[index] if 0 <= index < len(calls) else None


def _token_start(clue: str, token: str) -> int | None:
    """Where the first clue word equal to `token` starts (the clue split on single spaces)."""
    start = 0
    for word in clue.split(" "):
        if word == token:
            return start
        start += len(word) + 1
    return None


def _estimate(chars: int) -> int:
    return -(-chars // 4)
