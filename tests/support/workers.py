"""`python main.py worker` processes for the tests: started, watched line by line, signalled, stopped."""

from __future__ import annotations

import signal
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from tests.support.cli import clean_env, start_main

READY_TIMEOUT_S = 30.0


class Worker:
    """One worker process; its standard output and error are read into `lines` as they come."""

    def __init__(self, url: str, queue: str, *extra: str, env: dict[str, str] | None = None) -> None:
        self.process: subprocess.Popen[str] = start_main(
            "worker", "--redis", url, "--queue", queue, *extra, env=env or clean_env()
        )
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._readers = [
            threading.Thread(target=self._read, args=(stream,), daemon=True)
            for stream in (self.process.stdout, self.process.stderr)
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream) -> None:
        for line in stream:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for(self, text: str, timeout: float = READY_TIMEOUT_S) -> bool:
        """Block until a line containing `text` has been printed (False: the timeout passed first)."""
        with self._changed:
            return self._changed.wait_for(lambda: any(text in line for line in self.lines), timeout)

    def ready(self) -> Worker:
        assert self.wait_for("serving queue"), f"the worker did not start: {self.output}"
        return self

    @property
    def output(self) -> str:
        with self._changed:
            return "\n".join(self.lines)

    def signal(self, signum: int) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signum)

    def stop(self) -> int:
        """SIGTERM, then wait for it to end (SIGKILL if it will not); its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # a stopped process cannot handle SIGTERM
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        for reader in self._readers:
            reader.join(timeout=5)
        return self.process.returncode


@contextmanager
def workers(url: str, queue: str, count: int, *extra: str) -> Iterator[list[Worker]]:
    """`count` workers serving `queue`, ready; all stopped at the end, whatever happened."""
    started: list[Worker] = []
    try:
        for _ in range(count):
            started.append(Worker(url, queue, *extra))
        for worker in started:
            worker.ready()
        yield started
    finally:
        for worker in started:
            worker.stop()
