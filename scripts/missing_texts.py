"""List, per language, the bot's sentences missing or out of step with English.

    python scripts/missing_texts.py                 # what to translate (exit 1 if anything)
    python scripts/missing_texts.py --adopt BRANCH  # take English and Russian sentences a branch
                                                    # added or changed in the old bot/texts.py
    python scripts/missing_texts.py --format        # rewrite bot/locales/*.py in one layout

`--adopt` is for merging a branch made before the sentences moved into bot/locales/: it reads
the branch's `_EN` and `_RU` tables (bot/texts.py), compares them with the common ancestor
(`--base`, by default `git merge-base BRANCH HEAD`, or HEAD and MERGE_HEAD while a merge is in
progress and BRANCH is HEAD) and writes what the branch added or changed into en.py and ru.py.
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import texts  # noqa: E402
from bot.locales.audit import report  # noqa: E402

LOCALES = ROOT / "bot" / "locales"
WIDTH = 99
"""ruff's line length (pyproject.toml)."""


def literal(text: str) -> str:
    """A double-quoted Python string literal (JSON's escapes are a subset of Python's)."""
    return json.dumps(text, ensure_ascii=False)


def chunks(text: str, room: int) -> list[str]:
    """`text` cut after line breaks and spaces into pieces whose literals fit in `room`."""
    pieces: list[str] = []
    for line in text.splitlines(keepends=True):
        current = ""
        for word in line.split(" "):
            candidate = f"{current} {word}" if current else word
            if current and len(literal(candidate + " ")) > room:
                pieces.append(current + " ")
                current = word
            else:
                current = candidate
        pieces.append(current)
    merged: list[str] = []
    for piece in pieces:  # keep "\n\n" with its paragraph, as the hand-written tables do
        if merged and piece.strip() == "" and len(literal(merged[-1] + piece)) <= room:
            merged[-1] += piece
        else:
            merged.append(piece)
    return [piece for piece in merged if piece]


def entry(key: str, value: str) -> list[str]:
    one = f"    {literal(key)}: {literal(value)},"
    if len(one) <= WIDTH:
        return [one]
    lines = [f"        {literal(piece)}" for piece in chunks(value, WIDTH - 8)]
    return [f"    {literal(key)}: (", *lines, "    ),"]


def module_source(path: Path, table: dict[str, str]) -> str:
    """The locale module at `path` with its header kept and `table` as its TEXTS."""
    header = path.read_text(encoding="utf-8").split("TEXTS:", 1)[0]
    body = [line for key, value in table.items() for line in entry(key, value)]
    return header + "TEXTS: Final[dict[str, str]] = {\n" + "\n".join(body) + "\n}\n"


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def dict_literal(source: str, name: str) -> dict[str, str] | None:
    """The dictionary assigned to `name` in a module's source, read without running it."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets) and isinstance(
                node.value, ast.Dict
            ):
                value = ast.literal_eval(node.value)
                return {str(k): str(v) for k, v in value.items()}
    return None


def tables_at(ref: str) -> tuple[dict[str, str], dict[str, str]]:
    """English and Russian at a commit: the old `_EN`/`_RU` of bot/texts.py, or the locales."""
    old = git("show", f"{ref}:bot/texts.py")
    en, ru = dict_literal(old, "_EN"), dict_literal(old, "_RU")
    if en is not None and ru is not None:
        return en, ru
    en = dict_literal(git("show", f"{ref}:bot/locales/en.py"), "TEXTS")
    ru = dict_literal(git("show", f"{ref}:bot/locales/ru.py"), "TEXTS")
    if en is None or ru is None:
        raise SystemExit(f"{ref} holds neither _EN/_RU in bot/texts.py nor bot/locales/en.py")
    return en, ru


def default_base(ref: str) -> str:
    if git("rev-parse", ref) == git("rev-parse", "HEAD"):
        merging = ROOT / ".git"
        head = git("rev-parse", "-q", "--verify", "MERGE_HEAD").strip() if merging else ""
        if head:
            return git("merge-base", "HEAD", head).strip()
    return git("merge-base", ref, "HEAD").strip()


def adopt(ref: str, base: str | None) -> None:
    base = base or default_base(ref)
    theirs_en, theirs_ru = tables_at(ref)
    base_en, base_ru = tables_at(base)
    en, ru = dict(texts.LANGUAGES["en"]), dict(texts.LANGUAGES["ru"])
    added, changed = [], []
    for key, english in theirs_en.items():
        if base_en.get(key) == english and base_ru.get(key) == theirs_ru.get(key):
            continue
        (changed if key in base_en else added).append(key)
        en[key] = english
        if key in theirs_ru:
            ru[key] = theirs_ru[key]
    gone = sorted(base_en.keys() - theirs_en.keys())
    (LOCALES / "en.py").write_text(module_source(LOCALES / "en.py", en), encoding="utf-8")
    (LOCALES / "ru.py").write_text(module_source(LOCALES / "ru.py", ru), encoding="utf-8")
    print(f"from {ref} (base {base[:12]}): added {', '.join(added) or 'nothing'}")
    if changed:
        print(f"changed in English, check their other translations: {', '.join(changed)}")
    if gone:
        print(f"removed on {ref} (still in bot/locales/, remove by hand): {', '.join(gone)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--adopt", metavar="REF", help="take EN/RU sentences from this commit")
    parser.add_argument("--base", metavar="REF", help="the common ancestor for --adopt")
    parser.add_argument("--format", action="store_true", help="rewrite bot/locales/*.py")
    args = parser.parse_args()
    if args.adopt:
        adopt(args.adopt, args.base)
        return 0
    if args.format:
        for lang, table in texts.LANGUAGES.items():
            path = LOCALES / f"{lang}.py"
            path.write_text(module_source(path, table), encoding="utf-8")
        return 0
    forms = {lang: count for lang, (count, _) in texts.PLURALS.items()}
    found = report(texts.LANGUAGES["en"], texts.LANGUAGES, forms)
    print(found or "Every language has every English sentence.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
