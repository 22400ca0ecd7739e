"""Access lists, per-user rate limit and input length: refused before any backend call."""

from __future__ import annotations

from tests.conftest import BotFactory
from tests.e2e.test_groups import GROUP, mention
from tests.servers.backends import FakeCromicle, echo_answer
from tests.servers.telegram import FakeTelegram


async def test_strangers_are_refused_in_private_with_their_id_and_ignored_in_groups(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot(allowed_users="42", allowed_chats=str(GROUP)):
        telegram.add_message(7, "let me in")
        await telegram.wait_for(lambda: len(telegram.visible_texts(7)) == 1)
        text = "@test_bot hi"
        telegram.add_message(-555, text, entities=mention(text), user_id=7)
        telegram.add_message(GROUP, text, entities=mention(text), user_id=7)
        telegram.add_message(42, "owner here")
        await telegram.wait_for(lambda: telegram.visible_texts(42) == [echo_answer("owner here")])
        await telegram.wait_for(lambda: len(telegram.visible_texts(GROUP)) == 1)
    refusal = telegram.visible_texts(7)[0]
    assert "7" in refusal and "private" in refusal
    assert telegram.visible_texts(-555) == []
    assert sorted(r.json["message"] for r in cromicle.requests) == ["Alice: hi", "owner here"]


async def test_rate_limit_answers_with_the_wait_and_skips_the_backend(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot(rate_limit_per_minute=2):
        for n in range(3):
            telegram.add_message(1, f"q{n}")
        await telegram.wait_for(lambda: len(telegram.visible_texts(1)) == 3)
    assert len(cromicle.requests) == 2
    limited = [t for t in telegram.visible_texts(1) if "too fast" in t]
    assert len(limited) == 1
    assert "wait" in limited[0]


async def test_too_long_input_is_refused_not_cut(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot(max_input_chars=100):
        telegram.add_message(1, "x" * 101)
        await telegram.wait_for(lambda: len(telegram.visible_texts(1)) == 1)
    assert "101" in telegram.visible_texts(1)[0] and "100" in telegram.visible_texts(1)[0]
    assert not cromicle.requests
