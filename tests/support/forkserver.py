"""`python main.py ARGS` as a real process without a new Python's start-up: a server process, started
once per test process, imports the project and every command's modules (openai and redis included),
plays one offline game of each game to fill the caches a first game fills, and then forks a child per
command. The child is a process of its own (its pid takes signals, its standard streams are the pipes
the test holds, its exit status is what waitpid says) that runs main.py as its main module and ends as
the interpreter ends one (`_run_main`). `spawn` returns a subprocess.Popen (pid, pipes, poll, wait,
communicate, send_signal) whose exit status comes from the server, the child's parent.

What a child shares with the server, unlike a new Python: the imported modules, filled caches and the
string hash seed (tests about these, or about the interpreter's own start and end, start a new Python).
`random` is reseeded in every child by the standard library; os.environ and the working directory are
the test's.
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import selectors
import signal
import socket
import struct
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAIN = ROOT / "main.py"
_PID = struct.Struct("q")
_ENDED = struct.Struct("qd")  # exit status as Popen.returncode has it, CPU seconds the child used
_MAX_REQUEST = 1 << 20
children_cpu_s = 0.0  # CPU seconds of the children this process has seen end (a figure to measure with)

# What the server imports before its first fork: main and its parser for every command (all the games
# and tools), and what commands import when they run (the model client, Redis, the workers).
PRELOAD = (
    "openai",
    "httpx2",
    "aiohttp",
    "redis.asyncio",
    "games.cli.distributed.server",
    "games.cli.distributed.worker",
    "games.cli.distributed.controller",
)


# --- the test's side -------------------------------------------------------------------------------


class ForkedProcess(subprocess.Popen):
    """A Popen for a child of the fork server: the server, its parent, reports its exit status."""

    def __init__(self, args: list[str], pid: int, status: socket.socket, pipes: tuple[int, int, int]) -> None:
        # Popen's own attributes, as Popen(..., stdin=PIPE, stdout=PIPE, stderr=PIPE, text=True) sets them
        self._child_created = False  # nothing for Popen.__del__ to reap: the server does
        self._waitpid_lock = threading.Lock()
        self._input = None
        self._communication_started = False
        self._sigint_wait_secs = 0.25
        self._closed_child_pipe_fds = True
        self.args = args
        self.pid = pid
        self.returncode: int | None = None
        self.encoding = subprocess._text_encoding()  # type: ignore[attr-defined]
        self.errors = None
        self.pipesize = -1
        self.text_mode = True
        stdin, stdout, stderr = pipes
        self.stdin = _text(open(stdin, "wb"), write_through=True)
        self.stdout = _text(open(stdout, "rb"))
        self.stderr = _text(open(stderr, "rb"))
        self._status = status
        self.cpu_s = 0.0  # user + system CPU of the ended child (the server reaps it, not this process)

    def _internal_poll(self, _deadstate=None, **_: object) -> int | None:  # type: ignore[override]
        if self.returncode is None and self._waitpid_lock.acquire(False):
            try:
                self._read_status(block=False)
            finally:
                self._waitpid_lock.release()
        return self.returncode

    def _wait(self, timeout: float | None) -> int:  # type: ignore[override]
        with self._waitpid_lock:
            if self.returncode is None:
                self._status.settimeout(timeout)
                try:
                    self._read_status(block=True)
                except TimeoutError:
                    raise subprocess.TimeoutExpired(self.args, timeout) from None  # type: ignore[arg-type]
        return self.returncode  # type: ignore[return-value]

    def _read_status(self, block: bool) -> None:
        if not block:
            self._status.setblocking(False)
        try:
            data = self._status.recv(_ENDED.size, socket.MSG_WAITALL)
        except BlockingIOError:
            return
        if len(data) != _ENDED.size:
            raise RuntimeError(f"the fork server went away before process {self.pid} ended")
        self.returncode, self.cpu_s = _ENDED.unpack(data)
        global children_cpu_s
        children_cpu_s += self.cpu_s
        self._status.close()


def _text(binary, write_through: bool = False):
    import io

    return io.TextIOWrapper(binary, encoding=subprocess._text_encoding(), write_through=write_through)  # type: ignore[attr-defined]


class _Client:
    """This test process's fork server, started on first use and ended when the process ends."""

    def __init__(self, env: dict[str, str]) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._server = subprocess.Popen(
            [sys.executable, "-m", "tests.support.forkserver", str(theirs.fileno())],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            pass_fds=[theirs.fileno()],
        )
        theirs.close()
        self._control = ours
        self._lock = threading.Lock()
        if ours.recv(16) != b"ready":
            raise RuntimeError(f"the fork server did not start (exit {self._server.wait()})")
        atexit.register(self.close)

    def spawn(self, args: list[str], env: dict[str, str], cwd: Path) -> ForkedProcess:
        stdin_r, stdin_w = os.pipe()
        stdout_r, stdout_w = os.pipe()
        stderr_r, stderr_w = os.pipe()
        status, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        request = json.dumps({"argv": [str(MAIN), *args], "env": env, "cwd": str(cwd)}).encode()
        try:
            with self._lock:
                socket.send_fds(self._control, [request], [stdin_r, stdout_w, stderr_w, theirs.fileno()])
        finally:
            for fd in (stdin_r, stdout_w, stderr_w):
                os.close(fd)
            theirs.close()
        data = status.recv(_PID.size)
        if len(data) != _PID.size:
            raise RuntimeError("the fork server could not start the command")
        (pid,) = _PID.unpack(data)
        return ForkedProcess([sys.executable, str(MAIN), *args], pid, status, (stdin_w, stdout_r, stderr_r))

    def close(self) -> None:
        self._control.close()  # the server ends when its control socket does
        try:
            self._server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._server.kill()
            self._server.wait()


_client: _Client | None = None
_client_lock = threading.Lock()


def spawn(
    args: list[str], env: dict[str, str], server_env: dict[str, str], cwd: Path = ROOT
) -> ForkedProcess:
    """`python main.py ARGS` with environment `env`, forked from this process's fork server (started
    with `server_env` on first use), with pipes for its standard streams."""
    global _client
    with _client_lock:
        if _client is None or _client._server.poll() is not None:
            _client = _Client(server_env)
    return _client.spawn(args, env, cwd)


# --- the server's side -----------------------------------------------------------------------------


def _serve(control: socket.socket) -> dict:
    """Fork a child per request until the control socket closes (then exit); in a child, return its
    request with the child set up as `python main.py` starts."""
    selector = selectors.DefaultSelector()
    selector.register(control, selectors.EVENT_READ, None)
    control.send(b"ready")
    while True:
        for key, _ in selector.select():
            if key.data is not None:  # a child ended: tell its test
                pid, status = key.data
                selector.unregister(key.fd)
                os.close(key.fd)
                _, code, usage = os.wait4(pid, 0)
                ended = _ENDED.pack(os.waitstatus_to_exitcode(code), usage.ru_utime + usage.ru_stime)
                try:
                    status.sendall(ended)
                except OSError:
                    pass  # the test stopped waiting
                status.close()
                continue
            message, fds, _, _ = socket.recv_fds(control, _MAX_REQUEST, 4)
            if not message:  # the test process has ended: so does the server, without tearing its heap down
                os._exit(0)
            status = socket.socket(fileno=fds[3])
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                for other in list(selector.get_map().values()):
                    if other.data is not None:
                        os.close(other.fd)
                        other.data[1].close()
                selector.close()
                control.close()
                status.close()
                for target, fd in enumerate(fds[:3]):
                    os.dup2(fd, target)
                    os.close(fd)
                return json.loads(message)
            for fd in fds[:3]:
                os.close(fd)
            status.sendall(_PID.pack(pid))
            selector.register(os.pidfd_open(pid), selectors.EVENT_READ, (pid, status))


def _preload() -> None:
    import importlib

    import main

    main.build_parser()
    for name in PRELOAD:
        importlib.import_module(name)
    import openai

    openai.AsyncOpenAI(api_key="preload", base_url="http://127.0.0.1:9").chat.completions  # noqa: B018 (its lazy modules)
    _warm_up(main)
    # What was imported stays out of the children's collections: a collection that scanned it would
    # write to every object's header, copying the whole heap into each child.
    gc.collect()
    gc.freeze()


def _run_main() -> int:
    """Run main.py as the main module and end as the interpreter would: the exit status of a SystemExit
    or 1 after printing an uncaught exception, the threads joined, atexit's functions run and the
    standard streams flushed (120 when that fails); an uncaught Ctrl-C kills the process with SIGINT.
    The interpreter's own teardown is skipped: it would touch, and so copy, every object of the heap
    the child shares with the server."""
    import atexit
    import runpy
    import threading
    import traceback

    code, interrupted = 0, False
    try:
        runpy.run_path(str(MAIN), run_name="__main__")
    except SystemExit as exc:
        code = _exit_status(exc.code)
    except BaseException as exc:
        interrupted = isinstance(exc, KeyboardInterrupt)
        sys.excepthook(type(exc), exc, exc.__traceback__)
        code = 1
    threading._shutdown()  # type: ignore[attr-defined]
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception as exc:
            if stream is sys.stdout:
                print(f"Exception ignored in: {stream!r}", file=sys.stderr)
                traceback.print_exception(exc, file=sys.stderr)
                code = 120
    if interrupted:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    return code


def _exit_status(code: object) -> int:
    """What the interpreter exits with for `raise SystemExit(code)`."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _warm_up(main) -> None:
    """Play one offline game of each game here, with its output thrown away: what the games load and
    cache on first use (decks, word lists, morphology tables) is then loaded in every child."""
    import contextlib
    import tempfile

    from games.cli.registry import games_by_name

    with tempfile.TemporaryDirectory() as folder, open(os.devnull, "w") as sink:
        for name in games_by_name():
            argv = [name, "--offline", "--seed", "1", "--quiet", "--log", str(Path(folder) / f"{name}.jsonl")]
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                code = main.main(argv)
            if code != 0:
                raise RuntimeError(f"warming up: python main.py {' '.join(argv)} exited with {code}")


if __name__ == "__main__":
    _preload()
    _request = _serve(socket.socket(fileno=int(sys.argv[1])))
    # the child: what `python main.py ARGS` would have, then main.py run as the main module
    os.environ.clear()
    os.environ.update(_request["env"])
    os.chdir(_request["cwd"])
    sys.argv = _request["argv"]
    sys.path[0] = str(ROOT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    del _request
    os._exit(_run_main())
