"""Every sentence the bot writes itself, in the user's language.

The sentences are data: bot/locales/ holds one module per language, each a `TEXTS` dictionary
from a key to a sentence. English (bot/locales/en.py) is the reference; a key missing in another
language is said in English. The language is the user's Telegram `language_code` (`pt-br` and
`en-US` count as `pt` and `en`), English when the bot does not speak it; LANGUAGE forces one for
everyone (`forced_language`, set per update by handlers/language.py).

How to add a sentence:
1. Add `"key": "English sentence with {placeholders}."` to bot/locales/en.py and its Russian to
   bot/locales/ru.py, then call `texts.t(lang, "key", placeholders=...)`.
2. `python scripts/missing_texts.py` lists, per language, the keys missing or out of step with
   English (tests/unit/test_texts.py fails with the same list); translate them in each module.
   `python scripts/missing_texts.py --adopt REF` copies English and Russian sentences added or
   changed on a branch that still kept them in this file (the old `_EN`/`_RU` tables) into
   bot/locales/en.py and ru.py, so such a branch merges mechanically.
3. Counted nouns: write the number, then the noun as a plural choice on the same placeholder,
   `{count} {count:file|files}`: the forms are the language's, in the order PLURALS gives
   (Russian `{count} {count:файл|файла|файлов}`); Turkish and Indonesian do not inflect a noun
   after a number and write the word alone (`{count} dosya`).

A new language: one module in bot/locales/ (copy en.py), listed in LANGUAGES and PLURALS.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Final

from bot.locales import de, en, es, fr, it, pt, ru, tr, uk
from bot.locales import id as id_

DEFAULT_LANGUAGE: Final = "en"

LANGUAGES: Final[dict[str, dict[str, str]]] = {
    "en": en.TEXTS,
    "ru": ru.TEXTS,
    "uk": uk.TEXTS,
    "es": es.TEXTS,
    "pt": pt.TEXTS,
    "de": de.TEXTS,
    "fr": fr.TEXTS,
    "it": it.TEXTS,
    "tr": tr.TEXTS,
    "id": id_.TEXTS,
}
"""Language code (ISO 639-1, as Telegram's setMyCommands wants it) -> its sentences."""

ALIASES: Final[dict[str, str]] = {"in": "id", "ua": "uk"}
"""Codes some clients send for a language we speak: Java's old `in` for Indonesian, and `ua`
(Ukraine's country code) written for Ukrainian."""

_EN: Final = LANGUAGES[DEFAULT_LANGUAGE]


def _one_other(n: float) -> int:
    return 0 if n == 1 else 1


def _zero_one_other(n: float) -> int:
    """French and Brazilian Portuguese: 0 and 1 (and 1.5) take the singular."""
    return 0 if 0 <= n < 2 else 1


def _east_slavic(n: float) -> int:
    """Russian and Ukrainian: 1, 21 файл; 2-4, 22 файла; 5-20, 25 файлов; fractions as 2-4."""
    if n != int(n):
        return 1
    i = abs(int(n))
    if i % 10 == 1 and i % 100 != 11:
        return 0
    if 2 <= i % 10 <= 4 and not 12 <= i % 100 <= 14:
        return 1
    return 2


def _no_plural(n: float) -> int:
    return 0


PLURALS: Final[dict[str, tuple[int, Callable[[float], int]]]] = {
    "en": (2, _one_other),  # file|files
    "ru": (3, _east_slavic),  # файл|файла|файлов
    "uk": (3, _east_slavic),  # файл|файли|файлів
    "es": (2, _one_other),
    "pt": (2, _zero_one_other),
    "de": (2, _one_other),
    "fr": (2, _zero_one_other),
    "it": (2, _one_other),
    "tr": (1, _no_plural),
    "id": (1, _no_plural),
}
"""Per language: how many forms a plural choice `{n:a|b}` lists, and which one a number takes
(CLDR's cardinal rules, the integer cases; Spanish and French "many" for millions aside)."""

_FORCED: ContextVar[str | None] = ContextVar("forced_language", default=None)


@contextlib.contextmanager
def forced_language(lang: str | None) -> Iterator[None]:
    """Within this block `pick_language` answers `lang` (LANGUAGE) whatever the user's code;
    aiogram's own i18n middleware carries the locale in a context variable the same way."""
    token = _FORCED.set(lang)
    try:
        yield
    finally:
        _FORCED.reset(token)


def normalise(code: str | None) -> str | None:
    """`pt-BR`, `en_US`, `DE` -> `pt`, `en`, `de`; None for a language the bot does not speak."""
    base = (code or "").strip().replace("_", "-").split("-")[0].lower()
    base = ALIASES.get(base, base)
    return base if base in LANGUAGES else None


def pick_language(code: str | None) -> str:
    """Telegram sends IETF tags such as `ru` or `en-US`; unknown languages get English."""
    return _FORCED.get() or normalise(code) or DEFAULT_LANGUAGE


_DIGIT_GROUPS = str.maketrans("", "", ", \u00a0\u202f'")
"""What may separate thousands in a number written out before it reaches a sentence."""


def _number(value: object) -> float | None:
    """The number a value shows: 3, 2.5, or a string such as "1,234" a caller formatted."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    try:
        return float(str(value).translate(_DIGIT_GROUPS))
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class _Count:
    """A value put into a sentence: `{n}` shows it as it is (`{n:,}` as format() would), and
    `{n:file|files}` picks the noun form its number takes in the language, also when the
    caller passed the number already written out ("1,234"); a value that is no number takes
    the last form."""

    value: object
    lang: str

    def __format__(self, spec: str) -> str:
        if "|" not in spec:
            return format(self.value, spec)
        forms = spec.split("|")
        number = _number(self.value)
        if number is None:
            return forms[-1]
        _, rule = PLURALS.get(self.lang, PLURALS[DEFAULT_LANGUAGE])
        return forms[min(rule(number), len(forms) - 1)]


def t(lang: str, key: str, **values: object) -> str:
    """The sentence `key` in `lang` (English when missing), with `values` filled in."""
    table = LANGUAGES.get(lang, _EN)
    if lang not in LANGUAGES or key not in table:
        lang = DEFAULT_LANGUAGE
    filled = {
        name: _Count(value, lang) if isinstance(value, int | float | str) else value
        for name, value in values.items()
    }
    return table.get(key, _EN[key]).format(**filled)


def reason(lang: str, kind: str) -> str:
    """A backend error kind (`BackendError.reason`) in words."""
    key = f"reason_{kind}"
    return t(lang, key if key in _EN else "reason_failed")
