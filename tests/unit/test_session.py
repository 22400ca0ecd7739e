"""The Bot API session's middlewares: polling goes on around an update aiogram cannot read."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Bot

from bot.session import SkipUnreadableUpdates
from tests.servers.inprocess import InProcessSession
from tests.servers.telegram import FakeTelegram
from tests.unit.test_updates import TOKEN, message


@pytest.mark.parametrize("bad_at", [0, 1, 2])
async def test_polling_gets_every_readable_update_around_an_unreadable_one(bad_at: int) -> None:
    async with FakeTelegram(token=TOKEN) as telegram:
        session = InProcessSession(telegram)
        session.middleware(SkipUnreadableUpdates())
        bot = Bot(TOKEN, session=session)
        for n in range(3):
            text: Any = {"not": "text"} if n == bad_at else f"message {n}"
            telegram.add_update(message(0, text))
        seen: list[int] = []
        offset = None
        for _ in range(4):
            updates = await bot.get_updates(offset=offset, timeout=0)
            seen += [update.update_id for update in updates]
            if updates:
                offset = updates[-1].update_id + 1
        assert seen == [n + 1 for n in range(3) if n != bad_at]
        assert telegram.pending_updates == 0  # the unreadable one is confirmed too
        await bot.session.close()
