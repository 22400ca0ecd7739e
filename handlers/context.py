"""Small readers of an incoming message shared by the routers: its chat key, language, target."""

from __future__ import annotations

from aiogram.enums import ChatType
from aiogram.types import Message

from bot import texts
from bot.delivery import ReplyTarget
from bot.history import ChatKey


def is_group(message: Message) -> bool:
    return message.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


def chat_key(message: Message) -> ChatKey:
    """Forum topics are separate conversations; everything else is one per chat."""
    thread = message.message_thread_id if message.is_topic_message else None
    return message.chat.id, thread


def language(message: Message) -> str:
    user = message.from_user
    return texts.pick_language(user.language_code if user else None)


def reply_target(message: Message) -> ReplyTarget:
    """In groups the answer replies to the message that asked; in private it just follows."""
    return ReplyTarget(
        chat_id=message.chat.id,
        thread_id=chat_key(message)[1],
        reply_to=message.message_id if is_group(message) else None,
        lang=language(message),
        after_id=message.message_id,
    )


def speaker(message: Message) -> str:
    """The name a group member is shown to the model by."""
    if message.sender_chat is not None:
        return message.sender_chat.title or "Anonymous"
    if message.from_user is not None:
        return message.from_user.full_name
    return "Someone"
