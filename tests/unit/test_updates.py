"""Updates on their way in: the bounded window of recent ids, finding unreadable ones."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Bot, Dispatcher

from bot.updates import DropRepeatedUpdates, RecentUpdates, first_unreadable

TOKEN = "123456:TEST-TOKEN"
BOT = Bot(TOKEN)


def message(update_id: int, text: Any) -> dict[str, Any]:
    chat = {"id": 5, "type": "private"}
    return {
        "update_id": update_id,
        "message": {"message_id": 1, "date": 0, "chat": chat, "text": text},
    }


async def test_a_repeat_is_recognised_within_the_window_and_memory_stays_bounded() -> None:
    recent = RecentUpdates(size=3)
    seen = [await recent.seen_before(n) for n in (1, 2, 1, 3, 2)]
    assert seen == [False, False, True, False, True]
    assert not await recent.seen_before(4)  # 1 leaves the window
    assert len(recent) == 3
    assert not await recent.seen_before(1)
    for n in range(100, 10_000):
        await recent.seen_before(n)
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
