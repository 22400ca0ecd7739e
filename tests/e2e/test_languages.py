"""The user's language end to end: the real bot polling the local Bot API server answers each
user in the language of their Telegram app, registers its command menu in every language,
and with LANGUAGE speaks one language to everyone."""

from __future__ import annotations

import json

from bot import texts
from bot.app import COMMANDS
from tests.conftest import BotFactory
from tests.servers.backends import FakeCromicle
from tests.servers.telegram import FakeTelegram

DEFAULT_SCOPE = json.dumps({"type": "default"}, sort_keys=True)
CODES = {  # what Telegram apps send -> the language the bot answers in
    "en-US": "en",
    "ru": "ru",
    "uk": "uk",
    "es": "es",
    "pt-br": "pt",
    "de": "de",
    "fr": "fr",
    "it": "it",
    "tr": "tr",
    "id": "id",
    "zh-hans": "en",
}


def menus(telegram: FakeTelegram) -> dict[str, list[str]]:
    """The registered command menu's descriptions, by language code ("" for the default)."""
    return {
        language: [command["description"] for command in commands]
        for (scope, language), commands in telegram.commands_by_scope.items()
        if scope == DEFAULT_SCOPE
    }


async def test_a_german_user_gets_german_and_every_language_its_own_help(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    chats = {2000 + number: code for number, code in enumerate(CODES)}
    async with bot():
        telegram.add_message(1001, "/start", first_name="Hans", language_code="de")
        for chat, code in chats.items():
            telegram.add_message(chat, "/help", language_code=code)
        await telegram.wait_for(
            lambda: all(telegram.visible_texts(chat) for chat in [1001, *chats]), timeout=30
        )
        await telegram.wait_for(lambda: len(menus(telegram)) == len(texts.LANGUAGES))
    assert telegram.visible_texts(1001) == [texts.t("de", "start", name="Hans")]
    assert telegram.visible_texts(1001)[0].startswith("Hallo, Hans! Ich bin ein Chatbot")
    for chat, code in chats.items():
        help_text = texts.t(CODES[code], "help", username="test_bot")
        assert telegram.visible_texts(chat) == [help_text], code
    assert "Befehle:" in telegram.visible_texts(2005)[0]
    for lang in texts.LANGUAGES:
        code = "" if lang == "en" else lang
        assert menus(telegram)[code] == [texts.t(lang, f"cmd_{c}") for c in COMMANDS]
    assert menus(telegram)["de"][0] == "Begrüßung und was der Bot kann"
    assert all(
        [command["command"] for command in commands] == list(COMMANDS)
        for commands in telegram.commands_by_scope.values()
    )
    assert not cromicle.requests


async def test_language_setting_makes_the_bot_speak_french_to_everyone(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot(language="fr"):
        telegram.add_message(1001, "/start", first_name="Hans", language_code="de")
        telegram.add_message(1002, "/reset", language_code="ru")
        await telegram.wait_for(
            lambda: bool(telegram.visible_texts(1001) and telegram.visible_texts(1002))
        )
        await telegram.wait_for(lambda: len(menus(telegram)) == len(texts.LANGUAGES))
    assert telegram.visible_texts(1001) == [texts.t("fr", "start", name="Hans")]
    assert telegram.visible_texts(1001)[0].startswith("Bonjour, Hans ! Je suis un chatbot")
    assert telegram.visible_texts(1002) == [
        "C'est fait : j'ai oublié notre conversation. Reprenons à zéro."
    ]
    french = [texts.t("fr", f"cmd_{c}") for c in COMMANDS]
    assert menus(telegram) == {code: french for code in menus(telegram)}
    assert set(menus(telegram)) == {"", *(lang for lang in texts.LANGUAGES if lang != "en")}


async def test_a_refusal_counts_in_the_users_language(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot(max_input_chars=20):
        telegram.add_message(1001, "x" * 21, language_code="ru")
        telegram.add_message(1002, "x" * 22, language_code="uk")
        await telegram.wait_for(
            lambda: bool(telegram.visible_texts(1001) and telegram.visible_texts(1002))
        )
    assert telegram.visible_texts(1001)[0].startswith(
        "В вашем сообщении 21 символ, а можно не больше 20."
    )
    assert telegram.visible_texts(1002)[0].startswith(
        "У вашому повідомленні 22 символи, а можна не більше 20."
    )
    assert not cromicle.requests
