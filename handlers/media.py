"""Voice notes, audio files, round videos, videos and documents: heard or read, then asked.

In private chats each one is a question; in groups only one that replies to the bot or whose
caption mentions it (others are ignored without a word). A failure (too long, too big, not
understood, no speech-to-text) is one short note, and nothing goes to the model.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.types import Message

from bot.config import Settings
from bot.conversation import Conversations, Question
from bot.delivery import Delivery
from bot.inputs.errors import InputError
from bot.inputs.speech import Transcriber
from bot.media import (
    cut_note,
    document_file,
    document_turn,
    hear,
    note,
    read,
    spoken_file,
    voice_turn,
)
from bot.seams import Attempt, QuestionLimit
from handlers.access import refusal
from handlers.asking import compose_turn
from handlers.context import chat_key, message_text, reply_target
from handlers.filters import AddressedToBot

GROUPS = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})


async def spoken(
    message: Message,
    bot: Bot,
    conversations: Conversations,
    delivery: Delivery,
    limiter: QuestionLimit,
    settings: Settings,
    attempt: Attempt,
    transcriber: Transcriber,
    prompt: str | None = None,
) -> None:
    """A voice note, audio file, round video or video: its words (then its caption) asked."""
    target = reply_target(message)
    caption = message_text(message)[0] if prompt is None else prompt
    problem = await refusal(message, caption, limiter, settings)
    if problem is not None:
        if problem.text is not None:
            await delivery.say(target, problem.text)
        return
    file = spoken_file(message)
    assert file is not None  # the router's filter
    code = message.from_user.language_code if message.from_user else None
    try:
        words = await hear(bot, transcriber, file, settings, code)
    except InputError as exc:
        await delivery.say(target, note(exc, target.lang))
        return
    turn = await compose_turn(
        message, voice_turn(words, caption), bot=bot, conversations=conversations
    )
    await conversations.answer(chat_key(message), target, Question(turn, heard=words), attempt)


async def document(
    message: Message,
    bot: Bot,
    conversations: Conversations,
    delivery: Delivery,
    limiter: QuestionLimit,
    settings: Settings,
    attempt: Attempt,
    prompt: str | None = None,
) -> None:
    """A document: its text as a block in the user's turn, the caption as the question."""
    target = reply_target(message)
    caption = message_text(message)[0] if prompt is None else prompt
    problem = await refusal(message, caption, limiter, settings)
    if problem is not None:
        if problem.text is not None:
            await delivery.say(target, problem.text)
        return
    file = document_file(message)
    assert file is not None  # the router's filter
    code = message.from_user.language_code if message.from_user else None
    try:
        extracted = await read(bot, file, settings, code)
    except InputError as exc:
        await delivery.say(target, note(exc, target.lang))
        return
    turn = await compose_turn(
        message, document_turn(extracted, caption), bot=bot, conversations=conversations
    )
    question = Question(turn, note=cut_note(extracted, target.lang))
    await conversations.answer(chat_key(message), target, question, attempt)


def create_router() -> Router:
    """A fresh router (a router attaches to one Dispatcher only); before the private chats'
    catch-all, so a voice note is never told "text only"."""
    router = Router(name=__name__)
    private = F.chat.type == ChatType.PRIVATE
    group = F.chat.type.in_(GROUPS)
    has_speech = F.func(spoken_file)
    has_document = F.func(document_file)
    router.message.register(spoken, private, has_speech)
    router.message.register(spoken, group, has_speech, AddressedToBot(media=True))
    router.message.register(document, private, has_document)
    router.message.register(document, group, has_document, AddressedToBot(media=True))
    return router
