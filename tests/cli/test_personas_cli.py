"""`python main.py personas list | show | check | new`, and personas in `taboo`, as a user runs them."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from tests.support.chat_server import Reply
from tests.support.cli import events, read_log, run_main

BUILT_INS = ("default", "terse", "poet", "pirate", "literal", "lateral")


def run_in(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """main.py run from another directory (where ./personas/ and runs/ are that directory's)."""
    return run_main(*args, cwd=cwd)


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


# -- malformed files: one line each, exit 2 -----------------------------------------------------------

MALFORMED = {
    "syntax": ('name = "x"\nprompt = "unclosed\n', "syntax.toml:2: TOML syntax error"),
    "wrong-type": (
        'name = "x"\nroles = ["hinter"]\nprompt = "{target}"\n[settings]\nmax_tokens = "many"\n',
        "wrong-type.toml:5: settings.max_tokens: expected a whole number, got a string ('many')",
    ),
    "no-prompt": ('name = "x"\ndescription = "forgot it"\n', "no-prompt.toml: prompt: missing prompt"),
    "unknown-key": (
        'name = "x"\nroles = ["hinter"]\nprompt = "{target}"\ntemperature = 0.5\n',
        "unknown-key.toml:4: temperature: unknown key",
    ),
    "unknown-placeholder": (
        'name = "x"\nroles = ["hinter"]\nprompt = """\nSay {target}.\nAvoid {taboos}.\n"""\n',
        "unknown-placeholder.toml:5: prompt: unknown placeholder {taboos}; did you mean {taboo}?",
    ),
    "wrong-role": (
        'name = "x"\nroles = ["hinterr"]\nprompt = "{target}"\n',
        "wrong-role.toml:2: roles: no game has a role 'hinterr'; did you mean 'hinter'?",
    ),
    "guesser-sees-card": (
        'name = "x"\nroles = ["guesser"]\nprompt = "It is {target}."\n',
        "guesser-sees-card.toml:3: prompt: {target} is not available to the guesser",
    ),
    "empty": ("", "empty.toml: the file is empty"),
    "non-utf8": (b'name = "caf\xe9"\n', "non-utf8.toml:1: not UTF-8 text"),
    "binary": (bytes(range(256)) * 4, "binary.toml: a binary file"),
    "huge": (
        'name = "x"\nprompt = """\n' + "all work and no play " * 20_000 + '\n"""\n',
        "huge.toml: too large",
    ),
}


def write_case(directory: Path, case: str) -> Path:
    content, _ = MALFORMED[case]
    path = directory / f"{case}.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_check_gives_one_line_and_exit_2_for_each_malformed_file(tmp_path: Path, case: str) -> None:
    """personas check: each malformed file is one line (file, line, key, message), exit 2, no traceback."""
    write_case(tmp_path, case)
    line = one_error_line(run_in(tmp_path, "personas", "check", f"{case}.toml"))
    assert line == MALFORMED[case][1] or line.startswith(MALFORMED[case][1])


@pytest.mark.parametrize("case", ["syntax", "unknown-placeholder", "binary", "empty"])
def test_taboo_refuses_a_malformed_persona_in_one_line(tmp_path: Path, case: str) -> None:
    """taboo --hinter FILE with a malformed file: one line, exit 2, nothing played."""
    path = write_case(tmp_path, case)
    line = one_error_line(run_main("taboo", "--offline", "--hinter", str(path), "--log", str(tmp_path / "l")))
    assert line.startswith("error: ") and str(path) in line
    assert not (tmp_path / "l").exists()


def test_check_lists_every_problem_of_every_file(tmp_path: Path) -> None:
    """Two bad files and a good one: every problem on stderr, the good one on stdout, exit 2."""
    write_case(tmp_path, "wrong-type")
    (tmp_path / "two.toml").write_text(
        'name = "two"\nroles = ["hinter"]\nprompt = "{target} {turnss}"\n[offline]\nterce = true\n',
        encoding="utf-8",
    )
    (tmp_path / "good.toml").write_text('name = "good"\nroles = ["hinter"]\nprompt = "{target}"\n')
    done = run_in(tmp_path, "personas", "check", "wrong-type.toml", "two.toml", "good.toml")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    problems = done.stderr.strip().splitlines()
    assert len(problems) == 3
    assert problems[1].startswith("two.toml:3: prompt: unknown placeholder {turnss}; did you mean {turns}?")
    assert (
        problems[2].startswith("two.toml:5: offline.terce: unknown knob")
        and "did you mean 'terse'" in problems[2]
    )
    assert "ok: good.toml (good, roles: hinter)" in done.stdout


def test_check_passes_every_built_in_file() -> None:
    """The built-in persona files, checked as files, are all fine: exit 0."""
    done = run_main("personas", "check", "agents/builtin_personas")
    assert done.returncode == 0, done.stderr
    assert all(f"({name}, roles:" in done.stdout for name in BUILT_INS)


# -- list and show --------------------------------------------------------------------------------------


def test_list_shows_each_persona_with_roles_description_and_source(tmp_path: Path) -> None:
    """personas list: name, roles, description and source; a local file hides the built-in of its name."""
    (tmp_path / "personas").mkdir()
    (tmp_path / "personas" / "poet.toml").write_text(
        'name = "poet"\ndescription = "My own poet."\nroles = ["hinter"]\nprompt = "{target}"\n',
        encoding="utf-8",
    )
    done = run_in(tmp_path, "personas", "list")
    assert done.returncode == 0, done.stderr
    for name in BUILT_INS:
        assert name in done.stdout
    assert "My own poet." in done.stdout and "personas/poet.toml" in done.stdout
    assert "hidden by personas/poet.toml" in done.stdout
    assert "built-in" in done.stdout and "any" in done.stdout and "guesser" in done.stdout


def test_show_renders_the_prompt_a_model_would_receive() -> None:
    """personas show NAME --role R: the filled-in prompt with a sample card, settings and knobs."""
    done = run_main("personas", "show", "pirate", "--role", "hinter")
    assert done.returncode == 0, done.stderr
    assert "The treasure (target): snow" in done.stdout
    assert "{target}" not in done.stdout and "CLUE: <your clue>" in done.stdout
    assert "temperature=0.9" in done.stdout and "slip_rate=0.1" in done.stdout
    assert "guesser" not in done.stdout.split("system prompt:")[0].split("──")[-1]


def test_show_without_a_role_shows_every_role_it_plays() -> None:
    """A persona that plays any role is shown for the hinter and the guesser."""
    done = run_main("personas", "show", "pirate")
    assert done.returncode == 0, done.stderr
    assert "── hinter" in done.stdout and "── guesser" in done.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("show", "terse", "--role", "guesser"), "does not play the guesser"),
        (("show", "pirat"), "did you mean 'pirate'?"),
        (("show", "default", "--role", "referee"), "--role referee"),
    ],
)
def test_show_errors_are_one_line(args: tuple[str, ...], words: str) -> None:
    """A persona that cannot be shown for a role is one line and exit 2."""
    assert words in one_error_line(run_main("personas", *args))


# -- new ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [None, "hinter", "guesser"])
def test_new_writes_a_template_that_checks_and_plays(tmp_path: Path, role: str | None) -> None:
    """personas new NAME: ./personas/NAME.toml, valid as written, playable by name at once."""
    role_flags = ("--role", role) if role else ()
    done = run_in(tmp_path, "personas", "new", "mine", *role_flags)
    assert done.returncode == 0, done.stderr
    path = tmp_path / "personas" / "mine.toml"
    assert path.read_text(encoding="utf-8").startswith("# A persona")
    assert run_in(tmp_path, "personas", "check", "personas/mine.toml").returncode == 0
    played = run_in(tmp_path, "taboo", "--seed", "2", "--quiet", f"--{role or 'guesser'}", "mine")
    assert played.returncode == 0, played.stderr
    records = read_log(next((tmp_path / "runs").glob("*.jsonl")))
    persona = records[0]["config"]["personas"][role or "guesser"]
    assert persona == {
        "name": "mine",
        "source": "personas/mine.toml",
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    """A second `new` of the same name is one line, exit 2, and the file is untouched."""
    out = tmp_path / "p.toml"
    assert run_main("personas", "new", "mine", "--out", str(out)).returncode == 0
    out.write_text("# edited", encoding="utf-8")
    assert "not overwriting" in one_error_line(run_main("personas", "new", "mine", "--out", str(out)))
    assert out.read_text(encoding="utf-8") == "# edited"


def test_new_refuses_a_bad_name() -> None:
    """A name with a space or a slash is one line, exit 2."""
    assert "a name is letters" in one_error_line(run_main("personas", "new", "my poet"))


# -- taboo with personas ------------------------------------------------------------------------------


def test_a_persona_file_reaches_the_server_and_the_log(tmp_path: Path, chat_server) -> None:
    """taboo --hinter FILE at a loopback server: its prompt and model are sent; run_started records it."""
    persona = tmp_path / "bard.toml"
    persona.write_text(
        'name = "bard"\nroles = ["hinter"]\nprompt = "A bard hints at {target} on turn {turn}. {format}"\n'
        '[settings]\nmodel = "bard-model"\ntemperature = 1.25\n',
        encoding="utf-8",
    )
    chat_server.handler = lambda body, index: Reply.text(
        "CLUE: frozen rain" if body["messages"][0]["content"].startswith("A bard") else "GUESS: snow"
    )
    log = tmp_path / "run.jsonl"
    done = run_main(
        "taboo", "--card", "snow", "--base-url", chat_server.base_url, "--hinter", str(persona),
        "--guesser", "lateral", "--log", str(log),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    hinter_body = chat_server.bodies[0]
    assert hinter_body["messages"][0]["content"] == "A bard hints at snow on turn 1. CLUE: <your clue>"
    assert hinter_body["model"] == "bard-model" and hinter_body["temperature"] == 1.25
    guesser_body = chat_server.bodies[1]
    assert "lateral thinker" in guesser_body["messages"][0]["content"] and guesser_body["top_p"] == 0.95
    started = events(read_log(log), "run_started")[0]
    personas = started["config"]["personas"]
    assert personas["hinter"] == {
        "name": "bard",
        "source": str(persona),
        "sha256": hashlib.sha256(persona.read_bytes()).hexdigest(),
    }
    assert personas["guesser"]["name"] == "lateral" and personas["guesser"]["source"] == "built-in"
    assert started["config"]["models"]["hinter"]["model"] == "bard-model"


def test_a_model_flag_beats_the_personas_model(tmp_path: Path, chat_server) -> None:
    """--model M is used even when the persona names a model."""
    persona = tmp_path / "bard.toml"
    persona.write_text(
        'name = "bard"\nroles = ["hinter"]\nprompt = "{target} {format}"\n[settings]\nmodel = "bard-model"\n',
        encoding="utf-8",
    )
    chat_server.handler = lambda body, index: Reply.text("CLUE: frozen rain" if index == 0 else "GUESS: snow")
    done = run_main(
        "taboo", "--card", "snow", "--base-url", chat_server.base_url, "--model", "flag-model",
        "--hinter", str(persona), "--log", str(tmp_path / "run.jsonl"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert chat_server.bodies[0]["model"] == "flag-model"


def test_persona_dir_is_searched_first(tmp_path: Path) -> None:
    """--persona-dir DIR: a persona there is found by name, before the built-ins."""
    (tmp_path / "terse.toml").write_text(
        'name = "terse"\nroles = ["hinter"]\nprompt = "{target}"\n[offline]\nterse = false\n',
        encoding="utf-8",
    )
    log = tmp_path / "run.jsonl"
    done = run_main(
        "taboo",
        "--offline",
        "--quiet",
        "--persona-dir",
        str(tmp_path),
        "--hinter",
        "terse",
        "--log",
        str(log),
    )
    assert done.returncode == 0, done.stderr
    source = events(read_log(log), "run_started")[0]["config"]["personas"]["hinter"]["source"]
    assert source == str(tmp_path / "terse.toml")
