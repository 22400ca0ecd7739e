"""Groups: answer only messages (or captioned pictures) that mention the bot or reply to it,
naming each speaker. An album counts as addressed when its caption is; a long paste the app
split continues without a second mention."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Filter
from aiogram.types import Message, User

from bot import texts
from bot.gathering import Gathering
from bot.pictures import picture_file
from bot.seams import Attempt
from handlers.asking import PASTE_JOIN, Asking, gather, main_part
from handlers.context import chat_key, reply_target, sender_key
from handlers.filters import AddressedToBot, InLoop, strip_mentions


class ContinuesPaste(Filter):
    """A text from a member whose long paste is being gathered: it may be the next part."""

    async def __call__(self, message: Message, gathering: Gathering) -> bool:
        return message.text is not None and gathering.expects(
            chat_key(message), sender_key(message)
        )


def addressed_prompt(parts: Sequence[Message], me: User) -> str | None:
    """The question's text without mentions of the bot; None when no part mentions the bot or
    replies to it (an album whose caption does not address the bot is not a question)."""
    prompts, addressed = [], False
    for part in parts:
        text, mentioned = strip_mentions(part, me)
        replied = part.reply_to_message
        addressed |= mentioned or bool(
            replied and replied.from_user and replied.from_user.id == me.id
        )
        if text:
            prompts.append(text)
    return PASTE_JOIN.join(prompts) if addressed else None


async def question(
    message: Message, asking: Asking, attempt: Attempt, gathering: Gathering
) -> None:
    async with gather(gathering, message, attempt) as parts:
        if parts is None:
            return  # a part of a question another update answers
        me = await asking.bot.me()
        prompt = addressed_prompt(parts, me)
        if prompt is None:
            return  # an album (or a paste's tail alone) not meant for the bot
        if not prompt and not any(picture_file(part) for part in parts):
            target = reply_target(main_part(parts))
            said = texts.t(target.lang, "help", username=me.username or "bot")
            await asking.delivery.say(target, said)
            return
        await asking.ask(parts, prompt, attempt)


def create_router() -> Router:
    """A fresh router (a router attaches to one Dispatcher only)."""
    router = Router(name=__name__)
    router.message.filter(InLoop(F.chat.type.in_({ChatType.GROUP, ChatType.SUPERGROUP})))
    router.message.register(question, AddressedToBot())
    # Every part of an album meets the others, addressed or not; and a paste's next part.
    router.message.register(question, InLoop(F.media_group_id))
    router.message.register(question, ContinuesPaste())
    return router
