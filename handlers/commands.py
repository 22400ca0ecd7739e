"""/start, /help, /reset, /retry, /system: in private chats and, as /cmd or /cmd@bot, in groups."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.enums import ChatMemberStatus
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message

from bot import texts
from bot.conversation import Conversations
from bot.delivery import Delivery
from bot.seams import Attempt
from handlers.asking import Asking
from handlers.context import chat_key, is_group, language, reply_target

SYSTEM_LIMIT = 4000
"""Characters of a chat's own system prompt (/system)."""
_RESET_WORDS = frozenset({"reset", "default", "-"})


async def start(message: Message, delivery: Delivery) -> None:
    name = message.from_user.first_name if message.from_user else ""
    await delivery.say(reply_target(message), texts.t(language(message), "start", name=name))


async def help_(message: Message, bot: Bot, delivery: Delivery) -> None:
    me = await bot.me()
    text = texts.t(language(message), "help", username=me.username or "bot")
    await delivery.say(reply_target(message), text)


async def reset(
    message: Message, conversations: Conversations, delivery: Delivery, attempt: Attempt
) -> None:
    lang = language(message)
    # The stopped answer writes its last word first, so the confirmation comes last.
    await conversations.reset(chat_key(message), lang=lang, attempt=attempt)
    await delivery.say(reply_target(message), texts.t(lang, "reset"))


async def retry(message: Message, asking: Asking, attempt: Attempt) -> None:
    target = reply_target(message)
    if not await asking.admitted(message, "", target):
        return
    if not await asking.conversations.retry(chat_key(message), target, attempt):
        await asking.delivery.say(target, texts.t(language(message), "nothing_to_retry"))


async def system(
    message: Message,
    command: CommandObject,
    bot: Bot,
    conversations: Conversations,
    delivery: Delivery,
    attempt: Attempt,
) -> None:
    """`/system` shows the chat's system prompt; `/system <text>` sets it (admins only in
    groups); `/system reset` goes back to the configured one. It survives /reset."""
    target, lang, key = reply_target(message), language(message), chat_key(message)
    wanted = (command.args or "").strip()
    if not wanted:
        current, own = await conversations.system(key)
        if not own:
            text = texts.t(lang, "system_default", prompt=current) if current else None
            await delivery.say(target, text or texts.t(lang, "system_none"))
        else:
            await delivery.say(target, texts.t(lang, "system_show", prompt=current))
        return
    if is_group(message) and not await _is_admin(bot, message):
        await delivery.say(target, texts.t(lang, "system_admins_only"))
        return
    if wanted.lower() in _RESET_WORDS:
        await conversations.set_system(key, None, attempt)
        await delivery.say(target, texts.t(lang, "system_cleared"))
        return
    await conversations.set_system(key, wanted[:SYSTEM_LIMIT], attempt)
    await delivery.say(target, texts.t(lang, "system_set"))


async def _is_admin(bot: Bot, message: Message) -> bool:
    """An administrator of the group: anonymous admins write on behalf of the group itself."""
    if message.sender_chat is not None:
        return message.sender_chat.id == message.chat.id
    if message.from_user is None:
        return False
    try:
        member = await bot.get_chat_member(message.chat.id, message.from_user.id)
    except TelegramAPIError:
        return False
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.CREATOR)


def create_router() -> Router:
    """A fresh router (a router attaches to one Dispatcher only)."""
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    router.message.register(help_, Command("help"))
    router.message.register(reset, Command("reset"))
    router.message.register(retry, Command("retry"))
    router.message.register(system, Command("system"))
    return router
