"""Behaviour that once broke without any test noticing: each test here fails when it breaks.

Planted one-line bugs (an allow-list that lets strangers in when only one list is set, a page
limit off by one, an empty answer told as a service failure, a reply to someone else taken as
addressed to the bot) went unnoticed before these tests existed.
"""

from __future__ import annotations

import pytest

from bot.render import MESSAGE_LIMIT, utf16_len
from tests.conftest import BotFactory
from tests.e2e.test_groups import GROUP, mention
from tests.servers.backends import FakeCromicle, Script, echo_answer
from tests.servers.telegram import FakeTelegram


@pytest.mark.parametrize("setting", ["allowed_users", "allowed_chats"])
async def test_one_allow_list_alone_still_refuses_a_stranger(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory, setting: str
) -> None:
    async with bot(**{setting: "42"}):
        telegram.add_message(7, "let me in")
        telegram.add_message(42, "owner here")
        await telegram.wait_for(lambda: telegram.visible_texts(42) == [echo_answer("owner here")])
        await telegram.wait_for(lambda: len(telegram.visible_texts(7)) == 1)
    assert "7" in telegram.visible_texts(7)[0]
    assert [r.json["message"] for r in cromicle.requests] == ["owner here"]


@pytest.mark.parametrize(("size", "messages"), [(MESSAGE_LIMIT, 1), (MESSAGE_LIMIT + 1, 2)])
async def test_an_answer_of_exactly_the_page_limit_is_one_message_and_one_more_unit_is_two(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory, size: int, messages: int
) -> None:
    emoji = "😀" * 1500  # astral: two UTF-16 units each, so a count of characters is wrong
    answer = emoji + "x" * (size - utf16_len(emoji))
    assert utf16_len(answer) == size
    cromicle.set_default(Script(chunks=[answer[:1000], answer[1000:]]))
    async with bot():
        telegram.add_message(1, "long one")
        await telegram.wait_for(lambda: "".join(telegram.visible_texts(1)) == answer)
    assert len(telegram.visible_texts(1)) == messages


async def test_an_empty_answer_is_told_as_empty_not_as_a_service_failure(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    cromicle.set_default(Script(chunks=[]))
    async with bot():
        telegram.add_message(1, "say nothing")
        await telegram.wait_for(lambda: len(telegram.visible_texts(1)) == 1)
    assert "empty answer" in telegram.visible_texts(1)[0]


async def test_in_a_group_a_reply_to_another_member_without_a_mention_is_not_for_the_bot(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot():
        alice = telegram.add_message(GROUP, "lunch at noon?", first_name="Alice", user_id=7)
        telegram.add_message(GROUP, "sure", first_name="Bob", user_id=8, reply_to_message_id=alice)
        text = "@test_bot ping"
        telegram.add_message(GROUP, text, first_name="Bob", user_id=8, entities=mention(text))
        await telegram.wait_for(lambda: len(telegram.visible_texts(GROUP)) == 1)
    assert [r.json["message"] for r in cromicle.requests] == ["Bob: ping"]


async def test_retry_counts_against_the_question_limit(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    """/retry asks the model again: a user past the limit is told so, and nothing is asked."""
    async with bot(rate_limit_per_minute=1):
        telegram.add_message(5, "one")
        await telegram.wait_for(lambda: telegram.visible_texts(5) == [echo_answer("one")])
        telegram.add_message(
            5, "/retry", entities=[{"type": "bot_command", "offset": 0, "length": 6}]
        )
        await telegram.wait_for(lambda: len(telegram.visible_texts(5)) == 2)
    assert [r.json["message"] for r in cromicle.requests] == ["one"]
    assert telegram.visible_texts(5)[1] != echo_answer("one")
