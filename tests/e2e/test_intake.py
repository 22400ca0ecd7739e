"""What users send that the Telegram apps split or change afterwards, and notes that must be
true: albums, long pastes, edits, a picture a model cannot see, a backend refusing the bot's
own configuration; end to end against the local Bot API and local backends."""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from PIL import Image

from bot import texts
from tests.conftest import BotFactory
from tests.servers.backends import FakeCromicle, FakeOpenAI, Script
from tests.servers.telegram import FakeTelegram

CHAT, GROUP = 1001, -100123


def openai(server: FakeOpenAI, **extra: Any) -> dict[str, Any]:
    return {"backend": "openai", "openai_base_url": server.url, "model": "m", **extra}


def png(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, format="PNG")
    return out.getvalue()


def mention(text: str) -> list[dict[str, Any]]:
    start = text.encode("utf-16-le").find("@test_bot".encode("utf-16-le")) // 2
    return [{"type": "mention", "offset": start, "length": 9}]


# --- a picture the model cannot see ------------------------------------------------------


async def test_a_photo_without_caption_to_a_blind_model_asks_for_text(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot():  # Cromicle cannot see pictures
        telegram.add_photo(CHAT, png())
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
    (shown,) = telegram.visible_texts(CHAT)
    assert shown == texts.t("en", "picture_unseen_alone")
    assert "cannot see pictures" in shown and "in text" in shown
    assert "answered" not in shown  # there was no answer
    assert not cromicle.requests


# --- a backend refusing the bot's own configuration --------------------------------------


@pytest.mark.parametrize(
    ("script", "setting"),
    [
        (Script(status=401, error_body="Incorrect API key provided: sk-...abc"), "OPENAI_API_KEY"),
        (Script(status=403, error_body="key not allowed"), "OPENAI_API_KEY"),
        (Script(status=400, error_body="model 'm' not found, try pulling it first"), "MODEL"),
        (Script(status=404, error_body="The model `m` does not exist"), "MODEL"),
    ],
)
async def test_a_refused_configuration_is_named_to_the_operator_not_retried_by_the_user(
    telegram: FakeTelegram,
    openai_server: FakeOpenAI,
    bot: BotFactory,
    caplog: pytest.LogCaptureFixture,
    script: Script,
    setting: str,
) -> None:
    openai_server.push(script)
    with caplog.at_level(logging.INFO):
        async with bot(**openai(openai_server), backend_retries=2):
            telegram.add_message(CHAT, "hello")
            await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
    (shown,) = telegram.visible_texts(CHAT)
    assert shown == texts.t("en", "misconfigured")
    assert "try again in a moment" not in shown.lower()
    assert len(openai_server.requests) == 1  # a retry cannot pass: none was made
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert f"fix the setting {setting}" in errors[0].getMessage()
    assert "hello" not in errors[0].getMessage()


async def test_a_request_the_backend_refuses_for_itself_still_says_rejected(
    telegram: FakeTelegram, openai_server: FakeOpenAI, bot: BotFactory
) -> None:
    openai_server.push(Script(status=400, error_body="context length exceeded"))
    async with bot(**openai(openai_server)):
        telegram.add_message(CHAT, "hello")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
    assert "rejected the request" in telegram.visible_texts(CHAT)[0]
