"""The real process when the Bot API misbehaves while it runs: slow chats, updates aiogram
cannot read, updates sent twice, a token revoked, errors in the middle of an answer."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp

from tests.servers.backends import FakeCromicle, echo_answer
from tests.servers.telegram_api import FakeTelegram
from tests.support.process import base_env, free_port, start_bot, webhook_env

CHAT = 1001
SLOW = 100_000


def update(update_id: int, chat: int, text: str) -> dict[str, Any]:
    """A user's message as Telegram posts it to a webhook."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": chat, "type": "private"},
            "from": {"id": chat, "is_bot": False, "first_name": "Alice"},
            "text": text,
        },
    }


async def test_chats_whose_calls_hang_do_not_hold_up_an_unrelated_chat(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    # More calls hang than aiogram's default pool of 100 connections holds. The bot gives up
    # on a call after 20 s; an unrelated chat must be answered before any call was given up,
    # i.e. without waiting for a connection that only a timeout would free.
    bot = await start_bot(base_env(telegram, cromicle, SHUTDOWN_GRACE="0"), workdir)
    await telegram.wait_for(lambda: telegram.waiting_polls > 0, timeout=30)
    for n in range(150):
        telegram.delay_chat(SLOW + n, 120)
        telegram.add_message(SLOW + n, f"question {n}")
    await telegram.wait_for(lambda: telegram.held >= 120, timeout=60)
    assert telegram.abandoned == 0
    telegram.add_message(1, "unrelated")
    await telegram.wait_for(lambda: telegram.visible_texts(1) == [echo_answer("unrelated")], 60)
    assert telegram.abandoned == 0
    assert telegram.held >= 120
    await bot.stop()


async def test_a_token_revoked_while_polling_is_logged_once_and_ends_the_process(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    bot = await start_bot(base_env(telegram, cromicle), workdir)
    telegram.add_message(CHAT, "before")
    await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == [echo_answer("before")], 30)
    telegram.revoke_token()
    # The long poll in progress ends empty (at most 10 s); the next one gets 401.
    code = await asyncio.wait_for(bot.process.wait(), 30)
    _, err = await bot.process.communicate()
    log = err.decode()
    assert code == 3
    assert [c.status for c in telegram.calls_for("getUpdates")].count(401) == 1
    assert len([line for line in log.splitlines() if "401" in line or "Unauthorized" in line]) == 1
    assert "Telegram rejected BOT_TOKEN" in log and "@BotFather" in log
    assert "Traceback" not in log and "Failed to fetch updates" not in log


async def test_a_token_revoked_in_webhook_mode_ends_the_process_the_same_way(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> None:
    port = free_port()
    bot = await start_bot(base_env(telegram, cromicle, **webhook_env(port)), workdir)
    await telegram.wait_for(lambda: telegram.webhook is not None, timeout=30)
    telegram.revoke_token()
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s" * 40}
    async with aiohttp.ClientSession() as http:
        hook = f"http://127.0.0.1:{port}/hook"
        async with http.post(hook, json=update(1, CHAT, "hi"), headers=headers) as answer:
            assert answer.status == 200
    code = await asyncio.wait_for(bot.process.wait(), 30)
    _, err = await bot.process.communicate()
    assert code == 3
    assert "Telegram rejected BOT_TOKEN" in err.decode() and "Traceback" not in err.decode()
