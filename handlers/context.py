"""Small readers of an incoming message shared by the routers: its chat key, language, target,
who sent it, its text (or caption), and what it replies to."""

from __future__ import annotations

from aiogram.enums import ChatType
from aiogram.types import Message, MessageEntity, User

from bot import texts
from bot.delivery import ReplyTarget
from bot.history import shorten
from bot.seams import ChatKey

QUOTE_LIMIT = 1500
"""Characters of a replied-to message shown to the model; its own earlier answers get less."""
OWN_QUOTE_LIMIT = 500


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
        user=sender_key(message),
        asked=message.message_id,
    )


def speaker(message: Message) -> str:
    """The name a group member is shown to the model by."""
    if message.sender_chat is not None:
        return message.sender_chat.title or "Anonymous"
    if message.from_user is not None:
        return message.from_user.full_name
    return "Someone"


def sender_key(message: Message) -> int:
    """Whom a rate limit counts: the user, or the chat a message was sent on behalf of (all
    anonymous admins of every group share one Telegram user id)."""
    if message.sender_chat is not None:
        return message.sender_chat.id
    if message.from_user is not None:
        return message.from_user.id
    return message.chat.id


def message_text(message: Message) -> tuple[str, list[MessageEntity]]:
    """The message's text, or its caption: a captioned photo is a question too."""
    if message.text is not None:
        return message.text, list(message.entities or ())
    return message.caption or "", list(message.caption_entities or ())


def replied_context(message: Message, me: User, newest: tuple[int, ...] = ()) -> str | None:
    """What the message replies to, as quoted lines for the model, so that "this" means
    something: the exact part the user quoted (Telegram's `quote`), else the replied-to
    message's text or caption, with its author. None when it replies to nothing, or just
    to the bot's newest answer (`newest`: its message ids), which the model has anyway."""
    replied = message.reply_to_message
    if replied is not None and (
        replied.forum_topic_created is not None
        or (message.is_topic_message and replied.message_id == message.message_thread_id)
    ):
        replied = None  # in a forum every message "replies" to the topic's first message
    quote = message.quote.text if message.quote is not None else None
    if replied is None and quote is None:
        return None
    own = bool(replied and replied.from_user and replied.from_user.id == me.id)
    if own and quote is None and replied is not None and replied.message_id in newest:
        return None
    if replied is None:
        author = "someone"
    elif own:
        author = "you (the assistant)"
    elif is_group(message):
        author = speaker(replied)
    else:
        author = "the user"
    text = quote
    if text is None and replied is not None:
        text, _ = message_text(replied)
        if not text and (replied.photo or replied.document):
            text = "[a picture]"
    if not text:
        return None
    text = shorten(text.strip(), OWN_QUOTE_LIMIT if own else QUOTE_LIMIT)
    kind = "quoting" if quote is not None else "replying to"
    lines = [f"({kind} {author}:)", *text.splitlines()]
    return "\n".join(f"> {line}" if line else ">" for line in lines)
