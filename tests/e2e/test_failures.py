"""When things go wrong: backend failures, Telegram errors, flood control."""

from __future__ import annotations

from tests.conftest import BotFactory
from tests.servers.backends import FakeCromicle, Script, echo_answer
from tests.servers.telegram import FakeTelegram

CHAT = 1001


async def test_backend_error_before_any_text_says_why_and_is_not_kept(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    cromicle.push(Script(status=500, error_body="boom"))
    async with bot():
        telegram.add_message(CHAT, "hello?")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
        telegram.add_message(CHAT, "again")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
    failure = telegram.visible_texts(CHAT)[0]
    assert failure.startswith("Sorry, I could not get an answer: the model service is unavailable")
    assert cromicle.requests[1].json["message"] == "again"
    assert telegram.visible_texts(CHAT)[1] == echo_answer("again")


async def test_rejected_request_is_named(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    cromicle.push(Script(status=400, error_body="bad hash"))
    async with bot(backend_timeout=0.5):
        telegram.add_message(CHAT, "x", language_code="ru")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
    assert "отклонил" in telegram.visible_texts(CHAT)[0]


async def test_stalled_backend_times_out_with_a_message(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    cromicle.push(Script(chunks=["Half", " way"], stall_after=1))
    async with bot(backend_timeout=0.5):
        telegram.add_message(CHAT, "x")
        await telegram.wait_for(
            lambda: any("did not respond in time" in t for t in telegram.visible_texts(CHAT))
        )
    assert telegram.visible_texts(CHAT) == [
        "Half\n\n⚠️ The answer was interrupted: the model service did not respond in time."
    ]


async def test_drop_mid_stream_keeps_the_partial_text_and_the_next_message_works(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    cromicle.push(Script(chunks=["Partial", " text", " lost"], drop_after=2, delay=0.1))
    async with bot():
        telegram.add_message(CHAT, "x")
        await telegram.wait_for(lambda: "interrupted" in "".join(telegram.visible_texts(CHAT)))
        telegram.add_message(CHAT, "y")
        await cromicle.wait_for_requests(2)
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 2)
    assert telegram.visible_texts(CHAT)[0] == (
        "Partial text\n\n⚠️ The answer was interrupted: the model service is unavailable."
    )
    assert cromicle.requests[1].json["message"] == (
        "User: x\nAssistant: Partial text\nUser: y\nAssistant:"
    )


async def test_backend_down_gets_an_answer_not_silence(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    async with bot(cromicle_url="http://127.0.0.1:9"):
        telegram.add_message(CHAT, "anyone?")
        await telegram.wait_for(lambda: len(telegram.visible_texts(CHAT)) == 1)
    assert "unavailable" in telegram.visible_texts(CHAT)[0]


async def test_retry_after_is_respected_and_the_final_text_arrives(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    cromicle.push(Script(chunks=["one", " two", " three"], delay=0.2))
    telegram.fail_next(
        "editMessageText",
        error_code=429,
        description="Too Many Requests: retry after 1",
        retry_after=1,
    )
    async with bot():
        telegram.add_message(CHAT, "x")
        await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == ["one two three"])
    assert telegram.too_many_requests == 1
    assert telegram.retry_after_violations == 0


async def test_flood_control_in_one_chat_does_not_stop_others(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    cromicle.set_default(Script(chunks=["hello", " there"], delay=0.2))
    telegram.fail_next(
        "sendMessage",
        error_code=429,
        description="Too Many Requests: retry after 3",
        retry_after=3,
        chat_id=1,
    )
    async with bot():
        telegram.add_message(1, "a")
        telegram.add_message(2, "b")
        await telegram.wait_for(lambda: telegram.visible_texts(2) == ["hello there"])
        assert telegram.visible_texts(1) == []
        await telegram.wait_for(lambda: telegram.visible_texts(1) == ["hello there"])
    assert telegram.retry_after_violations == 0


async def test_blocked_chat_does_not_stop_other_chats(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    telegram.block_chat(1)
    async with bot():
        telegram.add_message(1, "a")
        telegram.add_message(2, "b")
        await telegram.wait_for(lambda: telegram.visible_texts(2) == [echo_answer("b")])
        telegram.add_message(2, "c")
        await telegram.wait_for(lambda: len(telegram.visible_texts(2)) == 2)
    assert telegram.visible_texts(1) == []


async def test_deleted_message_mid_answer_continues_in_a_new_one(
    telegram: FakeTelegram, cromicle: FakeCromicle, bot: BotFactory
) -> None:
    cromicle.push(Script(chunks=["first", " second", " third"], delay=0.4))
    async with bot():
        telegram.add_message(CHAT, "x")
        await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == ["first"])
        telegram.user_deletes(CHAT, telegram.bot_messages(CHAT)[0].message_id)
        await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == ["first second third"])
