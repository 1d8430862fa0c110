"""Persona files: the format, validation (one problem each, with file, line and key), the search order,
and every built-in persona checked and rendered for each role it declares."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from agents.persona_files import MAX_BYTES, inspect_persona, parse_persona
from agents.persona_library import BUILT_IN, PersonaLibrary, builtin_personas
from agents.personas import (
    Casting,
    Knob,
    Persona,
    PersonaError,
    PersonaNotFound,
    Problem,
    RoleSpec,
    placeholders,
)
from games.cli.registry import castings

# A toy game, so these tests show that agents/ knows no particular game.
QUIZ = Casting(
    game="quiz",
    roles={
        "asker": RoleSpec(
            placeholders={"topic": "the topic", "answer": "the answer", "format": "the reply format"},
            knobs={"bold": Knob(bool, False), "patience": Knob(float, 0.5, low=0.0, high=1.0)},
            required={"answer": "the asker must know the answer"},
            example={"topic": "birds", "answer": "owl", "format": "Q: ..."},
        ),
        "answerer": RoleSpec(
            placeholders={"topic": "the topic", "format": "the reply format"},
            knobs={"patience": Knob(float, 0.5, low=0.0, high=1.0)},
            withheld={"answer": "the answerer must find it"},
            example={"topic": "birds", "format": "A: ..."},
        ),
    },
)

GOOD = """\
# Comments are fine.
name = "owlish"
description = "Asks like an owl."
roles = ["asker", "answerer"]

prompt = '''
You answer questions about {topic}. {format}
'''

[settings]
temperature = 0.5
max_tokens = 40

[offline]
patience = 0.25

[quiz]
settings = { temperature = 0.9 }

[quiz.asker]
prompt = \"\"\"
Ask about {topic} so that the answer is {answer}.
Literal braces: {{like this}}. {format}
\"\"\"

[quiz.asker.offline]
bold = true
"""


def load(text: str, file: str = "p.toml") -> Persona:
    return parse_persona(text.encode(), file=file, source=file)


def problems_of(text: str | bytes, casting: Casting | None = QUIZ) -> list[Problem]:
    """Every problem with a persona text: reading it, then (if it loads) checking it against `casting`."""
    data = text if isinstance(text, bytes) else text.encode()
    reading = inspect_persona(data, file="p.toml", source="p.toml")
    found = list(reading.problems)
    if not found and reading.persona is not None and casting is not None:
        found += reading.persona.check(casting)
    return found


def one_problem(text: str | bytes, casting: Casting | None = QUIZ) -> Problem:
    found = problems_of(text, casting)
    assert len(found) == 1, found
    return found[0]


# -- the format ---------------------------------------------------------------------------------------


def test_a_persona_file_loads_its_fields() -> None:
    """Name, description, roles, prompt, settings and knobs come from the file; sha256 hashes its bytes."""
    persona = load(GOOD)
    assert persona.name == "owlish" and persona.description == "Asks like an owl."
    assert persona.roles == ("asker", "answerer")
    assert persona.base.prompt == "You answer questions about {topic}. {format}"
    assert persona.sha256 == hashlib.sha256(GOOD.encode()).hexdigest()
    assert persona.check(QUIZ) == []


def test_the_most_specific_layer_wins() -> None:
    """[game.role] beats [game], which beats the top level; settings and knobs merge key by key."""
    persona = load(GOOD)
    assert persona.template("quiz", "asker").startswith("Ask about {topic}")
    assert persona.template("quiz", "answerer").startswith("You answer questions")
    assert persona.settings("quiz", "asker") == {"temperature": 0.9, "max_tokens": 40}
    assert persona.settings("other", "asker") == {"temperature": 0.5, "max_tokens": 40}
    assert persona.knobs(QUIZ, "asker") == {"patience": 0.25, "bold": True}
    assert persona.knobs(QUIZ, "answerer") == {"patience": 0.25}  # bold is not an answerer's knob


def test_render_fills_the_placeholders_and_keeps_literal_braces() -> None:
    """render() fills every placeholder; {{ and }} become single braces."""
    text = load(GOOD).render("quiz", "asker", QUIZ.roles["asker"].example)
    assert text == "Ask about birds so that the answer is owl.\nLiteral braces: {like this}. Q: ..."


def test_roles_default_to_any() -> None:
    """A persona without roles plays every role."""
    persona = load('name = "x"\nprompt = "{topic} {answer}"\n[quiz.answerer]\nprompt = "{topic}"\n')
    assert persona.roles is None and persona.plays("asker") and persona.plays("anything")
    assert persona.check(QUIZ) == []


def test_request_timeout_becomes_the_model_settings_timeout() -> None:
    """A persona's request_timeout (seconds) is ModelSettings' timeout_s, the role's layer winning."""
    persona = load(
        'name = "x"\nprompt = "{topic} {answer}"\n[settings]\nrequest_timeout = 20\n'
        "[quiz.asker.settings]\nrequest_timeout = 7.5\n"
    )
    assert persona.settings("quiz", "asker") == {"timeout_s": 7.5}
    assert persona.settings("quiz", "answerer") == {"timeout_s": 20.0}


def test_integer_numbers_are_accepted_as_floats() -> None:
    """temperature = 1 is a float setting; a float knob given as 1 is 1.0."""
    persona = load(
        'name = "x"\nprompt = "{topic} {answer}"\n[settings]\ntemperature = 1\n[offline]\npatience = 1\n'
    )
    assert persona.settings("quiz", "asker") == {"temperature": 1.0}
    assert persona.knobs(QUIZ, "asker") == {"patience": 1.0}


@pytest.mark.parametrize(
    ("template", "names"),
    [
        ("plain", []),
        ("{a} and {b} and {a}", ["a", "b"]),
        ("{{not}} {this}", ["this"]),
    ],
)
def test_placeholders_are_listed_in_order_once(template: str, names: list[str]) -> None:
    """placeholders() lists each name once, in order of first use, skipping escaped braces."""
    assert placeholders(template) == names


@pytest.mark.parametrize("template", ["a } b", "{open", "{}", "{0}", "{a.b}", "{a[0]}", "{a!r}", "{a:>3}"])
def test_a_template_str_format_cannot_fill_by_name_is_rejected(template: str) -> None:
    """Stray braces, positional fields, attribute access, conversions and format specs are errors."""
    with pytest.raises(ValueError):
        placeholders(template)


# -- validation: one problem each, with line and key ------------------------------------------------------

MALFORMED = [
    # (case, text, line, key, words in the message)
    ("toml syntax", 'name = "x"\nprompt = "a\n', 2, None, "TOML syntax error"),
    ("unterminated", 'name = "x"\nprompt = """\nhi\n', 3, None, "end of the file"),
    ("wrong type", 'name = "x"\nprompt = "{topic} {answer}"\n[settings]\ntemperature = "hot"\n', 4,
     "settings.temperature", "expected a number, got a string ('hot')"),
    ("boolean is not a number", 'name = "x"\nprompt = "{answer}"\n[settings]\nseed = true\n', 4,
     "settings.seed", "expected a whole number"),
    ("out of range", 'name = "x"\nprompt = "{answer}"\n[settings]\ntop_p = 3\n', 4, "settings.top_p",
     "0.0 to 1.0"),
    ("zero timeout", 'name = "x"\nprompt = "{answer}"\n[settings]\nrequest_timeout = 0\n', 4,
     "settings.request_timeout", "expected a number of seconds greater than 0, got 0"),
    ("infinite timeout", 'name = "x"\nprompt = "{answer}"\n[settings]\nrequest_timeout = inf\n', 4,
     "settings.request_timeout", "expected a number of seconds greater than 0, got inf"),
    ("unknown setting", 'name = "x"\nprompt = "{answer}"\n[settings]\ntemprature = 1\n', 4,
     "settings.temprature", "did you mean 'temperature'"),
    ("missing prompt", 'name = "x"\ndescription = "d"\n', None, "prompt", "missing prompt"),
    ("empty prompt", 'name = "x"\nprompt = "   "\n', 2, "prompt", "empty"),
    ("prompt not a string", 'name = "x"\nprompt = 3\n', 2, "prompt", "expected a string"),
    ("missing name", 'prompt = "{answer}"\n', None, "name", "missing name"),
    ("bad name", 'name = "a b"\nprompt = "{answer}"\n', 1, "name", "letters, digits"),
    ("unknown key", 'name = "x"\nprompt = "{answer}"\npromt = "y"\n', 3, "promt", "did you mean 'prompt'"),
    ("misspelt table", 'name = "x"\nprompt = "{answer}"\n[setings]\ntemperature = 1\n', 3, "setings",
     "did you mean 'settings'"),
    ("unknown key in a role", 'name = "x"\nprompt = "{answer}"\n[quiz.asker]\ntemperature = 1\n', 4,
     "quiz.asker.temperature", "unknown key"),
    ("roles not a list", 'name = "x"\nroles = 3\nprompt = "{answer}"\n', 2, "roles", '"any" or a list'),
    ("settings not a table", 'name = "x"\nprompt = "{answer}"\nsettings = 3\n', 3, "settings",
     "expected a table"),
    ("placeholder syntax", 'name = "x"\nprompt = "{answer} {0}"\n', 2, "prompt", "not a placeholder"),
    ("unknown placeholder", 'name = "x"\nroles = ["asker"]\nprompt = """\n{answer}\n{topik}\n"""\n', 5,
     "prompt", "unknown placeholder {topik}; did you mean {topic}?"),
    ("withheld placeholder", 'name = "x"\nroles = ["answerer"]\nprompt = "{answer}"\n', 3, "prompt",
     "{answer} is not available to the answerer: the answerer must find it"),
    ("required placeholder", 'name = "x"\nroles = ["asker"]\nprompt = "{topic}"\n', 3, "prompt",
     "must use {answer}"),
    ("wrong role", 'name = "x"\nroles = ["askr"]\nprompt = "{answer}"\n', 2, "roles",
     "quiz has no role 'askr'; did you mean 'asker'?"),
    ("role section not played", 'name = "x"\nroles = ["asker"]\nprompt = "{answer}"\n[quiz.answerer]\n'
     'prompt = "{topic}"\n', 4, "quiz.answerer", "does not play the answerer"),
    ("role section at the top", 'name = "x"\nroles = ["asker"]\nprompt = "{answer}"\n[asker]\nprompt = "a"\n',
     4,
     "asker", "[quiz.asker]"),
    ("unknown game", 'name = "x"\nroles = ["asker"]\nprompt = "{answer}"\n[quiz2]\nprompt = "a"\n', 4,
     "quiz2",
     "did you mean 'quiz'"),
    ("unknown knob", 'name = "x"\nroles = ["asker"]\nprompt = "{answer}"\n[offline]\nbolder = true\n', 5,
     "offline.bolder", "did you mean 'bold'"),
    ("knob for another role", 'name = "x"\nprompt = "{answer}"\n[quiz.answerer]\nprompt = "{topic}"\n'
     '[quiz.answerer.offline]\nbold = true\n', 6, "quiz.answerer.offline.bold",
     "unknown knob for the answerer"),
    ("knob type", 'name = "x"\nroles = ["asker"]\nprompt = "{answer}"\n[offline]\nbold = "yes"\n', 5,
     "offline.bold", "expected true or false"),
    ("knob range", 'name = "x"\nroles = ["asker"]\nprompt = "{answer}"\n[offline]\npatience = 1.5\n', 5,
     "offline.patience", "from 0.0 to 1.0"),
    ("no prompt for a role", 'name = "x"\n[quiz.asker]\nprompt = "{answer}"\n', None, "prompt",
     "no prompt for the answerer"),
    ("empty file", "  \n\n", None, None, "the file is empty"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "text", "line", "key", "words"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_each_malformed_persona_gives_one_clear_problem(case, text, line, key, words) -> None:
    """Each mistake is one problem, naming the file, the line where known, the key, and what is wrong."""
    problem = one_problem(text)
    assert problem.file == "p.toml"
    assert problem.line == line
    assert problem.key == key
    assert words in problem.message
    assert "\n" not in str(problem)


def test_a_binary_file_is_one_problem() -> None:
    """A file with NUL bytes is reported as binary."""
    assert "binary" in one_problem(b"\x00\x01\x02name").message


def test_a_non_utf8_file_is_one_problem_with_its_line() -> None:
    """A byte that is not UTF-8 is reported with the line it is on."""
    problem = one_problem(b'name = "x"\nprompt = "caf\xe9"\n')
    assert problem.line == 2 and "not UTF-8" in problem.message


def test_an_absurdly_large_file_is_one_problem() -> None:
    """A file over the size limit is refused before it is parsed."""
    text = 'name = "x"\nprompt = """\n' + "a" * (MAX_BYTES + 10) + '\n"""\n'
    assert "too large" in one_problem(text).message


def test_every_problem_is_reported_not_only_the_first() -> None:
    """Several mistakes give several problems; PersonaError's message is the first plus a count."""
    text = 'name = "x"\nprompt = "{answer}"\npromt = 1\n[settings]\ntemperature = "hot"\n'
    assert len(problems_of(text)) == 2
    with pytest.raises(PersonaError) as caught:
        load(text)
    assert str(caught.value).startswith("p.toml:3: promt: unknown key")
    assert str(caught.value).endswith("(and 1 more)")
    assert (caught.value.file, caught.value.line, caught.value.key) == ("p.toml", 3, "promt")


def test_sections_of_other_known_games_are_accepted() -> None:
    """A section for another game the caller knows is not an unknown key."""
    persona = load(
        'name = "x"\nprompt = "{answer}"\n[quiz.answerer]\nprompt = "{topic}"\n[chess]\nprompt = "p"\n'
    )
    assert [p.key for p in persona.check(QUIZ)] == ["chess"]
    assert persona.check(QUIZ, known_games={"chess"}) == []


def test_require_refuses_a_role_the_persona_does_not_play() -> None:
    """A persona for the asker cannot play the answerer; the message names the roles it plays."""
    persona = load('name = "x"\nroles = ["asker"]\nprompt = "{answer}"\n')
    persona.require(QUIZ, "asker")
    with pytest.raises(PersonaError, match="does not play the answerer"):
        persona.require(QUIZ, "answerer")


# -- the search order ---------------------------------------------------------------------------------


def write(directory: Path, name: str, description: str = "", *, file_name: str | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{file_name or name}.toml"
    path.write_text(
        f'name = "{name}"\ndescription = "{description}"\nprompt = "{{topic}}"\n', encoding="utf-8"
    )
    return path


def test_a_persona_dir_beats_local_personas_which_beat_the_built_ins(tmp_path: Path) -> None:
    """--persona-dir first, then ./personas/, then the built-ins: the first file of a name wins."""
    extra, local = tmp_path / "extra", tmp_path / "personas"
    write(extra, "terse", "from extra")
    write(local, "terse", "from local")
    write(local, "pirate", "local pirate")
    library = PersonaLibrary([extra], local=local)
    assert library.find("terse").description == "from extra"
    assert library.find("pirate").description == "local pirate"
    assert library.find("poet").source == BUILT_IN
    assert PersonaLibrary([], local=local).find("terse").description == "from local"


def test_entries_show_where_each_persona_comes_from_and_what_it_hides(tmp_path: Path) -> None:
    """entries() lists every file in search order; a later file of a taken name is marked shadowed."""
    local = tmp_path / "personas"
    winner = write(local, "terse", "mine")
    (local / "broken.toml").write_text("name = ", encoding="utf-8")
    entries = PersonaLibrary([], local=local).entries()
    by_place = {(e.name, e.where): e for e in entries}
    assert by_place[("terse", str(winner))].shadowed_by is None
    assert by_place[("terse", BUILT_IN)].shadowed_by == str(winner)
    broken = by_place[("broken", str(local / "broken.toml"))]
    assert broken.persona is None and "TOML syntax error" in str(broken.error)


def test_a_path_is_read_as_a_file(tmp_path: Path) -> None:
    """A spec with a slash or ending in .toml is a file, whatever its name; its source is its path."""
    path = write(tmp_path / "any", "whoever", file_name="other")
    persona = PersonaLibrary([], local=None).find(str(path))
    assert persona.name == "whoever" and persona.source == str(path)
    with pytest.raises(PersonaNotFound, match="no such file"):
        PersonaLibrary([], local=None).find(str(tmp_path / "missing.toml"))


def test_an_unknown_name_suggests_a_close_one(tmp_path: Path) -> None:
    """A name found nowhere is PersonaNotFound, with a did-you-mean and the places looked in."""
    with pytest.raises(PersonaNotFound) as caught:
        PersonaLibrary([], local=tmp_path / "personas").find("pirat")
    assert "did you mean 'pirate'?" in str(caught.value)
    assert "built-in" in str(caught.value)


def test_a_persona_found_by_name_must_carry_that_name(tmp_path: Path) -> None:
    """personas/a.toml saying name = "b" is an error: the file name is how it is found."""
    write(tmp_path / "personas", "b", file_name="a")
    with pytest.raises(PersonaError, match="differs from the file name a.toml"):
        PersonaLibrary([], local=tmp_path / "personas").find("a")


# -- the built-ins ------------------------------------------------------------------------------------

BUILT_INS = builtin_personas()


def test_there_are_at_least_six_built_ins_with_descriptions() -> None:
    """Six or more built-in personas, each with a description."""
    assert len(BUILT_INS) >= 6
    assert all(persona.description for persona in BUILT_INS)
    assert {"default", "terse", "poet", "pirate", "literal", "lateral"} <= {p.name for p in BUILT_INS}


@pytest.mark.parametrize("persona", BUILT_INS, ids=[p.name for p in BUILT_INS])
def test_every_built_in_validates_and_renders_for_each_role_it_declares(persona: Persona) -> None:
    """Each built-in checks clean against every game and renders a full prompt for each role it plays."""
    known = castings()
    for casting in known.values():
        assert persona.check(casting, known_games=known) == []
        for role, spec in casting.roles.items():
            if persona.plays(role):
                text = persona.render(casting.game, role, spec.example, spec.starter)
                assert "{" not in text.replace("{{", "") and len(text) > 80


def test_built_ins_really_differ() -> None:
    """No two built-ins send the same prompt for a role, and their offline knobs are not all the same."""
    for casting in castings().values():
        for role, spec in casting.roles.items():
            prompts = [
                p.render(casting.game, role, spec.example, spec.starter) for p in BUILT_INS if p.plays(role)
            ]
            assert len(prompts) == len(set(prompts)), role
            if casting.game == "taboo":  # the built-ins' offline knobs are written for Taboo
                knobs = [tuple(sorted(p.knobs(casting, role).items())) for p in BUILT_INS if p.plays(role)]
                assert len(set(knobs)) >= 3, role


def test_every_persona_in_the_docs_is_valid() -> None:
    """Each TOML example in docs/personas.md loads and checks clean against every game."""
    docs = Path(__file__).resolve().parents[2] / "docs" / "personas.md"
    examples = re.findall(r"```toml\n(.*?)```", docs.read_text(encoding="utf-8"), re.S)
    assert len(examples) >= 2
    known = castings()
    for example in examples:
        persona = load(example, file="docs/personas.md")
        for casting in known.values():
            assert persona.check(casting, known_games=known) == []
