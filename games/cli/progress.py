"""The progress bar of a batch: games done, successes so far, elapsed time, rate."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from games.kit.outcome import GameResult, Outcome

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress


class BatchProgress:
    """Counts finished games; draws a live bar while `shown(True)` is active."""

    def __init__(self, console: Console, *, total: int, done: list[Mapping[str, Any]] | None = None) -> None:
        self.console = console
        self.total = total
        self.finished = len(done or [])
        self._earlier = self.finished  # ended before this process: not part of its rate
        self.successes = sum(1 for record in done or [] if record.get("outcome") == Outcome.SUCCESS)
        self._bar: Progress | None = None
        self._task: Any = None

    @contextmanager
    def shown(self, visible: bool) -> Iterator[None]:
        if not visible:
            yield
            return
        # rich's progress module, imported only when a bar is drawn (a single or --quiet game draws none)
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._bar = Progress(
            TextColumn("games", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[successes]} won", markup=False),
            TimeElapsedColumn(),
            TextColumn("{task.fields[rate]}", markup=False),
            console=self.console,
        )
        self._task = self._bar.add_task(
            "games", total=self.total, completed=self.finished, successes=0, rate=""
        )
        self._refresh()
        with self._bar:
            yield
        self._bar = None

    def advance(self, result: GameResult) -> None:
        self.finished += 1
        self.successes += result.outcome is Outcome.SUCCESS
        self._refresh()

    def _refresh(self) -> None:
        if self._bar is None:
            return
        elapsed = self._bar.tasks[0].elapsed or 0.0
        rate = f"{(self.finished - self._earlier) / elapsed:.1f} games/s" if elapsed > 0 else ""
        self._bar.update(self._task, completed=self.finished, successes=self.successes, rate=rate)
