"""The real process when the Bot API misbehaves while it runs: slow chats, updates aiogram
cannot read, updates sent twice, a token revoked, errors in the middle of an answer."""

from __future__ import annotations

from pathlib import Path

from tests.servers.backends import FakeCromicle, echo_answer
from tests.servers.telegram_api import FakeTelegram
from tests.support.process import base_env, start_bot

SLOW = 100_000


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
