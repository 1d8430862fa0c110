"""Running `python main.py ...` as a user does, with a clean environment: in this process (`run_main`,
the quick way most tests take), or as a real process where the test is about what only a process shows:
`start_main` forks one from a server that has imported the project already (tests/support/forkserver.py:
its own pid for signals, pipes, an exit status), `start_new_python` and `run_process` start a new
interpreter, for what the interpreter's own start and end do (signals and pipes from its first
instruction, what it imports, its hash seed).
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import signal
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without OPENAI_* settings (so a developer's key never leaks into a test)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("OPENAI_")}
    env["NO_PROXY"] = "127.0.0.1,localhost"
    env["COLUMNS"] = "120"
    env.update(extra)
    return env


def run_main(
    *args: str,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    timeout: float = 120,
    cwd: Path = ROOT,
) -> subprocess.CompletedProcess[str]:
    """`python main.py ARGS` run to its end in this process, as `run_process` would run it: `main.main`
    with this environment, `cwd` as working directory, `stdin` on a pipe (empty when None) and
    standard output and error captured. An exception escaping `main` is printed as the interpreter would
    print it (exit code 1), and a run longer than `timeout` raises subprocess.TimeoutExpired."""
    import main

    gc.freeze()  # the test process's objects stay out of the run's collections (tests/conftest.py)
    argv = [str(ROOT / "main.py"), *args]
    out, err = _captured(), _captured()
    with (
        _environment(env or clean_env(), cwd),
        _stdin_pipe(stdin or "") as stdin_file,
        _deadline(argv, timeout),
    ):
        saved = sys.argv, sys.stdin, sys.stdout, sys.stderr
        sys.argv, sys.stdin, sys.stdout, sys.stderr = argv, stdin_file, out, err
        try:
            code = _exit_code(main.main, list(args), err)
        finally:
            sys.argv, sys.stdin, sys.stdout, sys.stderr = saved
    return subprocess.CompletedProcess([sys.executable, *argv], code, _text(out), _text(err))


class _Timeout(BaseException):
    """Raised in the main thread when an in-process run overstays (no `except Exception` stops it)."""


def _exit_code(main: Any, argv: list[str], err: io.TextIOWrapper) -> int:
    """Call main as `sys.exit(main())` does, and return the exit status the process would have."""
    try:
        code: object = main(argv)
    except SystemExit as exc:
        code = exc.code
    except _Timeout:
        raise
    except BaseException:  # the interpreter prints it and exits with 1
        traceback.print_exc(file=err)
        return 1
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=err)
    return 1


def _captured() -> io.TextIOWrapper:
    """A text stream like a process's piped standard output: UTF-8, not a terminal, with a buffer."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)


def _text(stream: io.TextIOWrapper) -> str:
    """What was written, read back as subprocess.run(text=True) reads a pipe (universal newlines)."""
    stream.flush()
    data = stream.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]
    return data.replace("\r\n", "\n").replace("\r", "\n")


@contextlib.contextmanager
def _environment(env: dict[str, str], cwd: Path) -> Iterator[None]:
    """os.environ is `env`, and the working directory `cwd`, until the block ends."""
    saved, before = dict(os.environ), os.getcwd()
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(before)
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _stdin_pipe(text: str) -> Iterator[io.TextIOWrapper]:
    """Standard input on a real pipe (the terminal reader watches its file descriptor), fed with `text`
    by a thread and then closed, as subprocess.run(input=...) feeds a child."""
    read_fd, write_fd = os.pipe()

    def feed() -> None:
        with open(write_fd, "wb") as pipe:
            with contextlib.suppress(BrokenPipeError):
                pipe.write(text.encode("utf-8"))

    feeder = threading.Thread(target=feed, daemon=True, name="stdin-feeder")
    feeder.start()
    with open(read_fd, encoding="utf-8") as stdin_file:
        yield stdin_file
    feeder.join()  # closing the read end ends a write nobody read (a broken pipe, which it ignores)


@contextlib.contextmanager
def _deadline(argv: Sequence[str], timeout: float) -> Iterator[None]:
    """subprocess.TimeoutExpired once `timeout` seconds have passed (SIGALRM, in the main thread)."""

    def expired(signum: int, frame: object) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        yield
    except _Timeout:
        raise subprocess.TimeoutExpired([sys.executable, *argv], timeout) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_process(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None, timeout: float = 120
):
    """Run main.py to its end in a new Python; returns the CompletedProcess (text mode)."""
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        cwd=ROOT,
        env=env or clean_env(),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_main(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start main.py with pipes for stdin, stdout and stderr, as a process forked from this test
    process's fork server (which has imported the project: no interpreter start-up, no imports)."""
    from tests.support import forkserver

    return forkserver.spawn(list(args), env or clean_env(), server_env=clean_env())


def start_new_python(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start main.py in a new interpreter with pipes for stdin, stdout and stderr."""
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), *args],
        cwd=ROOT,
        env=env or clean_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def read_log(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def events(records: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [record for record in records if record["event"] == name]


def conversation(records: list[dict[str, Any]]) -> list[tuple[str, str, str, str, str]]:
    """What was said, in order: (game, sender, recipient, kind, text) of every message_sent."""
    return [
        (r.get("game_id", ""), r["sender"], r["recipient"], r["kind"], r["text"])
        for r in events(records, "message_sent")
    ]
