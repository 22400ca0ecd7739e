"""Private chats: every text, captioned or not picture is a question; other messages get a hint."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.types import Message

from bot import texts
from bot.config import Settings
from bot.conversation import Conversations
from bot.delivery import Delivery
from bot.guard import QuestionLimit
from handlers.asking import ask
from handlers.context import language, reply_target, text_of


async def question(
    message: Message,
    bot: Bot,
    conversations: Conversations,
    delivery: Delivery,
    limiter: QuestionLimit,
    settings: Settings,
    second_try: bool = False,
    on_visible: Callable[[], Awaitable[None]] | None = None,
) -> None:
    prompt, _ = text_of(message)
    await ask(
        message,
        prompt,
        bot=bot,
        conversations=conversations,
        delivery=delivery,
        limiter=limiter,
        settings=settings,
        second_try=second_try,
        on_visible=on_visible,
    )


async def not_text(message: Message, delivery: Delivery) -> None:
    await delivery.say(reply_target(message), texts.t(language(message), "text_only"))


def create_router() -> Router:
    """A fresh router (a router attaches to one Dispatcher only)."""
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(question, F.text | F.photo | F.document.mime_type.startswith("image/"))
    router.message.register(not_text)
    return router
