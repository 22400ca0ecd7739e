"""Secrets never reach the log, even inside URLs or tracebacks."""

from __future__ import annotations

import logging
import sys

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
