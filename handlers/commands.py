"""/start, /help, /reset, /retry — in private chats and, as /cmd or /cmd@bot, in groups."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import Message

from bot import texts
from bot.config import Settings
from bot.conversation import Conversations
from bot.delivery import Delivery
from bot.guard import RateLimiter
from handlers.context import chat_key, language, reply_target
from handlers.guard import refusal


async def start(message: Message, delivery: Delivery) -> None:
    name = message.from_user.first_name if message.from_user else ""
    await delivery.say(reply_target(message), texts.t(language(message), "start", name=name))


async def help_(message: Message, bot: Bot, delivery: Delivery) -> None:
    me = await bot.me()
    text = texts.t(language(message), "help", username=me.username or "bot")
    await delivery.say(reply_target(message), text)


async def reset(message: Message, conversations: Conversations, delivery: Delivery) -> None:
    lang = language(message)
    conversations.reset(chat_key(message), lang=lang)
    await delivery.say(reply_target(message), texts.t(lang, "reset"))


async def retry(
    message: Message,
    conversations: Conversations,
    delivery: Delivery,
    limiter: RateLimiter,
    settings: Settings,
) -> None:
    target = reply_target(message)
    problem = refusal(message, "", limiter, settings)
    if problem:
        await delivery.say(target, problem)
    elif not await conversations.retry(chat_key(message), target):
        await delivery.say(target, texts.t(language(message), "nothing_to_retry"))


def create_router() -> Router:
    """A fresh router (a router attaches to one Dispatcher only)."""
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    router.message.register(help_, Command("help"))
    router.message.register(reset, Command("reset"))
    router.message.register(retry, Command("retry"))
    return router
