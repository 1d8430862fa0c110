"""The names of a queue's keys on the Redis server, in one place.

One stream per queue holds the games to play (`games`, read by the consumer group `workers`); each batch
has a hash of its own (`batch:<id>`: the plan and its epoch) and keys beside it: the results stream the
controller reads, the games that ended, each game's takers and current fencing token, each game's
journal of model replies, the stop flag and the shared limits of its model calls.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_QUEUE = "games"
GROUP = "workers"
# Keys a batch leaves behind vanish after this long without the controller touching them (a controller
# killed with kill -9 leaves no litter, and workers drop its games once its plan is gone).
BATCH_TTL_S = 120
# What stays after a batch ended: its stop flag, so late deliveries of its games are dropped.
STOPPED_TTL_S = 3600


@dataclass(frozen=True)
class QueueKeys:
    """The keys of one queue (`--queue`, default "games")."""

    queue: str = DEFAULT_QUEUE

    @property
    def root(self) -> str:
        return f"queueagents:{self.queue}"

    @property
    def games(self) -> str:
        """The stream of games to play: entries {batch, game, epoch}."""
        return f"{self.root}:games"

    def batch(self, batch_id: str) -> BatchKeys:
        return BatchKeys(f"{self.root}:batch:{batch_id}")


@dataclass(frozen=True)
class BatchKeys:
    """The keys of one batch."""

    plan: str  # hash: epoch, the published plan (JSON)

    @property
    def results(self) -> str:
        """Stream the controller reads: {kind: taken, games} per TAKE call, {kind: ended, games, 1, 2, ...}
        (each accepted game's message under its place in `games`) per SUBMIT call."""
        return f"{self.plan}:results"

    @property
    def done(self) -> str:
        """Hash game -> the token whose result was accepted."""
        return f"{self.plan}:done"

    @property
    def takers(self) -> str:
        """Hash game -> the workers that took it, comma-separated, one per delivery (how many deliveries
        the game had, and the cause of a game no worker finished)."""
        return f"{self.plan}:takers"

    @property
    def fences(self) -> str:
        """Hash game -> the fencing token of its current delivery."""
        return f"{self.plan}:fences"

    @property
    def stop(self) -> str:
        """Set when the batch takes no more games (interrupted, finished): its value says why."""
        return f"{self.plan}:stop"

    @property
    def limits(self) -> str:
        """Prefix of the shared limits on model calls (in flight, per minute, the fatal error)."""
        return f"{self.plan}:limits"

    @property
    def fatal(self) -> str:
        return f"{self.limits}:fatal"

    def journal(self, game_id: str) -> str:
        """Hash "agent:n" -> the n-th model reply of that agent in that game."""
        return f"{self.plan}:journal:{game_id}"

    def all(self) -> list[str]:
        """The batch's keys but the journals (each dropped when its game's result is accepted)."""
        return [
            self.plan,
            self.results,
            self.done,
            self.takers,
            self.fences,
            f"{self.limits}:inflight",
            f"{self.limits}:rpm",
            self.fatal,
        ]
