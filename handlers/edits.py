"""Edited messages: the user corrects the question being answered, or the chat's latest
answered one, and the answer is redone for the new text in place of the old. Edits of older
messages change nothing (Telegram reports every edit, also of messages long answered)."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import Message

from bot.pictures import picture_file
from bot.seams import Attempt
from handlers.asking import Asking
from handlers.context import chat_key, is_group, message_text
from handlers.filters import strip_mentions


async def edited(message: Message, asking: Asking, attempt: Attempt) -> None:
    if not asking.conversations.revisable(chat_key(message), message.message_id):
        return  # an older message, or one that was never a question
    if is_group(message):  # it addressed the bot when it was asked; the mention still goes
        prompt, _ = strip_mentions(message, await asking.bot.me())
    else:
        prompt, _ = message_text(message)
    if not prompt and picture_file(message) is None:
        return  # edited down to nothing: the answer stays as it is
    await asking.ask([message], prompt, attempt, revise=True)


def create_router() -> Router:
    """A fresh router (a router attaches to one Dispatcher only)."""
    router = Router(name=__name__)
    router.edited_message.register(edited)
    return router
