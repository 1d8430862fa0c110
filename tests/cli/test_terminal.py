"""What a model, a log or a file name says reaches the terminal cleaned and is never read as markup:
the live transcript, every `replay` view, the outcome line and main.py's error lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support.chat_server import Reply
from tests.support.cli import clean_env, read_log, run_main

# A right-to-left override, a zero-width space, clear the screen, set the window title, a C1 CSI, markup.
HOSTILE = "\u202eevil\u202c \u200bzw \x1b[2J\x1b]0;pwned\x07\x9b31m [/red] [bold]"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
SGR = re.compile("\x1b\\[[0-9;]*m")  # the colours rich itself writes on a terminal


def unsafe_in(output: str) -> list[str]:
    """The unsafe characters of `output`, once rich's own colour sequences are taken out."""
    return UNSAFE.findall(SGR.sub("", output))


def hostile_game(chat_server, log: Path, *extra: str, env: dict[str, str] | None = None):
    """A game against a server whose players answer with escape sequences, overrides and markup."""
    chat_server.handler = lambda body, index: Reply.text(
        f"CLUE: {HOSTILE}" if "Hinter" in body["messages"][0]["content"] else f"GUESS: {HOSTILE}"
    )
    args = ["taboo", "--card", "thunder", "--turns", "2", "--base-url", chat_server.base_url]
    return run_main(*args, "--model", "m[/red]", "--log", str(log), *extra, env=env)


@pytest.mark.parametrize("env", [{}, {"FORCE_COLOR": "1", "COLUMNS": "400"}], ids=["pipe", "terminal"])
def test_the_live_transcript_shows_a_models_escapes_as_text(tmp_path: Path, chat_server, env) -> None:
    """A model's escape sequences, overrides and markup print as visible text, plain or coloured."""
    done = hostile_game(chat_server, tmp_path / "live.jsonl", env=clean_env(**env))
    assert done.returncode == 0, done.stderr
    assert unsafe_in(done.stdout) == []
    shown = "<U+202E>evil<U+202C> <U+200B>zw <U+001B>[2J<U+001B>]0;pwned<U+0007><U+009B>31m [/red] [bold]"
    assert shown in SGR.sub("", done.stdout)
    assert "m[/red]" in done.stdout  # the model's name, as given


@pytest.fixture(scope="module")
def hostile_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An offline game's log whose every message and model reply says HOSTILE."""
    log = tmp_path_factory.mktemp("hostile") / "hostile.jsonl"
    assert run_main("taboo", "--offline", "--seed", "1", "--quiet", "--log", str(log)).returncode == 0
    records = read_log(log)
    for record in records:
        for field in ("text", "response"):
            if field in record:
                record[field] = f"{HOSTILE} {record[field]}"
    log.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records))
    return log


@pytest.mark.parametrize("env", [{}, {"FORCE_COLOR": "1", "COLUMNS": "400"}], ids=["pipe", "terminal"])
@pytest.mark.parametrize(
    "view", [[], ["--events"], ["--agent", "guesser"]], ids=["transcript", "events", "agent"]
)
def test_every_replay_view_shows_a_logs_escapes_as_text(hostile_log: Path, view, env) -> None:
    """`replay` draws a log's escapes, overrides and markup visibly in each text view."""
    done = run_main("replay", str(hostile_log), *view, env=clean_env(**env))
    assert done.returncode == 0, done.stderr
    assert unsafe_in(done.stdout) == []
    assert "<U+202E>evil<U+202C> <U+200B>zw <U+001B>[2J<U+001B>]0;pwned" in SGR.sub("", done.stdout)


def test_replay_json_escapes_what_json_leaves_raw(hostile_log: Path) -> None:
    """`replay --json` writes the same data, with overrides and C1 controls as \\u escapes."""
    done = run_main("replay", str(hostile_log), "--json")
    assert done.returncode == 0, done.stderr
    assert unsafe_in(done.stdout) == []
    replayed = [record.get("text") for record in map(json.loads, done.stdout.splitlines())]
    assert [record.get("text") for record in read_log(hostile_log)] == replayed


def test_the_outcome_line_shows_a_hostile_log_path_as_it_is(tmp_path: Path) -> None:
    """A log path with an escape sequence and markup is printed visibly and completely."""
    log = tmp_path / "[/red][bold]\x1b[2Jrun.jsonl"
    done = run_main("taboo", "--offline", "--seed", "1", "--log", str(log))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].endswith(f"log: {tmp_path}/[/red][bold]<U+001B>[2Jrun.jsonl")
    assert read_log(log)[-1]["status"] == "ok"


def test_an_error_line_shows_a_hostile_path_as_it_is(tmp_path: Path) -> None:
    """main.py's one error line shows a file name's escapes visibly, and its brackets as they are."""
    missing = tmp_path / "[/red]\x1b]0;pwned\x07\u202e.jsonl"
    done = run_main("replay", str(missing))
    assert done.returncode == 2
    assert unsafe_in(done.stderr) == []
    assert "[/red]<U+001B>]0;pwned<U+0007><U+202E>.jsonl" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_usage_error_shows_a_hostile_argument_as_text() -> None:
    """argparse's own error line shows an argument's escapes visibly."""
    done = run_main("taboo", "--offline", "stray\x1b]0;pwned\x07")
    assert done.returncode == 2
    assert unsafe_in(done.stderr) == []
    assert "stray<U+001B>]0;pwned<U+0007>" in done.stderr


def test_a_batch_summary_shows_hostile_model_names_as_text(tmp_path: Path, chat_server) -> None:
    """The summary table of a batch shows a hostile model name visibly, its brackets as they are."""
    chat_server.handler = lambda body, index: Reply.text(
        "CLUE: a loud sound in a storm" if "Hinter" in body["messages"][0]["content"] else "GUESS: thunder"
    )
    args = ["taboo", "--games", "2", "--swap", "--seed", "3", "--base-url", chat_server.base_url]
    models = ["--hinter-model", "h\x1b[2J[/red]", "--guesser-model", "g\u202e"]
    done = run_main(*args, *models, "--log", str(tmp_path / "b.jsonl"))
    assert done.returncode == 0, done.stderr
    assert unsafe_in(done.stdout) == []
    assert "h<U+001B>[2J[/red]" in done.stdout and "g<U+202E>" in done.stdout


def test_replay_prints_a_log_path_with_markup_as_it_is(hostile_log: Path, tmp_path: Path) -> None:
    """A log whose name looks like markup replays with its name printed as it is, never an error."""
    log = tmp_path / "[/red][bold]run.jsonl"  # a folder "[" holding "red][bold]run.jsonl"
    log.parent.mkdir()
    log.write_bytes(hostile_log.read_bytes())
    done = run_main("replay", str(log))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].endswith(f"log: {log}")


@pytest.mark.parametrize("action", [["list", "--persona-dir", "{dir}"], ["show", "{dir}/zed.toml"]])
def test_personas_prints_a_description_with_markup_and_escapes_as_text(tmp_path: Path, action) -> None:
    """A persona's description with markup and an escape sequence is listed and shown as text."""
    persona = tmp_path / "zed.toml"
    assert run_main("personas", "new", "zed", "--out", str(persona)).returncode == 0
    text = persona.read_text().replace(
        'description = "One line: what makes this persona different."',
        'description = "a [/red] b [bold] \\u001b[2J \\u202e c"',
    )
    persona.write_text(text)
    done = run_main("personas", *(arg.format(dir=tmp_path) for arg in action))
    assert done.returncode == 0, done.stderr
    assert "a [/red] b [bold] <U+001B>[2J <U+202E> c" in done.stdout
    assert unsafe_in(done.stdout) == []
