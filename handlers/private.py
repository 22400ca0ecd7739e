"""Private chats: every text, captioned or not picture is a question (an album, or a long paste
the app split, is one); other messages get a hint."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.types import Message

from bot import texts
from bot.delivery import Delivery
from bot.gathering import Gathering
from bot.seams import Attempt
from handlers.asking import Asking, gather, joined_text
from handlers.context import language, reply_target
from handlers.filters import InLoop


async def question(
    message: Message, asking: Asking, attempt: Attempt, gathering: Gathering
) -> None:
    async with gather(gathering, message, attempt) as parts:
        if parts is None:
            return  # a part of a question another update answers
        await asking.ask(parts, joined_text(parts), attempt)


async def not_text(message: Message, delivery: Delivery) -> None:
    await delivery.say(reply_target(message), texts.t(language(message), "text_only"))


def create_router() -> Router:
    """A fresh router (a router attaches to one Dispatcher only)."""
    router = Router(name=__name__)
    router.message.filter(InLoop(F.chat.type == ChatType.PRIVATE))
    asks = F.text | F.photo | F.document.mime_type.startswith("image/")
    router.message.register(question, InLoop(asks))
    router.message.register(not_text)
    return router
