"""Counting the votes. The player with strictly the most votes is caught; a tie for the most catches
nobody, and the chameleon escapes (docs/chameleon.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Tally:
    """The votes (voter -> suspect), the count per suspect (most first, then seat order) and who is
    caught (None on a tie)."""

    votes: dict[str, str]
    counts: dict[str, int]
    caught: str | None

    @property
    def tied(self) -> tuple[str, ...]:
        """The players sharing the most votes when nobody is caught."""
        if self.caught is not None or not self.counts:
            return ()
        top = max(self.counts.values())
        return tuple(seat for seat, count in self.counts.items() if count == top)


def count_votes(votes: Mapping[str, str], seats: Sequence[str]) -> Tally:
    """Tally `votes`; every suspect must be one of `seats`."""
    unknown = set(votes.values()) - set(seats)
    if unknown:
        raise ValueError(f"votes for players not in the game: {sorted(unknown)}")
    counter = Counter(votes.values())
    order = sorted(counter, key=lambda seat: (-counter[seat], seats.index(seat)))
    counts = {seat: counter[seat] for seat in order}
    leaders = [seat for seat in order if counter[seat] == counter[order[0]]] if order else []
    caught = leaders[0] if len(leaders) == 1 else None
    return Tally(dict(votes), counts, caught)


def reveal(tally: Tally, chameleon: str) -> str:
    """The moderator's announcement once every vote is in."""
    cast = ", ".join(f"{voter}→{suspect}" for voter, suspect in tally.votes.items())
    if tally.caught is None:
        who = ", ".join(tally.tied)
        return f"Votes: {cast}. A tie between {who}: nobody is caught. The chameleon was {chameleon}."
    most = tally.counts[tally.caught]
    if tally.caught == chameleon:
        return f"Votes: {cast}. {chameleon} has the most votes ({most}) and is the chameleon."
    return (
        f"Votes: {cast}. {tally.caught} has the most votes ({most}) but is not the chameleon: "
        f"{chameleon} was."
    )
