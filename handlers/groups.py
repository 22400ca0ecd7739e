"""Groups: answer only messages (or captioned pictures) that mention the bot or reply to it,
naming each speaker."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.types import Message

from bot import texts
from bot.config import Settings
from bot.conversation import Conversations
from bot.delivery import Delivery
from bot.pictures import picture_file
from bot.seams import Attempt, QuestionLimit
from handlers.asking import ask
from handlers.context import reply_target
from handlers.filters import AddressedToBot


async def question(
    message: Message,
    prompt: str,
    conversations: Conversations,
    delivery: Delivery,
    bot: Bot,
    limiter: QuestionLimit,
    settings: Settings,
    attempt: Attempt,
) -> None:
    if not prompt and picture_file(message) is None:
        target = reply_target(message)
        me = await bot.me()
        await delivery.say(target, texts.t(target.lang, "help", username=me.username or "bot"))
        return
    await ask(
        message,
        prompt,
        bot=bot,
        conversations=conversations,
        delivery=delivery,
        limiter=limiter,
        settings=settings,
        attempt=attempt,
    )


def create_router() -> Router:
    """A fresh router (a router attaches to one Dispatcher only)."""
    router = Router(name=__name__)
    router.message.filter(F.chat.type.in_({ChatType.GROUP, ChatType.SUPERGROUP}))
    router.message.register(question, AddressedToBot())
    return router
