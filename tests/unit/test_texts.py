"""The bot's sentences in every language: complete, in step with English, within Telegram's
limits, with plurals that agree with the number, and the language picked as the user expects."""

from __future__ import annotations

import re

import pytest

from bot import texts
from bot.app import COMMANDS
from bot.config import Settings, SettingsError, load_settings
from bot.locales import audit

FORMS = {lang: count for lang, (count, _) in texts.PLURALS.items()}
TEN = ("en", "ru", "uk", "es", "pt", "de", "fr", "it", "tr", "id")
MESSAGE_LIMIT = 4096
"""Telegram's longest message text, in UTF-16 code units."""


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_the_ten_languages_are_spoken() -> None:
    assert set(TEN) <= set(texts.LANGUAGES)
    assert set(texts.LANGUAGES) == set(texts.PLURALS)
    assert all(re.fullmatch(r"[a-z]{2}", lang) for lang in texts.LANGUAGES)  # ISO 639-1


def test_every_language_has_every_english_sentence_in_step() -> None:
    found = audit.report(texts.LANGUAGES["en"], texts.LANGUAGES, FORMS)
    assert not found, (
        "translate these (python scripts/missing_texts.py prints the same list):\n" + found
    )


def test_english_itself_is_complete_and_used_keys_exist() -> None:
    english = texts.LANGUAGES["en"]
    assert all(value.strip() for value in english.values())
    for key in ("reason_failed", "failed", "stopped", "thinking", "thoughts", "help", "start"):
        assert key in english
    for command in COMMANDS:
        assert f"cmd_{command}" in english


def test_the_audit_names_what_a_translation_got_wrong() -> None:
    english = {
        "a": "⚠️ Stopped: {reason}.",
        "b": "Your {n} {n:file|files}; /help tells more.",
        "c": "Line\nbreak",
        "d": "Here",
    }
    broken = {
        "a": "Остановлено: {reason}.",
        "b": "Ваши {count} {count:файл|файла}; справка.",
        "c": "Без переноса",
        "e": "лишний",
    }
    found = audit.problems(english, broken, 3)
    assert found["a"] == ["does not start with ⚠️"]
    assert "placeholders ['count'] instead of ['n']" in found["b"]
    assert "plural choice файл|файла needs 3 forms" in found["b"]
    assert "commands differ, lacks /help" in found["b"]
    assert found["c"] == ["0 line breaks, English has 1"]
    assert found["d"] == ["missing"]
    assert found["e"] == ["not in English (a key renamed or removed?)"]
    assert audit.problems(english, {**english, "d": " "}, 2)["d"] == ["empty"]
    report = audit.report(english, {"xx": broken}, {"xx": 3})
    assert report.startswith("xx: 5 to translate\n  missing: d\n")


@pytest.mark.parametrize("lang", TEN)
def test_command_descriptions_fit_telegram(lang: str) -> None:
    for command in COMMANDS:
        assert re.fullmatch(r"[a-z0-9_]{1,32}", command)  # names are the same in every language
        description = texts.t(lang, f"cmd_{command}")
        assert 1 <= len(description) <= 256
        assert "\n" not in description


@pytest.mark.parametrize("lang", TEN)
def test_every_sentence_fits_one_message(lang: str) -> None:
    for key, sentence in texts.LANGUAGES[lang].items():
        values = {
            name: 40960 if name in ("length", "limit", "seconds") else "x" * 64
            for name in audit.fields(sentence)
        }
        assert utf16(texts.t(lang, key, **values)) <= MESSAGE_LIMIT, (lang, key)


@pytest.mark.parametrize(
    ("length", "word"),
    [
        (21, "символ"),
        (4001, "символ"),
        (22, "символа"),
        (4003, "символа"),
        (11, "символов"),
        (12, "символов"),
        (4005, "символов"),
        (111, "символов"),
        (4000, "символов"),
    ],
)
def test_russian_counts_agree_with_the_number(length: int, word: str) -> None:
    said = texts.t("ru", "too_long", length=length, limit=20)
    assert said.startswith(f"В вашем сообщении {length} {word}, а можно не больше 20.")


def test_plural_rules_follow_cldr() -> None:
    rule = {lang: texts.PLURALS[lang][1] for lang in texts.PLURALS}
    assert [rule["en"](n) for n in (0, 1, 2, 1.5)] == [1, 0, 1, 1]
    assert [rule["fr"](n) for n in (0, 1, 1.5, 2)] == [0, 0, 0, 1]
    assert [rule["uk"](n) for n in (1, 2, 5, 11, 21, 22, 25, 1.5)] == [0, 1, 2, 2, 0, 1, 2, 1]
    assert texts.t("uk", "too_long", length=22, limit=20).startswith(
        "У вашому повідомленні 22 символи,"
    )
    assert texts.t("fr", "too_long", length=1, limit=0).startswith(
        "Votre message fait 1 caractère ;"
    )
    assert texts.t("fr", "too_long", length=2, limit=1).startswith(
        "Votre message fait 2 caractères ;"
    )


def test_a_number_the_caller_wrote_out_still_picks_its_plural_form() -> None:
    said = texts.t("ru", "too_long", length="1,001", limit="1,000")
    assert said.startswith("В вашем сообщении 1,001 символ, а можно не больше 1,000.")
    assert texts.t("uk", "too_long", length="12 345", limit=9).startswith(
        "У вашому повідомленні 12 345 символів,"
    )
    assert texts.t("ru", "too_long", length="много", limit=9).startswith(
        "В вашем сообщении много символов,"
    )


def test_numbers_keep_their_own_format_outside_plural_choices() -> None:
    assert format(texts._Count(1234567, "en"), ",") == "1,234,567"
    assert format(texts._Count(2.5, "ru"), ".1f") == "2.5"
    assert texts.t("en", "rate_limited", seconds=3) == (
        "You are sending messages too fast. Please wait 3 s and try again."
    )


@pytest.mark.parametrize(
    ("code", "lang"),
    [
        ("de", "de"),
        ("pt-br", "pt"),
        ("pt-BR", "pt"),
        ("en-US", "en"),
        ("en_GB", "en"),
        ("UK", "uk"),
        ("in", "id"),
        ("zh-hans", "en"),
        ("", "en"),
        (None, "en"),
        ("ru", "ru"),
    ],
)
def test_the_users_language_code_picks_the_language(code: str | None, lang: str) -> None:
    assert texts.pick_language(code) == lang


def test_a_forced_language_wins_inside_its_block_only() -> None:
    with texts.forced_language("fr"):
        assert texts.pick_language("de") == "fr"
        with texts.forced_language(None):
            assert texts.pick_language("de") == "de"
    assert texts.pick_language("de") == "de"


def test_a_sentence_missing_in_a_language_is_said_in_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    german = {k: v for k, v in texts.LANGUAGES["de"].items() if k != "reset"}
    monkeypatch.setitem(texts.LANGUAGES, "de", german)
    assert texts.t("de", "reset") == texts.t("en", "reset")
    assert texts.t("xx", "stopped") == "⏹ Stopped."
    assert texts.t("de", "stopped") == "⏹ Gestoppt."


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("BOT_TOKEN", "123:abc")


@pytest.mark.usefixtures("token")
@pytest.mark.parametrize(
    ("value", "lang"), [("fr", "fr"), ("pt-BR", "pt"), ("DE", "de"), ("en_US:en", None)]
)
def test_language_setting_accepts_a_code_the_bot_speaks(
    monkeypatch: pytest.MonkeyPatch, value: str, lang: str | None
) -> None:
    monkeypatch.setenv("LANGUAGE", value)
    assert load_settings(_env_file=None).language == lang


@pytest.mark.usefixtures("token")
def test_language_setting_names_the_choices_for_a_language_it_cannot_speak(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANGUAGE", "klingon")
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None)
    assert str(error.value) == (
        "Configuration error: LANGUAGE must be one of en, ru, uk, es, pt, de, fr, it, tr, id, "
        "or empty to follow each user's Telegram language."
    )
