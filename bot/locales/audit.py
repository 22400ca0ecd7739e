"""What a language lacks compared with English: missing keys, and sentences out of step with
the reference (other placeholders, other commands, a lost leading emoji or line break).

tests/unit/test_texts.py fails with this list, and scripts/missing_texts.py prints it, so that
whoever adds an English sentence sees at once what to translate.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping

COMMAND = re.compile(r"(?<![\w/])/[a-z][a-z_]*")
"""A bot command mentioned in a sentence (`/help`); `и/или` and `20/s` are not commands."""


def fields(sentence: str) -> set[str]:
    """The placeholder names of a sentence: `{n} {n:file|files} {name}` -> {"n", "name"}."""
    return {name for _, name, _, _ in string.Formatter().parse(sentence) if name}


def plural_choices(sentence: str) -> list[list[str]]:
    """The noun forms of each plural choice (`{n:file|files}` -> ["file", "files"])."""
    return [
        spec.split("|")
        for _, name, spec, _ in string.Formatter().parse(sentence)
        if name and spec and "|" in spec
    ]


def lead(sentence: str) -> str | None:
    """The emoji a note starts with (`⚠️`, `ℹ️`, `💭`), which every language keeps; None when
    the sentence starts with a word or a placeholder."""
    first = sentence.split(" ", 1)[0]
    if not first or first.startswith("{") or re.search(r"[A-Za-z0-9]", first):
        return None
    return first


def sentence_problems(reference: str, sentence: str, forms: int) -> list[str]:
    """How one translated sentence differs from the English one in what must not change."""
    found = []
    if not sentence.strip():
        found.append("empty")
    if fields(sentence) != fields(reference):
        want, have = sorted(fields(reference)), sorted(fields(sentence))
        found.append(f"placeholders {have} instead of {want}")
    for choice in plural_choices(sentence):
        if len(choice) != forms:
            found.append(f"plural choice {'|'.join(choice)} needs {forms} forms")
    if sorted(set(COMMAND.findall(sentence))) != sorted(set(COMMAND.findall(reference))):
        missing = set(COMMAND.findall(reference)) - set(COMMAND.findall(sentence))
        extra = set(COMMAND.findall(sentence)) - set(COMMAND.findall(reference))
        found.append(
            "commands differ"
            + (f", lacks {' '.join(sorted(missing))}" if missing else "")
            + (f", has {' '.join(sorted(extra))}" if extra else "")
        )
    if lead(reference) is not None and not sentence.startswith(f"{lead(reference)} "):
        found.append(f"does not start with {lead(reference)}")
    breaks, english_breaks = sentence.count("\n"), reference.count("\n")
    if breaks != english_breaks:
        found.append(f"{breaks} line breaks, English has {english_breaks}")
    return found


def problems(
    reference: Mapping[str, str], table: Mapping[str, str], forms: int
) -> dict[str, list[str]]:
    """Key -> what is wrong with it in `table`, compared with the English `reference`
    (`forms`: how many noun forms a plural choice lists in this language)."""
    found: dict[str, list[str]] = {}
    for key, english in reference.items():
        if key not in table:
            found[key] = ["missing"]
        elif issues := sentence_problems(english, table[key], forms):
            found[key] = issues
    for key in table.keys() - reference.keys():
        found[key] = ["not in English (a key renamed or removed?)"]
    return found


def report(
    reference: Mapping[str, str],
    languages: Mapping[str, Mapping[str, str]],
    forms: Mapping[str, int],
) -> str:
    """Every language's problems, one line a key, or the empty string when all is well."""
    lines = []
    for lang, table in languages.items():
        found = problems(reference, table, forms[lang])
        if not found:
            continue
        missing = sorted(key for key, issues in found.items() if issues == ["missing"])
        lines.append(f"{lang}: {len(found)} to translate")
        if missing:
            lines.append(f"  missing: {', '.join(missing)}")
        for key in sorted(found.keys() - set(missing)):
            lines.append(f"  {key}: {'; '.join(found[key])}")
    return "\n".join(lines)
