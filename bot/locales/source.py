"""The locale modules as source text: read a `TEXTS` table without running the module, and
write one back in the layout the modules keep (one line a sentence, or wrapped at ruff's 99
columns after spaces and line breaks). scripts/missing_texts.py uses these to merge and tidy."""

from __future__ import annotations

import ast
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

WIDTH = 99
"""ruff's line length (pyproject.toml)."""


def literal(text: str) -> str:
    """A double-quoted Python string literal (JSON's escapes are a subset of Python's)."""
    return json.dumps(text, ensure_ascii=False)


def width(text: str) -> int:
    """Columns as ruff counts them (E501 and the formatter): wide characters (📎, 中) take
    two, combining marks and variation selectors (the one in ⚠️) none."""
    total = 0
    for char in text:
        if unicodedata.east_asian_width(char) in "WF":
            total += 2
        elif unicodedata.category(char) not in ("Mn", "Me"):
            total += 1
    return total


def chunks(text: str, room: int) -> list[str]:
    """`text` cut after line breaks and spaces into pieces whose literals fit in `room`."""
    pieces: list[str] = []
    for line in text.splitlines(keepends=True):
        current = ""
        words = line.split(" ")
        for number, word in enumerate(words):
            candidate = f"{current} {word}" if current else word
            more = " " if number < len(words) - 1 else ""
            if current and width(literal(candidate + more)) > room:
                pieces.append(current + " ")
                current = word
            else:
                current = candidate
        pieces.append(current)
    merged: list[str] = []
    for piece in pieces:  # a blank line stays with the paragraph it ends
        if merged and not piece.strip() and width(literal(merged[-1] + piece)) <= room:
            merged[-1] += piece
        else:
            merged.append(piece)
    return [piece for piece in merged if piece]


def entry(key: str, value: str) -> list[str]:
    """One `"key": "sentence",` of a TEXTS table, wrapped in parentheses when too long."""
    one = f"    {literal(key)}: {literal(value)},"
    if width(one) <= WIDTH:
        return [one]
    lines = [f"        {literal(piece)}" for piece in chunks(value, WIDTH - 8)]
    return [f"    {literal(key)}: (", *lines, "    ),"]


def module_source(current: str, table: Mapping[str, str]) -> str:
    """A locale module's source with its header (docstring, imports) kept from `current` and
    `table` as its TEXTS."""
    header = current.split("TEXTS:", 1)[0]
    body = [line for key, value in table.items() for line in entry(key, value)]
    return header + "TEXTS: Final[dict[str, str]] = {\n" + "\n".join(body) + "\n}\n"


def dict_literal(source: str, name: str) -> dict[str, str] | None:
    """The dictionary literal assigned to `name` in a module's source, or None."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            named = any(isinstance(t, ast.Name) and t.id == name for t in targets)
            if named and isinstance(node.value, ast.Dict):
                value = ast.literal_eval(node.value)
                return {str(k): str(v) for k, v in value.items()}
    return None


@dataclass(frozen=True, slots=True)
class Adoption:
    """English and Russian after taking a branch's new sentences, and what changed."""

    en: dict[str, str]
    ru: dict[str, str]
    added: list[str]
    changed: list[str]  # English reworded on the branch: the other languages need a look
    gone: list[str]  # removed on the branch; left in place, for a person to decide


def adopt(
    base: tuple[Mapping[str, str], Mapping[str, str]],
    theirs: tuple[Mapping[str, str], Mapping[str, str]],
    ours: tuple[Mapping[str, str], Mapping[str, str]],
    *,
    new_only: bool = False,
) -> Adoption:
    """A three-way merge of (English, Russian) tables: what `theirs` added or changed since
    `base` goes into `ours`; what only `ours` changed (a plural, a fix) stays. `added` and
    `changed` are counted against `ours`, so adopting a branch again reports only what moved
    since. `new_only` leaves sentences the branch reworded alone (their new wording may
    describe code this tree does not have yet)."""
    (base_en, base_ru), (theirs_en, theirs_ru) = base, theirs
    en, ru = dict(ours[0]), dict(ours[1])
    added: list[str] = []
    changed: list[str] = []
    for key, english in theirs_en.items():
        new = key not in base_en
        if new_only and not new:
            continue
        if (new or base_en[key] != english) and en.get(key) != english:
            (changed if key in en else added).append(key)
            en[key] = english
        if key in theirs_ru and (new or base_ru.get(key) != theirs_ru[key]):
            ru[key] = theirs_ru[key]
    gone = sorted(base_en.keys() - theirs_en.keys())
    return Adoption(en, ru, added, changed, gone)
