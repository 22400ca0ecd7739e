"""Groups: answer only messages that mention the bot or reply to it, naming each speaker."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.types import Message

from bot import texts
from bot.config import Settings
from bot.conversation import Conversations
from bot.delivery import Delivery
from bot.guard import RateLimiter
from handlers.context import chat_key, reply_target, speaker
from handlers.filters import AddressedToBot
from handlers.guard import refusal


async def ask(
    message: Message,
    prompt: str,
    conversations: Conversations,
    delivery: Delivery,
    bot: Bot,
    limiter: RateLimiter,
    settings: Settings,
) -> None:
    target = reply_target(message)
    if not prompt:
        me = await bot.me()
        await delivery.say(target, texts.t(target.lang, "help", username=me.username or "bot"))
        return
    problem = refusal(message, prompt, limiter, settings)
    if problem:
        await delivery.say(target, problem)
        return
    turn = f"{speaker(message)}: {prompt}"
    await conversations.answer(chat_key(message), reply_target(message), turn)


def create_router() -> Router:
    """A fresh router (a router attaches to one Dispatcher only)."""
    router = Router(name=__name__)
    router.message.filter(F.chat.type.in_({ChatType.GROUP, ChatType.SUPERGROUP}))
    router.message.register(ask, F.text, AddressedToBot())
    return router
