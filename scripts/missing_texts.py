"""List, per language, the bot's sentences missing or out of step with English.

    python scripts/missing_texts.py               # what to translate (exit status 1 if any)
    python scripts/missing_texts.py --adopt REF   # take the English and Russian sentences REF
                                                  # added or changed in the old bot/texts.py
    python scripts/missing_texts.py --format      # rewrite bot/locales/*.py in one layout
    python scripts/missing_texts.py --adopt REF --new-only   # only the keys REF added

`--adopt` merges a branch made while the sentences were still the `_EN` and `_RU` tables of
bot/texts.py: keep this tree's bot/texts.py, then run it with the branch. It compares REF's
tables with the common ancestor (`--base`; by default `git merge-base REF HEAD`, or of HEAD
and MERGE_HEAD when REF is HEAD itself, for merging the locales branch into one holding
the new sentences) and writes what REF added or changed into bot/locales/en.py and ru.py.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import texts  # noqa: E402
from bot.locales.audit import report  # noqa: E402
from bot.locales.source import adopt as merge_tables  # noqa: E402
from bot.locales.source import dict_literal, module_source  # noqa: E402

LOCALES = ROOT / "bot" / "locales"


def git(*args: str, check: bool = True) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, check=False, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise SystemExit(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


def tables_at(ref: str) -> tuple[dict[str, str], dict[str, str]]:
    """English and Russian at a commit: the old `_EN`/`_RU` of bot/texts.py, or the locales."""
    old = git("show", f"{ref}:bot/texts.py")
    en, ru = dict_literal(old, "_EN"), dict_literal(old, "_RU")
    if en is None or ru is None:
        en = dict_literal(git("show", f"{ref}:bot/locales/en.py", check=False), "TEXTS")
        ru = dict_literal(git("show", f"{ref}:bot/locales/ru.py", check=False), "TEXTS")
    if en is None or ru is None:
        raise SystemExit(f"{ref} holds neither _EN/_RU in bot/texts.py nor bot/locales/en.py")
    return en, ru


def default_base(ref: str) -> str:
    merging = git("rev-parse", "-q", "--verify", "MERGE_HEAD", check=False)
    if merging and git("rev-parse", ref) == git("rev-parse", "HEAD"):
        return git("merge-base", "HEAD", merging)
    return git("merge-base", ref, "HEAD")


def save(lang: str, table: dict[str, str]) -> None:
    path = LOCALES / f"{lang}.py"
    path.write_text(module_source(path.read_text(encoding="utf-8"), table), encoding="utf-8")


def adopt(ref: str, base: str | None, new_only: bool) -> None:
    base = base or default_base(ref)
    ours = (texts.LANGUAGES["en"], texts.LANGUAGES["ru"])
    done = merge_tables(tables_at(base), tables_at(ref), ours, new_only=new_only)
    save("en", done.en)
    save("ru", done.ru)
    print(f"from {ref} (base {base[:12]}): added {', '.join(done.added) or 'nothing'}")
    if done.changed:
        print(f"changed in English, check their translations: {', '.join(done.changed)}")
    if done.gone:
        print(f"removed on {ref}, still in bot/locales/ (remove by hand): {', '.join(done.gone)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--adopt", metavar="REF", help="take EN/RU sentences from this commit")
    parser.add_argument("--base", metavar="REF", help="the common ancestor for --adopt")
    parser.add_argument(
        "--new-only", action="store_true", help="with --adopt: only keys the branch added"
    )
    parser.add_argument("--format", action="store_true", help="rewrite bot/locales/*.py")
    args = parser.parse_args()
    if args.adopt:
        adopt(args.adopt, args.base, args.new_only)
        return 0
    if args.format:
        for lang, table in texts.LANGUAGES.items():
            save(lang, table)
        return 0
    forms = {lang: count for lang, (count, _) in texts.PLURALS.items()}
    found = report(texts.LANGUAGES["en"], texts.LANGUAGES, forms)
    print(found or "Every language has every English sentence.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
