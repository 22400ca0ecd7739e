"""Edited messages: the user corrects the question being answered, or the chat's latest
answered one, and the answer is redone for the new text in place of the old. Edits of older
messages change nothing (Telegram reports every edit, also of messages long answered)."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.types import Message

from bot.config import Settings
from bot.conversation import Conversations
from bot.delivery import Delivery
from bot.pictures import picture_file
from bot.seams import Attempt, QuestionLimit
from handlers.asking import ask
from handlers.context import chat_key, is_group, message_text
from handlers.filters import strip_mentions


async def edited(
    message: Message,
    bot: Bot,
    conversations: Conversations,
    delivery: Delivery,
    limiter: QuestionLimit,
    settings: Settings,
    attempt: Attempt,
) -> None:
    if not conversations.revisable(chat_key(message), message.message_id):
        return  # an older message, or one that was never a question
    if is_group(message):  # it addressed the bot when it was asked; the mention still goes
        prompt, _ = strip_mentions(message, await bot.me())
    else:
        prompt, _ = message_text(message)
    if not prompt and picture_file(message) is None:
        return  # edited down to nothing: the answer stays as it is
    await ask(
        [message],
        prompt,
        bot=bot,
        conversations=conversations,
        delivery=delivery,
        limiter=limiter,
        settings=settings,
        attempt=attempt,
        revise=True,
    )


def create_router() -> Router:
    """A fresh router (a router attaches to one Dispatcher only)."""
    router = Router(name=__name__)
    router.edited_message.register(edited)
    return router
