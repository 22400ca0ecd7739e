"""Filters: whether a group message is meant for the bot, and `InLoop` for every magic filter."""

from __future__ import annotations

import re
from typing import Any

from aiogram import Bot
from aiogram.filters import Filter
from aiogram.types import Message, TelegramObject, User
from magic_filter import MagicFilter

from bot.pictures import picture_file
from handlers.context import message_text

_AFTER_MENTION = frozenset(" ,:;")


class InLoop(Filter):
    """A magic filter (`F.text`, `F.chat.type == ...`, `F.func(f)`) checked in the event loop.

    aiogram runs every filter that is not a coroutine in a worker thread (`asyncio.to_thread`),
    once per update it meets: a private text passed eight such hops on its way to its handler,
    and the thread hand-offs were the largest single cost in the bot's profile under load
    (bench.streaming). These checks only read an update's attributes, which takes
    microseconds here. Register every magic filter through this class; a test walks the
    routers and fails on a filter or handler that would run in a thread.
    """

    def __init__(self, magic: MagicFilter) -> None:
        self.magic = magic

    async def __call__(self, event: TelegramObject) -> Any:
        return self.magic.resolve(event)

    def __str__(self) -> str:
        return f"InLoop({self.magic!r})"


def strip_mentions(message: Message, me: User) -> tuple[str, bool]:
    """The text (or caption) without mentions of the bot, and whether there was one.

    Telegram counts entity offsets in UTF-16 code units, so the cut is made in UTF-16.
    """
    text, entities = message_text(message)
    username = f"@{me.username}".lower() if me.username else None
    spans: list[tuple[int, int]] = []
    for entity in entities:
        if entity.type == "mention" and username:
            if entity.extract_from(text).lower() == username:
                spans.append((entity.offset, entity.offset + entity.length))
        elif entity.type == "text_mention" and entity.user and entity.user.id == me.id:
            spans.append((entity.offset, entity.offset + entity.length))
    if not spans:
        return text, False
    units = text.encode("utf-16-le")
    kept = bytearray()
    position = 0
    for start, end in sorted(spans):
        kept += units[position * 2 : start * 2]
        position = end
        # "@bot, question" -> "question": the comma or colon belonged to the address
        while units[position * 2 : position * 2 + 2].decode("utf-16-le") in _AFTER_MENTION:
            if position * 2 >= len(units):
                break
            position += 1
    kept += units[position * 2 :]
    return re.sub(r"[ \t]{2,}", " ", kept.decode("utf-16-le")).strip(), True


class AddressedToBot(Filter):
    """A group message (text, or a picture's caption) that @mentions the bot or replies to one
    of its messages; with `media`, any message (a voice note, a file) addressed so.

    Passes the prompt (the text without the mention) to the handler as `prompt`.
    """

    def __init__(self, *, media: bool = False) -> None:
        self.media = media

    async def __call__(self, message: Message, bot: Bot) -> bool | dict[str, Any]:
        if not self.media and message.text is None and picture_file(message) is None:
            return False
        me = await bot.me()
        prompt, mentioned = strip_mentions(message, me)
        replied = message.reply_to_message
        is_reply = bool(replied and replied.from_user and replied.from_user.id == me.id)
        if not (mentioned or is_reply):
            return False
        return {"prompt": prompt}
