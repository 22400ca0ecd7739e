"""Personas for /mode: a named system prompt, and optionally a model and a temperature.

A small default set ships with the bot (`DEFAULT_PERSONAS`); PERSONAS_FILE replaces it with
the operator's own list, YAML or JSON (`deploy/personas.example.yaml` shows the format). A
file that cannot be used is refused at start with one error naming the file and the line:
the YAML parser's own mark for a syntax error, `JSONDecodeError.lineno` for JSON, and the line
where the item starts for a mistake inside an item.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

CALLBACK_PREFIX = "mode:"
"""Inline keyboard buttons carry `mode:<name>` as callback data (Telegram: 1-64 bytes)."""
NAME_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,32}")
"""Letters, digits, `_` and `-`: usable as `/mode <name>` and in callback data."""
MAX_TITLE = 64
"""Characters of a title: it is a button's text."""
MAX_PROMPT = 4000
"""Characters of a prompt: it is sent before every question, so it costs tokens each time."""
MAX_MODEL = 200
FIELDS = ("name", "title", "prompt", "model", "temperature")
REQUIRED = ("name", "title", "prompt")


@dataclass(frozen=True, slots=True)
class Persona:
    """What /mode offers: `prompt` becomes the chat's system message; `model` and
    `temperature`, when set, are used instead of MODEL and TEMPERATURE."""

    name: str
    title: str
    prompt: str
    model: str | None = None
    temperature: float | None = None

    @property
    def callback_data(self) -> str:
        return f"{CALLBACK_PREFIX}{self.name}"


DEFAULT_PERSONAS: tuple[Persona, ...] = (
    Persona(
        "assistant",
        "🤖 Assistant",
        "You are a helpful, knowledgeable assistant. Answer clearly and accurately, briefly "
        "unless the user asks for detail. If a question is ambiguous, ask one short "
        "clarifying question; if you are not sure of something, say so. Reply in the user's "
        "language.",
    ),
    Persona(
        "coder",
        "💻 Coder",
        "You are an experienced software engineer. Give correct, idiomatic, working code in "
        "fenced code blocks that name the language, then a short explanation of the key "
        "points. Point out bugs, edge cases and security problems you notice. Prefer the "
        "standard library and well-known tools; ask about versions only when it matters. "
        "Reply in the user's language.",
        temperature=0.2,
    ),
    Persona(
        "translator",
        "🌍 Translator",
        "You are a professional translator. Translate the user's text faithfully, keeping "
        "its meaning, tone and formatting, and reply with the translation only. Translate "
        "into the language the user names; if they name none, translate into English, or "
        "English text into the language of their earlier messages. Ask only if the target "
        "language is truly unclear.",
        temperature=0.3,
    ),
    Persona(
        "tutor",
        "🎓 Tutor",
        "You are a patient tutor. Help the user understand, not just get an answer: explain "
        "step by step in plain words, give a small example, and end with one short question "
        "that checks understanding. For exercises, give hints before the full solution. "
        "Reply in the user's language.",
    ),
    Persona(
        "editor",
        "✍️ Editor",
        "You are a careful editor. Improve the user's text for clarity, grammar, spelling "
        "and flow, keeping their meaning, voice and language; add nothing new. Reply with the "
        "edited text first, then a short list of the main changes.",
        temperature=0.3,
    ),
)


class PersonasError(Exception):
    """PERSONAS_FILE cannot be used. The message is one sentence naming the file and, where
    known, the line; `reason` is `unreadable`, `syntax` or `schema`."""

    def __init__(self, path: Path | str, problem: str, *, line: int | None, reason: str) -> None:
        where = f"{path}, line {line}" if line is not None else f"{path}"
        super().__init__(f"PERSONAS_FILE {where}: {problem}")
        self.path = str(path)
        self.line = line
        self.problem = problem
        self.reason = reason


def load_personas(path: Path | str) -> list[Persona]:
    """The personas listed in `path`: JSON if it ends in `.json`, YAML otherwise (a list of
    mappings with `name`, `title`, `prompt`, optional `model` and `temperature`).

    Raises PersonasError naming the file and the line.
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise PersonasError(path, "is not UTF-8 text", line=None, reason="unreadable") from None
    except OSError as exc:
        problem = f"cannot be read ({exc.strerror or exc})"
        raise PersonasError(path, problem, line=None, reason="unreadable") from None
    return parse_personas(text, path, json_format=str(path).lower().endswith(".json"))


def parse_personas(text: str, source: Path | str, *, json_format: bool) -> list[Persona]:
    """`load_personas` for text already read; `source` names it in errors."""
    data, lines = _read_json(text, source) if json_format else _read_yaml(text, source)
    if not isinstance(data, list):
        kind = "nothing" if data is None else f"a {_kind(data)}"
        problem = (
            f"must be a list of personas (each with {', '.join(REQUIRED)}), but it holds {kind}"
        )
        raise PersonasError(source, problem, line=lines[0] if lines else 1, reason="schema")
    if not data:
        problem = "lists no personas; remove PERSONAS_FILE to use the default set"
        raise PersonasError(source, problem, line=1, reason="schema")
    personas: list[Persona] = []
    seen: dict[str, int] = {}
    for position, (item, line) in enumerate(zip(data, lines[1:], strict=True), start=1):
        try:
            persona = _persona(item, position)
        except ValueError as exc:
            raise PersonasError(source, str(exc), line=line, reason="schema") from None
        first = seen.get(persona.name.lower())
        if first is not None:
            problem = f"the name {persona.name!r} is used twice (first on line {first})"
            raise PersonasError(source, problem, line=line, reason="schema")
        seen[persona.name.lower()] = line
        personas.append(persona)
    return personas


def find(personas: Iterable[Persona], name: str) -> Persona | None:
    """The persona called `name` (case does not matter), or None."""
    wanted = name.strip().lower()
    return next((p for p in personas if p.name.lower() == wanted), None)


def from_callback(data: str | None) -> str | None:
    """The persona name a `mode:<name>` button carries, or None for any other button."""
    if not data or not data.startswith(CALLBACK_PREFIX):
        return None
    name = data.removeprefix(CALLBACK_PREFIX)
    return name if NAME_SHAPE.fullmatch(name) else None


def _kind(value: object) -> str:
    if isinstance(value, Mapping):
        return "mapping"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "true/false value"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "list"
    return type(value).__name__


def _persona(item: object, position: int) -> Persona:
    """One item checked field by field; ValueError says what is wrong in plain words."""
    if not isinstance(item, Mapping):
        raise ValueError(
            f"persona {position} must be a mapping with {', '.join(REQUIRED)}, "
            f"but it is a {_kind(item)}"
        )
    label = f"persona {position}"
    if isinstance(item.get("name"), str):
        label += f" ({item['name']})"
    unknown = [str(key) for key in item if key not in FIELDS]
    if unknown:
        raise ValueError(
            f"{label} has an unknown field {unknown[0]!r}; the fields are {', '.join(FIELDS)}"
        )
    missing = [key for key in REQUIRED if item.get(key) is None]
    if missing:
        raise ValueError(f"{label} has no {missing[0]}")
    for key in ("name", "title", "prompt", "model"):
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{label}: {key} must be text, not a {_kind(value)}")
    name, title, prompt = (str(item[key]).strip() for key in REQUIRED)
    if not NAME_SHAPE.fullmatch(name):
        raise ValueError(
            f"{label}: name {name!r} may hold only letters, digits, _ and - "
            "(1 to 32 characters), as it is typed after /mode and carried by a button"
        )
    if not title or len(title) > MAX_TITLE:
        raise ValueError(f"{label}: title must be 1 to {MAX_TITLE} characters")
    if not prompt:
        raise ValueError(f"{label}: prompt must not be empty")
    if len(prompt) > MAX_PROMPT:
        raise ValueError(
            f"{label}: prompt has {len(prompt)} characters; at most {MAX_PROMPT} are allowed"
        )
    model = item.get("model")
    if model is not None and not (0 < len(model.strip()) <= MAX_MODEL):
        raise ValueError(f"{label}: model must be a model name, or left out for MODEL")
    return Persona(
        name,
        title,
        prompt,
        model=model.strip() if model is not None else None,
        temperature=_temperature(item.get("temperature"), label),
    )


def _temperature(value: object, label: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{label}: temperature must be a number from 0 to 2")
    if not (math.isfinite(value) and 0 <= value <= 2):
        raise ValueError(f"{label}: temperature must be from 0 to 2, not {value:g}")
    return float(value)


def _read_yaml(text: str, source: Path | str) -> tuple[object, list[int]]:
    """The document, and the lines (1-based) where it and each of its items start."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        lines = [node.start_mark.line + 1]
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                lines.append(item.start_mark.line + 1)
                _no_repeated_keys(item, source)
        return loader.construct_document(node), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(str(exc.problem or exc.context or "is not valid YAML").split())
        line = mark.line + 1 if mark is not None else None
        raise PersonasError(
            source, f"is not valid YAML: {problem}", line=line, reason="syntax"
        ) from None
    except yaml.YAMLError as exc:
        problem = f"is not valid YAML: {' '.join(str(exc).split())}"
        raise PersonasError(source, problem, line=None, reason="syntax") from None
    finally:
        loader.dispose()


def _no_repeated_keys(node: yaml.Node, source: Path | str) -> None:
    """YAML keeps the last of two equal keys without a word; a typo'd copy would go unseen."""
    if not isinstance(node, yaml.MappingNode):
        return
    seen: set[object] = set()
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode):
            if key.value in seen:
                problem = f"the field {key.value!r} appears twice in one persona"
                raise PersonasError(source, problem, line=key.start_mark.line + 1, reason="schema")
            seen.add(key.value)


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _read_json(text: str, source: Path | str) -> tuple[object, list[int]]:
    """As `_read_yaml`; the json module keeps no positions, so the list is walked again with
    `raw_decode` to find where each item starts."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = f"is not valid JSON: {exc.msg}"
        raise PersonasError(source, problem, line=exc.lineno, reason="syntax") from None
    start = _skip(text, 0)
    lines = [_line(text, start)]
    if isinstance(data, list):
        decoder = json.JSONDecoder()
        position = start + 1  # past "["
        for _ in data:
            position = _skip(text, position)
            lines.append(_line(text, position))
            _, position = decoder.raw_decode(text, position)
            position = _skip(text, position)
            if text.startswith(",", position):
                position += 1
    return data, lines


def _skip(text: str, position: int) -> int:
    match = _JSON_SPACE.match(text, position)
    return match.end() if match else position


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def describe(personas: Sequence[Persona]) -> str:
    """One line for the start-up log: which personas, by name."""
    return f"personas: {', '.join(p.name for p in personas)}"
