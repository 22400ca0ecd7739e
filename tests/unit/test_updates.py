"""Updates on their way in: the bounded window of recent ids, and skipping unreadable ones."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Bot, Dispatcher

from bot.updates import (
    DropRepeatedUpdates,
    RecentUpdates,
    SkipUnreadableUpdates,
    first_unreadable,
)
from tests.servers.inprocess import InProcessSession
from tests.servers.telegram import FakeTelegram

TOKEN = "123456:TEST-TOKEN"
BOT = Bot(TOKEN)


def message(update_id: int, text: Any) -> dict[str, Any]:
    chat = {"id": 5, "type": "private"}
    return {
        "update_id": update_id,
        "message": {"message_id": 1, "date": 0, "chat": chat, "text": text},
    }


def test_a_repeat_is_recognised_within_the_window_and_memory_stays_bounded() -> None:
    recent = RecentUpdates(size=3)
    assert [recent.seen_before(n) for n in (1, 2, 1, 3, 2)] == [False, False, True, False, True]
    assert not recent.seen_before(4)  # 1 leaves the window
    assert len(recent) == 3
    assert not recent.seen_before(1)
    for n in range(100, 10_000):
        recent.seen_before(n)
    assert len(recent) == 3
    with pytest.raises(ValueError):
        RecentUpdates(size=0)


def test_the_first_unreadable_update_is_found_by_position_and_id() -> None:
    answer = {"ok": True, "result": [message(1, "fine"), message(2, {"x": 1}), message(3, 4)]}
    assert first_unreadable(answer, BOT) == (1, 2)
    assert first_unreadable({"ok": True, "result": [message(1, "fine")]}, BOT) is None
    assert first_unreadable("<html>502</html>", BOT) is None
    no_id = {"ok": True, "result": [{"message": {"text": {}}}]}
    assert first_unreadable(no_id, BOT) is None  # nothing to skip past


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


async def test_the_dispatcher_handles_an_update_once_however_often_it_comes() -> None:
    dispatcher = Dispatcher()
    dispatcher.update.outer_middleware(DropRepeatedUpdates(RecentUpdates()))
    handled: list[int] = []

    @dispatcher.message()
    async def record(event: Any) -> None:
        handled.append(event.message_id)

    for update_id in (1, 2, 1, 1, 3, 2):
        await dispatcher.feed_raw_update(BOT, message(update_id, f"text {update_id}"))
    assert len(handled) == 3
