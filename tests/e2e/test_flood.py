"""Delivery under Telegram-like flood limits (the local server returns 429 past them)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.conftest import TOKEN, make_settings, running_bot
from tests.servers.backends import FakeCromicle, Script
from tests.servers.telegram import FakeTelegram, Limits

WRITES = {"sendMessage", "editMessageText", "sendMessageDraft"}


@pytest.fixture
async def limited() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN, limits=Limits(global_rate=10, global_burst=10)) as server:
        yield server


def answer(tag: str) -> list[str]:
    return [f"{tag}-{n} " for n in range(9)] + [f"{tag}-end"]


async def test_many_chats_under_limits_get_every_final_first_texts_before_edits(
    limited: FakeTelegram, cromicle: FakeCromicle
) -> None:
    """Half the chats start answering late: their first texts must still beat the edits
    of the chats that started early, and nobody gets a 429."""
    late = {*range(11, 21)}

    def script(request: dict[str, str]) -> Script:
        tag = request["message"].split()[-1]
        chat = abs(int(tag[1:]))
        return Script(chunks=answer(tag) * 4, delay=0.1, first_delay=1.5 if chat in late else 0)

    cromicle.set_default(script)
    chats = [*range(1, 21), -1, -2, -3]
    settings = make_settings(
        limited,
        cromicle,
        telegram_rate=5,
        private_chat_interval=1.0,
        group_chat_interval=3.0,
        stream_mode="auto",
    )
    async with running_bot(settings):
        for chat in chats:
            if chat > 0:
                limited.add_message(chat, f"q{chat}")
            else:
                text = f"@test_bot q{chat}"
                entity = {"type": "mention", "offset": 0, "length": 9}
                limited.add_message(chat, text, entities=[entity])
        expected = {chat: "".join(answer(f"q{chat}") * 4) for chat in chats}
        await limited.wait_for(
            lambda: all(limited.visible_texts(c) == [expected[c]] for c in chats), timeout=60
        )
    assert limited.too_many_requests == 0
    assert limited.retry_after_violations == 0
    writes = [c for c in limited.calls if c.method in WRITES and c.ok]
    firsts: dict[int | None, float] = {}
    for call in writes:
        firsts.setdefault(call.chat_id, call.at)
    last_first = max(firsts.values())
    intermediate = [
        c
        for c in writes
        if c.at > firsts[c.chat_id] and c.params.get("text") != expected[c.chat_id or 0]
    ]
    assert all(c.at >= last_first for c in intermediate), "an edit went before a first text"


async def test_429_holds_only_that_chat_for_exactly_retry_after(
    limited: FakeTelegram, cromicle: FakeCromicle
) -> None:
    cromicle.set_default(Script(chunks=["a", "b", "c"], delay=0.3))
    limited.fail_next(
        "editMessageText",
        error_code=429,
        description="Too Many Requests: retry after 2",
        retry_after=2,
        chat_id=1,
    )
    settings = make_settings(limited, cromicle, private_chat_interval=0.2)
    async with running_bot(settings):
        limited.add_message(1, "x")
        limited.add_message(2, "y")
        await limited.wait_for(
            lambda: limited.visible_texts(1) == ["abc"] and limited.visible_texts(2) == ["abc"]
        )
    refused = next(c for c in limited.calls if c.status == 429)
    after = [c for c in limited.calls_for("editMessageText", 1) if c.at > refused.at]
    assert after and after[0].at - refused.at >= 2.0
    assert limited.retry_after_violations == 0
    assert any(refused.at < c.at < refused.at + 2 for c in limited.calls if c.chat_id == 2)


async def test_the_bots_own_replies_are_paced_too(
    limited: FakeTelegram, cromicle: FakeCromicle
) -> None:
    settings = make_settings(limited, cromicle, private_chat_interval=1.0)
    async with running_bot(settings):
        for _ in range(5):
            limited.add_message(1, "/help")
        await limited.wait_for(lambda: len(limited.visible_texts(1)) == 5, timeout=30)
    assert limited.too_many_requests == 0
    assert limited.retry_after_violations == 0
