"""Group chats end to end: mentions, replies, speakers, commands, forum topics."""

from __future__ import annotations

from tests.conftest import BotFactory
from tests.servers.backends import FakeCromicle, echo_answer
from tests.servers.telegram import FakeTelegram

GROUP = -100123


def mention(text: str, username: str = "@test_bot") -> list[dict[str, object]]:
    """A `mention` entity for `username` inside `text` (offsets in UTF-16 units)."""
    start = text.encode("utf-16-le").find(username.encode("utf-16-le")) // 2
    return [{"type": "mention", "offset": start, "length": len(username)}]


async def test_mention_is_answered_as_a_reply_naming_the_speaker(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot(stream_mode="auto"):
        text = "😀 @Test_Bot, what is 2+2?"
        asked = telegram.add_message(
            GROUP, text, first_name="Alice", user_id=7, entities=mention(text, "@Test_Bot")
        )
        expected = echo_answer("Alice: 😀 what is 2+2?")
        await telegram.wait_for(lambda: telegram.visible_texts(GROUP) == [expected])
    assert cromicle.requests[0].json["message"] == "Alice: 😀 what is 2+2?"
    message = telegram.bot_messages(GROUP)[0]
    assert message.reply_to == asked
    assert not telegram.calls_for("sendMessageDraft"), "groups must stream by edits"


async def test_messages_not_for_the_bot_are_ignored(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot():
        telegram.add_message(GROUP, "just chatting", first_name="Bob")
        other = "@other_bot hello"
        telegram.add_message(GROUP, other, entities=mention(other, "@other_bot"))
        telegram.add_message(GROUP, "/help@other_bot")
        text = "@test_bot ping"
        telegram.add_message(GROUP, text, first_name="Bob", entities=mention(text))
        await telegram.wait_for(lambda: len(telegram.visible_texts(GROUP)) == 1)
    assert [r.json["message"] for r in cromicle.requests] == ["Bob: ping"]


async def test_reply_to_the_bot_is_answered_and_group_history_is_shared(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot():
        text = "@test_bot hi"
        telegram.add_message(GROUP, text, first_name="Alice", user_id=7, entities=mention(text))
        await telegram.wait_for(lambda: len(telegram.visible_texts(GROUP)) == 1)
        answer = telegram.bot_messages(GROUP)[0]
        telegram.add_message(
            GROUP, "and you?", first_name="Bob", user_id=8, reply_to_message_id=answer.message_id
        )
        await cromicle.wait_for_requests(2)
        await telegram.wait_for(lambda: len(telegram.visible_texts(GROUP)) == 2)
    assert cromicle.requests[1].json["message"] == (
        f"User: Alice: hi\nAssistant: {echo_answer('Alice: hi')}\nUser: Bob: and you?\nAssistant:"
    )


async def test_commands_work_with_and_without_the_bot_name(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot():
        telegram.add_message(GROUP, "/help@test_bot")
        await telegram.wait_for(lambda: len(telegram.visible_texts(GROUP)) == 1)
        telegram.add_message(GROUP, "/reset")
        await telegram.wait_for(lambda: len(telegram.visible_texts(GROUP)) == 2)
    assert "/retry" in telegram.visible_texts(GROUP)[0]
    assert "forgot" in telegram.visible_texts(GROUP)[1]
    assert not cromicle.requests


async def test_forum_topics_are_separate_conversations_answered_in_their_topic(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot():
        text = "@test_bot topic five"
        telegram.add_message(
            GROUP, text, entities=mention(text), message_thread_id=5, is_forum=True
        )
        await telegram.wait_for(lambda: len(telegram.visible_texts(GROUP)) == 1)
        text = "@test_bot topic six"
        telegram.add_message(
            GROUP, text, entities=mention(text), message_thread_id=6, is_forum=True
        )
        await cromicle.wait_for_requests(2)
        await telegram.wait_for(lambda: len(telegram.visible_texts(GROUP)) == 2)
    assert [m.thread_id for m in telegram.bot_messages(GROUP)] == [5, 6]
    assert cromicle.requests[1].json["message"] == "Alice: topic six"
