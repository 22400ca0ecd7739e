"""Private chats: every text message is a question; other messages get a hint."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.types import Message

from bot import texts
from bot.config import Settings
from bot.conversation import Conversations
from bot.delivery import Delivery
from bot.guard import RateLimiter
from handlers.context import chat_key, language, reply_target
from handlers.guard import refusal


async def ask(
    message: Message,
    conversations: Conversations,
    delivery: Delivery,
    limiter: RateLimiter,
    settings: Settings,
) -> None:
    question = message.text or ""
    problem = refusal(message, question, limiter, settings)
    if problem:
        await delivery.say(reply_target(message), problem)
        return
    await conversations.answer(chat_key(message), reply_target(message), question)


async def not_text(message: Message, delivery: Delivery) -> None:
    await delivery.say(reply_target(message), texts.t(language(message), "text_only"))


def create_router() -> Router:
    """A fresh router (a router attaches to one Dispatcher only)."""
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(ask, F.text)
    router.message.register(not_text)
    return router
