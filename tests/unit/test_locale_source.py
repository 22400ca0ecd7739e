"""The locale modules as source: read back exactly, rewritten in the same layout, and a
branch's new English and Russian sentences merged into them three ways."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import texts
from bot.locales import source

LOCALES = Path(source.__file__).resolve().parent


@pytest.mark.parametrize("lang", list(texts.LANGUAGES))
def test_every_locale_module_is_in_the_layout_the_tools_write(lang: str) -> None:
    text = (LOCALES / f"{lang}.py").read_text(encoding="utf-8")
    table = source.dict_literal(text, "TEXTS")
    assert table == texts.LANGUAGES[lang]
    assert table is not None and source.module_source(text, table) == text


def test_a_long_sentence_is_wrapped_within_ruffs_width_and_reads_back_the_same() -> None:
    sentence = "Word " * 60 + '\n\nNext paragraph with a "quote" and a \\ backslash.'
    header = '"""X."""\n\nfrom typing import Final\n\nTEXTS: Final[dict[str, str]] = {}\n'
    written = source.module_source(header, {"long": sentence, "short": "Hi, {name}!"})
    assert all(source.width(line) <= source.WIDTH for line in written.splitlines())
    assert '        "Word Word' in written and '    "short": "Hi, {name}!",' in written
    assert source.dict_literal(written, "TEXTS") == {"long": sentence, "short": "Hi, {name}!"}


def test_widths_are_counted_as_ruff_counts_them() -> None:
    # ruff (unicode-width): 📎 and 中 are two columns, the variation selector of ⚠️ none
    assert source.width("⚠️ 📎 中 a") == 1 + 1 + 2 + 1 + 2 + 1 + 1


def test_the_old_tables_of_texts_py_are_read_without_running_it() -> None:
    old = (
        'from typing import Final\n_EN: Final[dict[str, str]] = {\n    "a": (\n'
        '        "one "\n        "two"\n    ),\n}\n_RU = {"a": "раз два"}\nraise SystemExit\n'
    )
    assert source.dict_literal(old, "_EN") == {"a": "one two"}
    assert source.dict_literal(old, "_RU") == {"a": "раз два"}
    assert source.dict_literal(old, "_DE") is None


def test_adopting_takes_the_branchs_new_and_changed_sentences_and_keeps_ours() -> None:
    base = ({"a": "A", "b": "B", "c": "C"}, {"a": "А", "b": "Б", "c": "Ц"})
    theirs = ({"a": "A", "b": "B2", "n": "New {x}"}, {"a": "А", "b": "Б", "n": "Новое {x}"})
    ours = (
        {"a": "A", "b": "B", "c": "C", "p": "{n} {n:file|files}"},
        {"a": "А!", "b": "Б", "c": "Ц", "p": "{n} {n:файл|файла|файлов}"},
    )
    done = source.adopt(base, theirs, ours)
    assert done.added == ["n"] and done.changed == ["b"] and done.gone == ["c"]
    assert done.en == {"a": "A", "b": "B2", "c": "C", "p": "{n} {n:file|files}", "n": "New {x}"}
    assert done.ru["a"] == "А!"  # our own change stays: the branch did not touch it
    assert done.ru["b"] == "Б" and done.ru["n"] == "Новое {x}"
    again = source.adopt(base, theirs, (done.en, done.ru))
    assert again.added == again.changed == [] and again.en == done.en
    fresh = source.adopt(base, theirs, ours, new_only=True)
    assert fresh.added == ["n"] and fresh.changed == [] and fresh.en["b"] == "B"
