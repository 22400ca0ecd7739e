"""Personas: the shipped set, PERSONAS_FILE in YAML and JSON, and errors naming file and line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from bot.personas import (
    CALLBACK_PREFIX,
    DEFAULT_PERSONAS,
    MAX_PROMPT,
    Persona,
    PersonasError,
    find,
    from_callback,
    load_personas,
)
from tests.support.properties import examples

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "personas.example.yaml"

CODER_FIRST = """\
# personas
- name: coder
  title: Coder
  prompt: Write code.
- name: poet
  title: Poet
  prompt: Write verse.
  temperature: {temperature}
"""


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path) -> PersonasError:
    with pytest.raises(PersonasError) as error:
        load_personas(path)
    message = str(error.value)
    assert message.startswith(f"PERSONAS_FILE {path}") and "\n" not in message
    assert "Traceback" not in message and "yaml." not in message
    return error.value


def as_dict(persona: Persona) -> dict[str, Any]:
    item: dict[str, Any] = {"name": persona.name, "title": persona.title, "prompt": persona.prompt}
    if persona.model is not None:
        item["model"] = persona.model
    if persona.temperature is not None:
        item["temperature"] = persona.temperature
    return item


def test_the_shipped_set_is_valid_and_fits_in_buttons() -> None:
    names = [p.name for p in DEFAULT_PERSONAS]
    assert names == ["assistant", "coder", "translator", "tutor", "editor"]
    for persona in DEFAULT_PERSONAS:
        assert len(persona.callback_data.encode()) <= 64
        assert from_callback(persona.callback_data) == persona.name
        assert 0 < len(persona.prompt) <= 600  # short: it is sent before every question


def test_the_example_file_is_the_shipped_set(tmp_path: Path) -> None:
    assert tuple(load_personas(EXAMPLE)) == DEFAULT_PERSONAS
    as_json = write(tmp_path, "p.json", json.dumps([as_dict(p) for p in DEFAULT_PERSONAS]))
    assert tuple(load_personas(as_json)) == DEFAULT_PERSONAS


def test_yaml_and_json_files_load_with_optional_fields(tmp_path: Path) -> None:
    path = write(tmp_path, "p.yml", CODER_FIRST.format(temperature=1.5) + "  model: qwen3:8b\n")
    coder, poet = load_personas(path)
    assert coder == Persona("coder", "Coder", "Write code.")
    assert poet == Persona("poet", "Poet", "Write verse.", model="qwen3:8b", temperature=1.5)
    path = write(tmp_path, "p.json", '\ufeff[{"name": "a", "title": "A", "prompt": "p", '
                 '"temperature": 0}]')  # fmt: skip
    assert load_personas(path) == [Persona("a", "A", "p", temperature=0.0)]


def test_a_yaml_syntax_error_names_the_line_the_parser_marks(tmp_path: Path) -> None:
    text = "- name: coder\n  title: Coder\n  prompt: [unclosed\n- name: x\n"
    error = refused(write(tmp_path, "p.yaml", text))
    assert error.reason == "syntax" and error.line == 4
    assert "is not valid YAML" in str(error)


def test_a_json_syntax_error_names_its_line(tmp_path: Path) -> None:
    text = '[\n  {"name": "a", "title": "A", "prompt": "p"},\n  {"name": "b",,}\n]'
    error = refused(write(tmp_path, "p.json", text))
    assert error.reason == "syntax" and error.line == 3 and "is not valid JSON" in str(error)


@pytest.mark.parametrize(
    ("temperature", "words"),
    [
        ("2.5", "temperature must be from 0 to 2, not 2.5"),
        ("-1", "temperature must be from 0 to 2, not -1"),
        ("true", "temperature must be a number from 0 to 2"),
        ("hot", "temperature must be a number from 0 to 2"),
        (".nan", "temperature must be from 0 to 2, not nan"),
    ],
)
def test_a_mistake_inside_an_item_names_the_line_where_the_item_starts(
    tmp_path: Path, temperature: str, words: str
) -> None:
    error = refused(write(tmp_path, "p.yaml", CODER_FIRST.format(temperature=temperature)))
    assert error.reason == "schema" and error.line == 5
    assert str(error) == f"PERSONAS_FILE {tmp_path / 'p.yaml'}, line 5: persona 2 (poet): {words}"


@pytest.mark.parametrize(
    ("item", "words"),
    [
        ({"name": "a b", "title": "T", "prompt": "p"}, "may hold only letters, digits, _ and -"),
        ({"name": "x" * 33, "title": "T", "prompt": "p"}, "(1 to 32 characters)"),
        ({"name": "ok", "title": "T", "prompt": "  "}, "prompt must not be empty"),
        ({"name": "ok", "title": "T", "prompt": "p" * (MAX_PROMPT + 1)}, "at most 4000"),
        ({"name": "ok", "title": "", "prompt": "p"}, "title must be 1 to 64 characters"),
        ({"name": "ok", "title": "T"}, "has no prompt"),
        ({"name": "ok", "title": "T", "prompt": "p", "temprature": 1}, "unknown field"),
        ({"name": "ok", "title": "T", "prompt": 5}, "prompt must be text, not a number"),
        ({"name": "ok", "title": "T", "prompt": "p", "model": " "}, "model must be a model"),
        ("coder", "must be a mapping with name, title, prompt, but it is a string"),
    ],
)
def test_every_schema_mistake_is_said_in_plain_words(
    tmp_path: Path, item: object, words: str
) -> None:
    good = {"name": "first", "title": "First", "prompt": "p"}
    path = write(tmp_path, "p.json", json.dumps([good, item], indent=2))
    error = refused(path)
    assert error.reason == "schema" and error.line == 7 and words in str(error), str(error)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (
            "",
            1,
            "must be a list of personas (each with name, title, prompt), but it holds nothing",
        ),
        ("name: coder\n", 1, "but it holds a mapping"),
        ("[]\n", 1, "lists no personas; remove PERSONAS_FILE to use the default set"),
        (
            "- {name: a, title: A, prompt: p}\n- {name: A, title: B, prompt: q}\n",
            2,
            "the name 'A' is used twice (first on line 1)",
        ),
        (
            "- name: a\n  title: A\n  prompt: p\n  prompt: q\n",
            4,
            "the field 'prompt' appears twice in one persona",
        ),
    ],
)
def test_file_level_mistakes_name_a_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    error = refused(write(tmp_path, "p.yaml", text))
    assert error.line == line and words in str(error), str(error)


def test_a_file_that_cannot_be_read_says_so(tmp_path: Path) -> None:
    missing = refused(tmp_path / "nope.yaml")
    assert missing.reason == "unreadable" and "cannot be read (No such file" in str(missing)
    binary = refused(write(tmp_path, "p.yaml", b"\xff\xfe- name"))
    assert binary.reason == "unreadable" and "not UTF-8" in str(binary)


def test_personas_are_found_by_name_or_button() -> None:
    assert find(DEFAULT_PERSONAS, " Coder ") == DEFAULT_PERSONAS[1]
    assert find(DEFAULT_PERSONAS, "poet") is None
    assert from_callback(f"{CALLBACK_PREFIX}tutor") == "tutor"
    assert from_callback("model:gpt-4o") is None
    assert from_callback(f"{CALLBACK_PREFIX}a b") is None
    assert from_callback(None) is None


NAMES = st.from_regex(r"[A-Za-z0-9_-]{1,32}", fullmatch=True)
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80).filter(
    lambda s: bool(s.strip()) and s == s.strip()
)
PERSONAS = st.lists(
    st.builds(
        Persona,
        name=NAMES,
        title=TEXT,
        prompt=TEXT,
        model=st.none() | st.from_regex(r"[a-z0-9.:/-]{1,20}", fullmatch=True),
        temperature=st.none() | st.floats(0, 2),
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda p: p.name.lower(),
)


@given(PERSONAS, st.data(), st.booleans())
@example(
    [Persona("a", "0", "0")], None, False
)  # a bare "0" title must stay text, not become a number
@examples(100)
def test_any_valid_list_loads_back_and_a_broken_item_is_found_by_its_line(
    tmp_path_factory: pytest.TempPathFactory,
    personas: list[Persona],
    data: st.DataObject | None,
    as_json: bool,
) -> None:
    directory = tmp_path_factory.mktemp("personas")
    items = [as_dict(p) for p in personas]
    if as_json:
        text = json.dumps(items, indent=2, ensure_ascii=False)
    else:
        text = yaml.safe_dump(items, allow_unicode=True, sort_keys=False)
    path = write(directory, "p.json" if as_json else "p.yaml", text)
    assert load_personas(path) == personas
    if data is None:
        return
    broken = data.draw(st.integers(0, len(items) - 1))
    items[broken]["temperature"] = 3
    if as_json:
        text = json.dumps(items, indent=2, ensure_ascii=False)
        line = 2 + sum(
            len(json.dumps(item, indent=2, ensure_ascii=False).splitlines())
            for item in items[:broken]
        )
    else:
        text = yaml.safe_dump(items, allow_unicode=True, sort_keys=False)
        starts = [n for n, row in enumerate(text.splitlines(), start=1) if row.startswith("- ")]
        line = starts[broken]
    error = refused(write(directory, path.name, text))
    assert error.line == line and f"persona {broken + 1} " in str(error)
