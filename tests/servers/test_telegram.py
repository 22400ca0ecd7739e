"""Tests for the fake Telegram Bot API, driven through the real aiogram client.

Why through aiogram: the fake is only useful if aiogram's serialisation (multipart + JSON
fields) and error classification (TelegramRetryAfter, TelegramBadRequest, ...) see the
same shapes they would see from Telegram, so every behaviour is asserted from the client.
The ``bot`` fixtures run each test over both transports: HTTP (``AiohttpSession``) and
in-process (``InProcessSession``), which must be indistinguishable to the client.
"""

from __future__ import annotations

import asyncio
import json
import selectors
import time
from collections.abc import AsyncIterator
from typing import Any, Literal

import aiohttp
import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.methods import GetMe
from aiogram.types import (
    BotCommand,
    ChatMemberAdministrator,
    ChatMemberMember,
    ChatMemberOwner,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)

from tests.servers.inprocess import InProcessSession
from tests.servers.telegram import FakeTelegram, Limits, utf16_len

TOKEN = "123456:TEST-TOKEN"
CHAT = 42
GROUP = -1001234567890

Transport = Literal["http", "inprocess"]
TRANSPORTS: list[Transport] = ["http", "inprocess"]


def make_bot(server: FakeTelegram, token: str = TOKEN, transport: Transport = "http") -> Bot:
    """A real aiogram Bot pointed at the fake server, over HTTP or in-process."""
    if transport == "inprocess":
        return Bot(token=token, session=InProcessSession(server))
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
    return Bot(token=token, session=session)


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegram]:
    tg = FakeTelegram()
    await tg.start()
    yield tg
    await tg.close()
    assert tg.internal_errors == []


@pytest.fixture
async def limited() -> AsyncIterator[FakeTelegram]:
    tg = FakeTelegram(limits=Limits())
    await tg.start()
    yield tg
    await tg.close()
    assert tg.internal_errors == []


@pytest.fixture(params=TRANSPORTS)
async def bot(server: FakeTelegram, request: pytest.FixtureRequest) -> AsyncIterator[Bot]:
    client = make_bot(server, transport=request.param)
    yield client
    await client.session.close()


@pytest.fixture(params=TRANSPORTS)
async def limited_bot(limited: FakeTelegram, request: pytest.FixtureRequest) -> AsyncIterator[Bot]:
    client = make_bot(limited, transport=request.param)
    yield client
    await client.session.close()


async def raw_post(server: FakeTelegram, path: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    """POST without aiogram, to check wire-level answers and other body encodings."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{server.base_url}{path}", **kwargs) as resp,
    ):
        body: dict[str, Any] = await resp.json()
        return resp.status, body


# --------------------------------------------------------------------------- basics


async def test_get_me(server: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123456
    assert me.is_bot is True
    assert me.username == "test_bot"
    assert me.first_name == "Test Bot"
    assert me.can_read_all_group_messages is False
    assert me.supports_inline_queries is False
    assert [c.method for c in server.calls] == ["getMe"]


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_wrong_token_is_unauthorized(server: FakeTelegram, transport: Transport) -> None:
    other = make_bot(server, token="999:WRONG", transport=transport)
    try:
        with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
            await other.get_me()
    finally:
        await other.session.close()
    assert server.calls[-1].status == 401


async def test_unknown_method_is_not_found(server: FakeTelegram, bot: Bot) -> None:
    status, body = await raw_post(server, f"/bot{TOKEN}/noSuchMethod")
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}

    # and aiogram maps it to TelegramNotFound
    class Bogus(GetMe):
        __api_method__ = "bogusMethod"

    with pytest.raises(TelegramNotFound):
        await bot(Bogus())


async def test_json_and_urlencoded_bodies_are_accepted(server: FakeTelegram) -> None:
    entities = [{"type": "bold", "offset": 0, "length": 2}]
    status, body = await raw_post(
        server,
        f"/bot{TOKEN}/sendMessage",
        json={"chat_id": CHAT, "text": "hi json", "entities": entities},
    )
    assert status == 200
    assert body["result"]["entities"] == entities
    status, body = await raw_post(
        server,
        f"/bot{TOKEN}/sendMessage",
        data={"chat_id": str(CHAT), "text": "hi form", "entities": json.dumps(entities)},
    )
    assert status == 200
    assert body["result"]["message_id"] == 2
    status, body = await raw_post(server, f"/bot{TOKEN}/sendMessage?chat_id={CHAT}&text=hi+query")
    assert status == 200
    assert server.visible_texts(CHAT) == ["hi json", "hi form", "hi query"]
    assert server.calls[0].params["entities"] == entities  # decoded for tests


# --------------------------------------------------------------------------- send / edit


async def test_send_then_edit(server: FakeTelegram, bot: Bot) -> None:
    user_msg = server.add_message(CHAT, "hello bot")
    sent = await bot.send_message(
        CHAT, "Hel", reply_parameters=ReplyParameters(message_id=user_msg)
    )
    assert sent.message_id == user_msg + 1
    assert sent.from_user is not None and sent.from_user.id == 123456
    assert sent.chat.type == "private"
    assert sent.reply_to_message is not None
    assert sent.reply_to_message.text == "hello bot"

    edited = await bot.edit_message_text("Hello!", chat_id=CHAT, message_id=sent.message_id)
    assert isinstance(edited, Message)
    assert edited.text == "Hello!"
    assert edited.edit_date is not None

    [msg] = server.bot_messages(CHAT)
    assert msg.versions == ["Hel", "Hello!"]
    assert msg.reply_to == user_msg
    assert server.visible_texts(CHAT) == ["Hello!"]
    assert server.timeline(CHAT) == ["Hel", "Hello!"]


async def test_edit_with_same_content_is_not_modified(server: FakeTelegram, bot: Bot) -> None:
    ents = [MessageEntity(type="bold", offset=0, length=4)]
    sent = await bot.send_message(CHAT, "same text", entities=ents)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "same text", chat_id=CHAT, message_id=sent.message_id, entities=ents
        )
    # different entities on the same text are a modification
    await bot.edit_message_text("same text", chat_id=CHAT, message_id=sent.message_id)
    assert server.bot_messages(CHAT)[0].entities == []


async def test_empty_and_too_long_text(server: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(CHAT, "  \n ")
    await bot.send_message(CHAT, "a" * 4096)
    # 2049 emoji are 2049 code points but 4098 UTF-16 units
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(CHAT, "😀" * 2049)
    sent = await bot.send_message(CHAT, "short")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.edit_message_text("x" * 4097, chat_id=CHAT, message_id=sent.message_id)
    assert server.visible_texts(CHAT) == ["a" * 4096, "short"]


async def test_entity_beyond_utf16_length_is_rejected(server: FakeTelegram, bot: Bot) -> None:
    text = "😀 hi"  # 4 code points, 5 UTF-16 units
    assert utf16_len(text) == 5
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(
            CHAT, text, entities=[MessageEntity(type="bold", offset=4, length=2)]
        )
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(
            CHAT, text, entities=[MessageEntity(type="text_link", offset=0, length=2)]
        )
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(
            CHAT, text, entities=[MessageEntity(type="blink", offset=0, length=1)]
        )
    assert server.bot_messages(CHAT) == []


async def test_entity_with_utf16_offsets_is_accepted(server: FakeTelegram, bot: Bot) -> None:
    text = "😀 hi"
    # "hi" starts at UTF-16 offset 3; counting code points would say 2 and end at 4 < 5
    sent = await bot.send_message(
        CHAT,
        text,
        entities=[
            MessageEntity(type="bold", offset=3, length=2),
            MessageEntity(type="text_link", offset=0, length=2, url="https://example.org"),
        ],
    )
    assert sent.entities is not None
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("text_link", 0, 2),
        ("bold", 3, 2),
    ]
    assert sent.entities[1].extract_from(text) == "hi"


@pytest.mark.parametrize("mode", ["HTML", "MarkdownV2", "Markdown"])
async def test_a_parse_mode_is_refused_as_not_implemented(
    server: FakeTelegram, bot: Bot, mode: str
) -> None:
    """The bot sends entities; a parse_mode would be shown as raw markup if let through."""
    with pytest.raises(TelegramBadRequest, match="parse_mode is not implemented by FakeTelegram"):
        await bot.send_message(CHAT, "<b>bold</b>", parse_mode=mode)
    sent = await bot.send_message(CHAT, "plain")
    with pytest.raises(TelegramBadRequest, match="parse_mode is not implemented"):
        await bot.edit_message_text(
            "*x*", chat_id=CHAT, message_id=sent.message_id, parse_mode=mode
        )
    with pytest.raises(TelegramBadRequest, match="parse_mode is not implemented"):
        await bot.send_message_draft(CHAT, draft_id=1, text="_x_", parse_mode=mode)
    assert server.visible_texts(CHAT) == ["plain"]
    assert server.drafts(CHAT) == {}


async def test_reply_to_missing_message(server: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(CHAT, "hi", reply_parameters=ReplyParameters(message_id=77))
    sent = await bot.send_message(
        CHAT,
        "hi",
        reply_parameters=ReplyParameters(message_id=77, allow_sending_without_reply=True),
    )
    assert sent.reply_to_message is None
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(CHAT, "hi", reply_to_message_id=78)


# --------------------------------------------------------------------------- flood control


async def test_injected_429_and_violation(server: FakeTelegram, bot: Bot) -> None:
    server.fail_next(
        "sendMessage",
        error_code=429,
        description="Too Many Requests: retry after 5",
        retry_after=5,
        chat_id=CHAT,
    )
    await bot.send_message(CHAT + 1, "other chat is unaffected")
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(CHAT, "first")
    assert info.value.retry_after == 5
    assert server.too_many_requests == 1
    assert server.retry_after_violations == 0

    # limits are off, so it goes through, but it came 5 s too early
    await bot.send_message(CHAT, "too early")
    assert server.retry_after_violations == 1
    await bot.send_chat_action(CHAT, "typing")  # not a write: not a violation
    await bot.send_message(CHAT + 1, "other chat has no deadline")
    assert server.retry_after_violations == 1
    assert server.visible_texts(CHAT) == ["too early"]


async def test_private_chat_burst_then_429(limited: FakeTelegram, limited_bot: Bot) -> None:
    for i in range(3):
        await limited_bot.send_message(CHAT, f"msg {i}")
    with pytest.raises(TelegramRetryAfter) as info:
        await limited_bot.send_message(CHAT, "msg 3")
    assert info.value.retry_after == 1
    assert limited.too_many_requests == 1
    assert limited.calls[-1].status == 429
    assert limited.visible_texts(CHAT) == ["msg 0", "msg 1", "msg 2"]
    # another private chat has its own bucket
    await limited_bot.send_message(CHAT + 1, "hello")
    # ignoring retry_after is counted and refused again
    assert limited.retry_after_violations == 0
    with pytest.raises(TelegramRetryAfter):
        await limited_bot.send_message(CHAT, "ignoring retry_after")
    assert limited.retry_after_violations == 1
    # chat actions are not writes
    assert await limited_bot.send_chat_action(CHAT, "typing") is True
    # waiting out retry_after (here: the deadline itself, not a settling delay) is clean
    await asyncio.sleep(1.05)
    await limited_bot.send_message(CHAT, "after the wait")
    assert limited.retry_after_violations == 1
    assert limited.visible_texts(CHAT)[-1] == "after the wait"


async def test_group_rate_gives_longer_retry_after(
    limited: FakeTelegram, limited_bot: Bot
) -> None:
    for i in range(3):
        await limited_bot.send_message(GROUP, f"msg {i}")
    with pytest.raises(TelegramRetryAfter) as info:
        await limited_bot.send_message(GROUP, "msg 3")
    assert info.value.retry_after == 3  # 20 messages per minute -> one token per 3 s


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_global_bucket(transport: Transport) -> None:
    async with FakeTelegram(limits=Limits(global_rate=1.0, global_burst=2.0)) as tg:
        client = make_bot(tg, transport=transport)
        try:
            await client.send_message(1, "a")
            await client.send_message(2, "b")
            with pytest.raises(TelegramRetryAfter):
                await client.send_message(3, "c")
        finally:
            await client.session.close()
        assert tg.visible_texts(3) == []


# --------------------------------------------------------------------------- updates


async def test_long_poll_returns_update_added_later(server: FakeTelegram, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await server.wait_for(lambda: server.waiting_polls == 1)
    assert not poll.done()
    message_id = server.add_message(CHAT, "late hello")
    updates = await asyncio.wait_for(poll, timeout=5)
    assert len(updates) == 1
    assert updates[0].message is not None
    assert updates[0].message.message_id == message_id
    assert updates[0].message.text == "late hello"
    # unconfirmed updates are redelivered...
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [updates[0].update_id]
    # ...and confirming with offset drops them
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == []
    assert server.pending_updates == 0


async def test_long_poll_times_out_empty(server: FakeTelegram, bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await bot.get_updates(timeout=1) == []
    assert loop.time() - started >= 0.9


async def test_second_poll_terminates_first(server: FakeTelegram, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=30))
    await server.wait_for(lambda: server.waiting_polls == 1)
    assert await bot.get_updates(timeout=0) == []
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await first


async def test_get_updates_conflicts_with_webhook(server: FakeTelegram, bot: Bot) -> None:
    assert await bot.set_webhook("https://example.org/hook", secret_token="s3cret")
    assert server.webhook is not None
    assert server.webhook["secret_token"] == "s3cret"
    info = await bot.get_webhook_info()
    assert info.url == "https://example.org/hook"
    with pytest.raises(TelegramConflictError):
        await bot.get_updates()
    server.add_message(CHAT, "pending")
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert server.webhook is None
    assert server.pending_updates == 0
    assert await bot.get_updates() == []


async def test_update_shapes_parse_in_aiogram(server: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(GROUP, "bot says", message_thread_id=7)
    reply_id = server.add_message(
        GROUP,
        "/ask@test_bot more",
        reply_to_message_id=sent.message_id,
        message_thread_id=7,
        is_forum=True,
    )
    server.add_message(GROUP, "in topic", message_thread_id=7, is_forum=True)
    server.add_edited_message(GROUP, reply_id, "/ask@test_bot edited")
    server.add_message(CHAT, None, sticker=True)
    server.add_message(CHAT, "look", photo=True)
    server.add_stopped_generation(CHAT, draft_id=5)
    raw = await bot.get_updates()
    assert all(isinstance(u, Update) for u in raw)
    replying, topic, edited, sticker, photo, stopped = raw

    assert replying.message is not None and replying.message.reply_to_message is not None
    replied_from = replying.message.reply_to_message.from_user
    assert replied_from is not None and replied_from.id == 123456
    assert replying.message.chat.type == "supergroup"
    assert replying.message.chat.is_forum is True
    assert replying.message.is_topic_message is True
    assert replying.message.entities is not None
    assert replying.message.entities[0].type == "bot_command"
    assert replying.message.entities[0].length == len("/ask@test_bot")

    # Telegram makes non-reply topic messages reply to the topic's creation message
    assert topic.message is not None and topic.message.reply_to_message is not None
    assert topic.message.reply_to_message.forum_topic_created is not None

    assert edited.edited_message is not None
    assert edited.edited_message.text == "/ask@test_bot edited"
    assert sticker.message is not None and sticker.message.sticker is not None
    assert photo.message is not None and photo.message.photo and photo.message.caption == "look"
    assert stopped.stopped_message_generation is not None
    assert stopped.stopped_message_generation.draft_id == 5
    assert stopped.stopped_message_generation.chat.id == CHAT


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_dispatcher_polling_end_to_end(server: FakeTelegram, transport: Transport) -> None:
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(f"echo: {message.text}")

    client = make_bot(server, transport=transport)
    polling = asyncio.create_task(
        dp.start_polling(client, handle_signals=False, polling_timeout=30)
    )
    try:
        server.add_message(CHAT, "ping")
        await server.wait_for(lambda: server.visible_texts(CHAT) == ["echo: ping"])
        server.add_message(CHAT, "pong")
        await server.wait_for(lambda: len(server.visible_texts(CHAT)) == 2)
        # the next long poll confirms both updates
        await server.wait_for(lambda: server.pending_updates == 0)
    finally:
        await dp.stop_polling()
        await polling
    assert server.visible_texts(CHAT) == ["echo: ping", "echo: pong"]


async def test_wait_for_times_out_with_recent_calls(server: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(CHAT, "something")
    with pytest.raises(TimeoutError, match="sendMessage"):
        await server.wait_for(lambda: False, timeout=0.05)


# --------------------------------------------------------------------------- drafts


async def test_drafts_and_timeline(server: FakeTelegram, bot: Bot) -> None:
    assert await bot.send_message_draft(CHAT, draft_id=9, text="")
    assert await bot.send_message_draft(CHAT, draft_id=9, text="Hel")
    assert await bot.send_message_draft(CHAT, draft_id=9, text="Hello wor")
    assert server.open_drafts(CHAT) == {9: "Hello wor"}
    sent = await bot.send_message(CHAT, "Hello world")
    await bot.edit_message_text("Hello world!", chat_id=CHAT, message_id=sent.message_id)

    assert server.drafts(CHAT) == {9: ["", "Hel", "Hello wor"]}
    assert server.timeline(CHAT) == [
        "draft:",
        "draft:Hel",
        "draft:Hello wor",
        "Hello world",
        "Hello world!",
    ]
    assert server.open_drafts(CHAT) == {}  # the final message replaces the draft
    assert server.visible_texts(CHAT) == ["Hello world!"]


async def test_draft_rules(server: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="private chats"):
        await bot.send_message_draft(GROUP, draft_id=1, text="hi")
    with pytest.raises(TelegramBadRequest, match="draft_id must be non-zero"):
        await bot.send_message_draft(CHAT, draft_id=0, text="hi")
    assert server.drafts(GROUP) == {}
    assert server.drafts(CHAT) == {}


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_drafts_unsupported(transport: Transport) -> None:
    async with FakeTelegram(drafts_supported=False) as tg:
        client = make_bot(tg, transport=transport)
        try:
            with pytest.raises(TelegramBadRequest, match="method not available"):
                await client.send_message_draft(CHAT, draft_id=1, text="hi")
        finally:
            await client.session.close()
        assert tg.drafts(CHAT) == {}


# --------------------------------------------------------------------------- users acting


async def test_blocked_chat_is_forbidden(server: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "before")
    server.block_chat(CHAT)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(CHAT, "after")
    with pytest.raises(TelegramForbiddenError):
        await bot.edit_message_text("edited", chat_id=CHAT, message_id=sent.message_id)
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message_draft(CHAT, draft_id=1, text="draft")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_chat_action(CHAT, "typing")
    assert server.visible_texts(CHAT) == ["before"]
    await bot.send_message(CHAT + 1, "others still work")


async def test_user_deleted_message_cannot_be_edited(server: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "soon gone")
    kept = await bot.send_message(CHAT, "stays")
    server.user_deletes(CHAT, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("edit", chat_id=CHAT, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("edit", chat_id=CHAT, message_id=999)
    assert server.visible_texts(CHAT) == ["stays"]
    assert [m.deleted for m in server.bot_messages(CHAT)] == [True, False]
    assert await bot.delete_message(CHAT, kept.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(CHAT, kept.message_id)
    assert server.visible_texts(CHAT) == []


async def test_commands(server: FakeTelegram, bot: Bot) -> None:
    commands = [
        BotCommand(command="start", description="Start"),
        BotCommand(command="new", description="New chat"),
    ]
    assert await bot.set_my_commands(commands)
    assert server.commands == [
        {"command": "start", "description": "Start"},
        {"command": "new", "description": "New chat"},
    ]
    assert [c.command for c in await bot.get_my_commands()] == ["start", "new"]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad Name", description="x")])
    assert await bot.delete_my_commands()
    assert server.commands == []
    assert await bot.get_my_commands() == []


# --------------------------------------------------------------------------- transports


async def test_dispatch_answers_without_http() -> None:
    """The core needs no running HTTP server: the reply carries the exact HTTP body."""
    tg = FakeTelegram()
    reply = await tg.dispatch(TOKEN, "sendMessage", {"chat_id": str(CHAT), "text": "hi"})
    assert (reply.status, reply.content_type, reply.lost) == (200, "application/json", False)
    body = json.loads(reply.body)
    assert body["ok"] is True
    assert body["result"]["text"] == "hi"
    reply = await tg.dispatch(TOKEN, "sendMessage", {"chat_id": str(CHAT), "text": " "})
    assert reply.status == 400
    assert json.loads(reply.body) == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: message text is empty",
    }
    assert [c.status for c in tg.calls] == [200, 400]
    with pytest.raises(RuntimeError):
        _ = tg.base_url
    client = make_bot(tg, transport="inprocess")
    sent = await client.send_message(
        CHAT, "no sockets", entities=[MessageEntity(type="bold", offset=3, length=7)]
    )
    assert sent.message_id == 2
    assert tg.calls[-1].params["entities"] == [{"type": "bold", "offset": 3, "length": 7}]
    await client.session.close()


async def test_http_and_in_process_send_the_same_fields(server: FakeTelegram) -> None:
    """The in-process session serialises like AiohttpSession's form, field for field."""
    for transport in TRANSPORTS:
        client = make_bot(server, transport=transport)
        try:
            await client.send_message(
                CHAT,
                "same",
                entities=[MessageEntity(type="bold", offset=0, length=4)],
                reply_parameters=ReplyParameters(message_id=99, allow_sending_without_reply=True),
                disable_notification=True,
            )
        finally:
            await client.session.close()
    http, inprocess = server.calls_for("sendMessage")
    assert http.params == inprocess.params


class VirtualSelector(selectors.SelectSelector):
    """Never sleeps: when the loop would wait for its next timer, the clock jumps there."""

    def __init__(self) -> None:
        super().__init__()
        self.now = 0.0

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is None:
            return super().select(None)
        ready = super().select(0)
        if not ready and timeout > 0:
            self.now += timeout
        return ready


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """An event loop whose ``time()`` is virtual, like the ones benchmarks can use."""

    def __init__(self) -> None:
        self.virtual = VirtualSelector()
        super().__init__(self.virtual)

    def time(self) -> float:
        return self.virtual.now


def test_in_process_session_on_virtual_time() -> None:
    """Flood waits and long polls cost no real time when the server reads the loop's clock."""

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        server = FakeTelegram(limits=Limits(), clock=loop.time)
        client = make_bot(server, transport="inprocess")
        for i in range(3):
            await client.send_message(CHAT, f"msg {i}")
        with pytest.raises(TelegramRetryAfter) as info:
            await client.send_message(CHAT, "too fast")
        await asyncio.sleep(info.value.retry_after)
        await client.send_message(CHAT, "after the wait")
        assert server.retry_after_violations == 0
        assert server.calls[-1].at == info.value.retry_after
        started = loop.time()
        assert await client.get_updates(timeout=50) == []
        assert loop.time() - started >= 50

    started = time.monotonic()
    with asyncio.Runner(loop_factory=VirtualTimeLoop) as runner:
        runner.run(scenario())
    assert time.monotonic() - started < 5


# --------------------------------------------------------------------------- text normalisation


async def test_sent_and_edited_text_is_normalised(server: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(
        CHAT,
        "\u00a0 \nbold text\r\n\u3000",
        entities=[MessageEntity(type="bold", offset=3, length=4)],
    )
    assert sent.text == "bold text"
    assert sent.entities is not None
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 4)]
    bold = await bot.send_message(
        CHAT, "\nhi\u200b\n", entities=[MessageEntity(type="bold", offset=1, length=2)]
    )
    assert bold.text == "hi"
    assert [(e.type, e.offset, e.length) for e in bold.entities or []] == [("bold", 0, 2)]
    edited = await bot.edit_message_text(
        "\r\nbold\ttext \u2029", chat_id=CHAT, message_id=sent.message_id
    )
    assert isinstance(edited, Message)
    assert edited.text == "bold text"
    assert server.bot_messages(CHAT)[0].versions == ["bold text", "bold text"]
    assert await bot.send_message_draft(CHAT, draft_id=3, text=" draft \u00a0")
    assert server.drafts(CHAT) == {3: ["draft"]}
    assert await bot.send_message_draft(CHAT, draft_id=3, text="\u200b")  # empty draft is fine
    assert server.visible_texts(CHAT) == ["bold text", "hi"]


async def test_not_modified_compares_normalised_text(server: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "Hello")
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("Hello \n\u200b", chat_id=CHAT, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "Hello\r",
            chat_id=CHAT,
            message_id=sent.message_id,
            entities=[MessageEntity(type="bold", offset=5, length=1)],  # on "\r": dropped
        )


async def test_what_tdlib_removes_is_gone_from_the_sent_message(
    server: FakeTelegram, bot: Bot
) -> None:
    """The three combining vertical lines go, and an entity over one shrinks with it."""
    sent = await bot.send_message(
        CHAT, "A\u030ab\u0333c\u033f!", entities=[MessageEntity(type="bold", offset=2, length=4)]
    )
    assert sent.text == "Abc!"
    assert [(e.type, e.offset, e.length) for e in sent.entities or []] == [("bold", 1, 2)]
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "Ab\u0333c!",
            chat_id=CHAT,
            message_id=sent.message_id,
            entities=[MessageEntity(type="bold", offset=1, length=3)],
        )
    # a text of U+FFFC and tag characters only is empty, as tdlib's is_empty_string says
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(CHAT, "\ufffc \U000e0041")
    # without entities a run of direction marks keeps its last; the others become U+200C
    marks = await bot.send_message(CHAT, "a\u200e\u200f\u200eb")
    assert marks.text == "a\u200c\u200c\u200eb"
    assert server.visible_texts(CHAT) == ["Abc!", "a\u200c\u200c\u200eb"]


async def test_a_lone_surrogate_is_not_utf8(server: FakeTelegram) -> None:
    """JSON can carry "\\ud800"; Telegram refuses such text instead of failing inside."""
    status, body = await raw_post(
        server, f"/bot{TOKEN}/sendMessage", json={"chat_id": CHAT, "text": "a\ud800b"}
    )
    assert (status, body["description"]) == (400, "Bad Request: strings must be encoded in UTF-8")
    reply = await server.dispatch(TOKEN, "sendMessage", {"chat_id": str(CHAT), "text": "\udc00"})
    assert reply.status == 400
    assert json.loads(reply.body)["description"] == "Bad Request: strings must be encoded in UTF-8"
    assert server.bot_messages(CHAT) == []
    assert server.internal_errors == []


async def test_text_refusal_counters(server: FakeTelegram, bot: Bot) -> None:
    for blank in ("\u200b\u00a0", "\r\n\u3000 ", "\u2028\ufeff"):
        with pytest.raises(TelegramBadRequest, match="message text is empty"):
            await bot.send_message(CHAT, blank)
    sent = await bot.send_message(CHAT, "ok")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.edit_message_text("\u2800", chat_id=CHAT, message_id=sent.message_id)
    assert server.empty_text_refusals == 4

    server.max_text_units = 10
    await bot.send_message(CHAT, "x" * 10 + " \u00a0\n")  # the limit applies after trimming
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(CHAT, "😀" * 5 + "x")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.edit_message_text("y" * 11, chat_id=CHAT, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message_draft(CHAT, draft_id=1, text="z" * 11)
    assert server.too_long_refusals == 3

    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(
            CHAT, "hi", entities=[MessageEntity(type="bold", offset=1, length=2)]
        )
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(
            CHAT, "😀", entities=[MessageEntity(type="bold", offset=1, length=1)]
        )
    assert server.entity_refusals == 2
    # injected errors are not the bot's fault and are not counted
    server.fail_next(
        "sendMessage", error_code=400, description="Bad Request: message text is empty"
    )
    with pytest.raises(TelegramBadRequest):
        await bot.send_message(CHAT, "fine")
    assert (server.empty_text_refusals, server.too_long_refusals) == (4, 3)


# --------------------------------------------------------------------------- fault injection


async def test_html_error_page(server: FakeTelegram, bot: Bot) -> None:
    server.fail_next("sendMessage", error_code=502, html=True, chat_id=CHAT)
    with pytest.raises(ClientDecodeError):
        await bot.send_message(CHAT, "behind a broken proxy")
    call = server.calls[-1]
    assert (call.status, call.description) == (502, "Bad Gateway")
    assert server.visible_texts(CHAT) == []
    await bot.send_message(CHAT, "proxy is back")
    assert server.visible_texts(CHAT) == ["proxy is back"]

    server.fail_next("getMe", error_code=502, html=True)
    reply = await server.dispatch(TOKEN, "getMe", {})
    assert (reply.status, reply.content_type) == (502, "text/html")
    assert "<title>502 Bad Gateway</title>" in reply.body
    server.fail_next("getMe", error_code=504, html=True)
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{server.base_url}/bot{TOKEN}/getMe") as resp,
    ):
        assert resp.status == 504
        assert resp.content_type == "text/html"
        assert "<h1>504 Gateway Timeout</h1>" in await resp.text()


async def test_injected_migration(server: FakeTelegram, bot: Bot) -> None:
    server.fail_next(
        "sendMessage",
        error_code=400,
        description="Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=GROUP,
    )
    with pytest.raises(TelegramMigrateToChat) as info:
        await bot.send_message(-77, "to the old group")
    assert info.value.migrate_to_chat_id == GROUP


async def test_lost_answers(server: FakeTelegram, bot: Bot) -> None:
    server.lose_next("sendMessage", chat_id=CHAT)
    await bot.send_message(CHAT + 1, "other chat is answered")
    with pytest.raises(TelegramNetworkError, match="ServerDisconnectedError"):
        await bot.send_message(CHAT, "sent, but unanswered")
    assert server.visible_texts(CHAT) == ["sent, but unanswered"]  # it did go out
    [lost] = server.lost_calls
    assert (lost.method, lost.ok, lost.result["message_id"]) == ("sendMessage", True, 1)
    again = await bot.send_message(CHAT, "answered")
    assert again.message_id == 2  # the lost call consumed id 1
    assert server.calls[-1].lost is False

    # a retried lost edit is "not modified", and the client could not have known
    server.lose_next("editMessageText", count=2)
    with pytest.raises(TelegramNetworkError):
        await bot.edit_message_text("answered!", chat_id=CHAT, message_id=2)
    with pytest.raises(TelegramNetworkError):
        await bot.edit_message_text("answered!", chat_id=CHAT, message_id=2)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("answered!", chat_id=CHAT, message_id=2)
    assert server.bot_messages(CHAT)[1].versions == ["answered", "answered!"]
    assert [c.status for c in server.lost_calls] == [200, 200, 400]
    assert server.not_modified_unexplained == 0

    # repeating a text the client saw acknowledged is the client's bug
    await bot.edit_message_text("answered!!", chat_id=CHAT, message_id=2)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("answered!!", chat_id=CHAT, message_id=2)
    assert server.not_modified_unexplained == 1
    # so is editing a message to the text of a lost send whose edits were answered
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("sent, but unanswered", chat_id=CHAT, message_id=1)
    assert server.not_modified_unexplained == 1  # its last change was the lost send


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_drafts_missing_on_old_servers(transport: Transport) -> None:
    async with FakeTelegram(drafts="missing") as tg:
        client = make_bot(tg, transport=transport)
        try:
            with pytest.raises(TelegramNotFound, match="Not Found"):
                await client.send_message_draft(CHAT, draft_id=1, text="hi")
            tg.drafts_mode = "refused"
            with pytest.raises(TelegramBadRequest, match="method not available"):
                await client.send_message_draft(CHAT, draft_id=1, text="hi")
            assert tg.drafts_supported is False
            tg.drafts_supported = True
            assert await client.send_message_draft(CHAT, draft_id=1, text="hi")
        finally:
            await client.session.close()
        assert tg.drafts(CHAT) == {1: ["hi"]}


async def test_migrated_group(server: FakeTelegram, bot: Bot) -> None:
    old = -4242
    server.add_message(old, "hi", chat_type="group", chat_title="Team")
    sent = await bot.send_message(old, "before the upgrade")
    server.migrate_chat(old, GROUP)
    writes = [
        bot.send_message(old, "after"),
        bot.edit_message_text("edited", chat_id=old, message_id=sent.message_id),
        bot.send_chat_action(old, "typing"),
        bot.delete_message(old, sent.message_id),
    ]
    for write in writes:
        with pytest.raises(TelegramMigrateToChat, match="group chat was upgraded") as info:
            await write
        assert info.value.migrate_to_chat_id == GROUP
    assert server.calls[-1].status == 400
    assert server.visible_texts(old) == ["before the upgrade"]
    moved = await bot.send_message(GROUP, "after")
    assert (moved.chat.type, moved.chat.title, moved.message_id) == ("supergroup", "Team", 1)
    assert await bot.send_chat_action(GROUP, "typing")
    assert await bot.delete_message(GROUP, moved.message_id)


WRONG_URLS = [
    "./docs/guide.md",
    "docs/guide.md",
    "#anchor",
    "mailto:someone@example.org",
    "javascript:alert(1)",
    "http://localhost:8080",
    "sftp://example.org",
    "https://exa mple.org",
    "https://example.org:0",
    "tg://example.org",
]
GOOD_URLS = [
    "https://example.org/a?b=1#c",
    "HTTP://example.org:8080",
    "example.org/path",
    "http://[2001:db8::1]/x",
    "tg://resolve?domain=telegram",
    "tg://user?id=42",
]


async def test_text_link_urls_are_checked(server: FakeTelegram, bot: Bot) -> None:
    for url in WRONG_URLS:
        with pytest.raises(
            TelegramBadRequest,
            match="can't parse entities: Wrong HTTP URL in text_link entity at index 1",
        ):
            await bot.send_message(
                CHAT,
                "see the guide",
                entities=[
                    MessageEntity(type="bold", offset=0, length=3),
                    MessageEntity(type="text_link", offset=8, length=5, url=url),
                ],
            )
    assert server.entity_refusals == len(WRONG_URLS)
    assert server.bot_messages(CHAT) == []
    for url in GOOD_URLS:
        sent = await bot.send_message(
            CHAT, "link", entities=[MessageEntity(type="text_link", offset=0, length=4, url=url)]
        )
        assert sent.entities is not None and sent.entities[0].url == url


async def test_foreign_messages_take_ids(server: FakeTelegram, bot: Bot) -> None:
    first = await bot.send_message(GROUP, "first")
    ids = server.add_foreign_messages(GROUP, count=3)
    assert ids == [first.message_id + 1, first.message_id + 2, first.message_id + 3]
    second = await bot.send_message(GROUP, "second")
    assert second.message_id == first.message_id + 4
    foreign = server.message(GROUP, ids[0])
    assert foreign is not None and foreign["from"]["is_bot"] is False
    assert "text" in foreign
    assert server.pending_updates == 0  # privacy mode: the bot does not see them
    # the bot can reply to them
    await bot.send_message(GROUP, "re", reply_parameters=ReplyParameters(message_id=ids[1]))


# --------------------------------------------------------------------------- files


async def test_photo_and_document_through_get_file(server: FakeTelegram, bot: Bot) -> None:
    image = b"\xff\xd8\xff\xe0 not really a jpeg"
    server.add_photo(CHAT, image, caption="look", width=1600, height=1200)
    server.add_document(
        GROUP, b"%PDF-1.7", file_name="report.pdf", mime_type="application/pdf", caption="pdf"
    )
    photo_update, document_update = await bot.get_updates()
    photo = photo_update.message
    assert photo is not None and photo.photo is not None and photo.caption == "look"
    assert [(p.width, p.height) for p in photo.photo] == [
        (90, 68),
        (320, 240),
        (800, 600),
        (1600, 1200),
    ]
    assert all(p.file_size == len(image) for p in photo.photo)
    file = await bot.get_file(photo.photo[-1].file_id)
    assert file.file_path is not None and file.file_path.startswith("photos/")
    assert (file.file_size, file.file_unique_id) == (len(image), photo.photo[-1].file_unique_id)

    document = document_update.message
    assert document is not None and document.document is not None
    assert (document.document.file_name, document.document.mime_type) == (
        "report.pdf",
        "application/pdf",
    )
    assert document.caption == "pdf"
    file = await bot.get_file(document.document.file_id)
    assert file.file_path is not None and file.file_path.endswith(".pdf")

    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("no-such-file")
    server.add_document(CHAT, bytes(20 * 1024 * 1024 + 1), file_name="big.bin", mime_type="x/y")
    big = (await bot.get_updates(offset=document_update.update_id + 1))[0].message
    assert big is not None and big.document is not None
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file(big.document.file_id)


async def test_file_download_over_http(server: FakeTelegram) -> None:
    data = bytes(range(256)) * 100
    server.add_document(CHAT, data, file_name="blob.bin", mime_type="application/octet-stream")
    client = make_bot(server)
    try:
        [update] = await client.get_updates()
        assert update.message is not None and update.message.document is not None
        file = await client.get_file(update.message.document.file_id)
        assert file.file_path is not None
        downloaded = await client.download_file(file.file_path)
        assert downloaded is not None and downloaded.read() == data
        assert server.downloads == [file.file_path]
    finally:
        await client.session.close()
    async with aiohttp.ClientSession() as session:
        url = f"{server.base_url}/file/bot{TOKEN}/{file.file_path}"
        async with session.get(url.replace(TOKEN, "999:WRONG")) as resp:
            assert resp.status == 401
        async with session.get(f"{server.base_url}/file/bot{TOKEN}/documents/nope") as resp:
            assert resp.status == 404
        # a path exists only once getFile issued it
        server.add_document(CHAT, b"later", file_name="later.txt", mime_type="text/plain")
        async with session.get(f"{server.base_url}/file/bot{TOKEN}/documents/file_1.txt") as resp:
            assert resp.status == 404


# --------------------------------------------------------------------------- who writes


async def test_reply_with_quote(server: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "Hello 😀 world, again")
    server.add_message(CHAT, "why world?", reply_to_message_id=sent.message_id, quote="world")
    [update] = await bot.get_updates()
    message = update.message
    assert message is not None and message.reply_to_message is not None
    assert message.reply_to_message.message_id == sent.message_id
    assert message.quote is not None
    assert (message.quote.text, message.quote.position, message.quote.is_manual) == (
        "world",
        9,  # UTF-16: the emoji counts twice
        True,
    )
    with pytest.raises(ValueError, match="not part of"):
        server.add_message(CHAT, "x", reply_to_message_id=sent.message_id, quote="absent")
    with pytest.raises(ValueError, match="needs reply_to_message_id"):
        server.add_message(CHAT, "x", quote="world")


async def test_messages_on_behalf_of_a_chat(server: FakeTelegram, bot: Bot) -> None:
    server.add_message(GROUP, "/ask hi", sender_chat_id=GROUP, sender_chat_title="Team")
    server.add_message(GROUP, "from the channel", sender_chat_id=-100777, sender_chat_title="News")
    anonymous, channel = await bot.get_updates()
    assert anonymous.message is not None and anonymous.message.from_user is not None
    assert anonymous.message.from_user.id == 1087968824
    assert anonymous.message.from_user.username == "GroupAnonymousBot"
    assert anonymous.message.sender_chat is not None
    assert anonymous.message.sender_chat.id == GROUP == anonymous.message.chat.id
    assert anonymous.message.chat.title == "Team"
    assert channel.message is not None and channel.message.sender_chat is not None
    assert (channel.message.sender_chat.type, channel.message.sender_chat.title) == (
        "channel",
        "News",
    )
    assert channel.message.from_user is not None and channel.message.from_user.id == 136817688
    with pytest.raises(ValueError):
        server.add_message(CHAT, "x", sender_chat_id=CHAT)


async def test_chat_members_and_administrators(server: FakeTelegram, bot: Bot) -> None:
    server.add_message(GROUP, "hi", user_id=2001, first_name="Ann")
    server.set_admins(GROUP, [2001, 2002], creator=2000)
    admin = await bot.get_chat_member(GROUP, 2001)
    assert isinstance(admin, ChatMemberAdministrator)
    assert admin.user.first_name == "Ann"
    assert admin.can_delete_messages is True
    assert isinstance(await bot.get_chat_member(GROUP, 2000), ChatMemberOwner)
    assert isinstance(await bot.get_chat_member(GROUP, 3000), ChatMemberMember)
    me = await bot.get_chat_member(GROUP, 123456)
    assert isinstance(me, ChatMemberMember) and me.user.is_bot is True
    admins = await bot.get_chat_administrators(GROUP)
    assert [(m.status, m.user.id) for m in admins] == [
        ("creator", 2000),
        ("administrator", 2001),
        ("administrator", 2002),
    ]
    with pytest.raises(TelegramBadRequest, match="no administrators in the private chat"):
        await bot.get_chat_administrators(CHAT)
    assert isinstance(await bot.get_chat_member(CHAT, CHAT), ChatMemberMember)
    server.set_admins(GROUP, [2002])
    assert isinstance(await bot.get_chat_member(GROUP, 2001), ChatMemberMember)
    assert isinstance(await bot.get_chat_member(GROUP, 2000), ChatMemberMember)
    assert [m.user.id for m in await bot.get_chat_administrators(GROUP)] == [2002]


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_delayed_chat_is_slow_alone_and_its_calls_still_take_effect(
    server: FakeTelegram, transport: Transport
) -> None:
    client = make_bot(server, transport=transport)
    try:
        server.delay_chat(CHAT, 30)
        slow = asyncio.create_task(client.send_message(CHAT, "slow"))
        await server.wait_for(lambda: server.held == 1)
        await client.send_message(CHAT + 1, "not held up")
        assert server.visible_texts(CHAT + 1) == ["not held up"]
        assert server.visible_texts(CHAT) == []
        server.delay_method("getMe", 0.2)
        started = time.monotonic()
        await client.get_me()
        assert time.monotonic() - started >= 0.2
        assert server.held == 1
        if transport == "http":  # in-process, cancelling the client cancels the call
            slow.cancel()  # the client gives up; Telegram still carries the call out
            await asyncio.gather(slow, return_exceptions=True)
            await server.wait_for(lambda: server.abandoned == 1)
        server.delay_chat(CHAT, 0)  # releases the call waiting now
        await server.wait_for(lambda: server.visible_texts(CHAT) == ["slow"])
        assert server.held == 0
        await asyncio.gather(slow, return_exceptions=True)
    finally:
        await client.session.close()


async def test_a_delayed_call_ends_when_the_server_closes() -> None:
    async with FakeTelegram() as tg:
        client = make_bot(tg)
        tg.delay_method("getMe", 60)
        call = asyncio.create_task(client.get_me())
        await tg.wait_for(lambda: tg.held == 1)
        await tg.close()
        await asyncio.wait_for(asyncio.gather(call, return_exceptions=True), 10)
        await client.session.close()
    assert tg.held == 0


async def test_resend_delivers_an_update_again_with_the_same_id(
    server: FakeTelegram, bot: Bot
) -> None:
    server.add_message(CHAT, "once")
    updates = await bot.get_updates(timeout=0)
    first = updates[0].update_id
    server.resend(first)
    again = await bot.get_updates(offset=first + 1, timeout=0)
    assert [u.update_id for u in again] == [first]
    assert again[0].message is not None and again[0].message.text == "once"


async def test_a_revoked_token_is_unauthorized_from_then_on(
    server: FakeTelegram, bot: Bot
) -> None:
    await bot.get_me()
    server.revoke_token()
    with pytest.raises(TelegramUnauthorizedError):
        await bot.get_me()
    assert [c.status for c in server.calls] == [200, 401]
