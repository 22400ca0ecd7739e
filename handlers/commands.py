"""/start, /help, /reset, /retry — in private chats and, as /cmd or /cmd@bot, in groups."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message

from bot import texts
from bot.config import Settings
from bot.conversation import Conversations
from bot.guard import RateLimiter
from handlers.context import chat_key, language, reply_target
from handlers.guard import refusal


async def start(message: Message) -> None:
    name = message.from_user.first_name if message.from_user else ""
    await message.answer(texts.t(language(message), "start", name=name))


async def help_(message: Message, bot: Bot) -> None:
    me = await bot.me()
    await message.answer(texts.t(language(message), "help", username=me.username or "bot"))


async def reset(message: Message, conversations: Conversations) -> None:
    lang = language(message)
    conversations.reset(chat_key(message), lang=lang)
    await message.answer(texts.t(lang, "reset"))


async def retry(
    message: Message, conversations: Conversations, limiter: RateLimiter, settings: Settings
) -> None:
    problem = refusal(message, "", limiter, settings)
    if problem:
        await message.answer(problem)
        return
    if not await conversations.retry(chat_key(message), reply_target(message)):
        await message.answer(texts.t(language(message), "nothing_to_retry"))


def create_router() -> Router:
    """A fresh router (a router attaches to one Dispatcher only)."""
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    router.message.register(help_, Command("help"))
    router.message.register(reset, Command("reset"))
    router.message.register(retry, Command("retry"))
    return router
