"""Secrets never reach the log, even inside URLs or tracebacks."""

from __future__ import annotations

import logging
import sys

from bot.config import Settings
from bot.logs import RedactingFormatter

TOKEN = "123456:SECRET-token"


def test_token_in_messages_urls_and_tracebacks_is_redacted() -> None:
    formatter = RedactingFormatter("%(message)s", [TOKEN])
    url = "GET https://api.example/bot%s/getMe"
    record = logging.LogRecord("aiogram", logging.ERROR, __file__, 1, url, (TOKEN,), None)
    try:
        raise RuntimeError(f"failed https://api.example/bot{TOKEN}/getUpdates")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    text = formatter.format(record)
    assert TOKEN not in text
    assert text.count("<redacted>") == 2


def test_every_secret_setting_is_redacted_even_inside_reprs() -> None:
    settings = Settings(
        _env_file=None,
        bot_token=TOKEN,
        openai_api_key="sk-very-secret-key",
        webhook_url="https://bot.example.org/hook",
        webhook_secret="w" * 40,
        proxy="http://proxy-user:pr%40xy-pass@127.0.0.1:3128",
        redis_url="redis://:re%40dis-pass@127.0.0.1:6379/0",
    )
    formatter = RedactingFormatter("%(message)s", settings.secrets())
    leaks = [
        repr(settings.proxy),
        str(settings.proxy),
        "Proxy-Authorization for proxy-user:pr@xy-pass",
        f"Authorization: Bearer {settings.openai_api_key.get_secret_value()}",  # type: ignore[union-attr]
        f"X-Telegram-Bot-Api-Secret-Token: {'w' * 40}",
        f"https://api.telegram.org/bot{TOKEN}/getMe",
        "Redis AUTH re@dis-pass failed for redis://:re%40dis-pass@127.0.0.1:6379/0",
    ]
    record = logging.LogRecord("bot", logging.DEBUG, __file__, 1, " | ".join(leaks), (), None)
    text = formatter.format(record)
    for secret in (
        "very-secret-key",
        "w" * 40,
        "pr%40xy-pass",
        "pr@xy-pass",
        "SECRET-token",
        "re%40dis-pass",
        "re@dis-pass",
    ):
        assert secret not in text, text
    assert "127.0.0.1:3128" in text  # only the secrets go
