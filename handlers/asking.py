"""A user's message (text, caption, picture, what it replies to) made into a question, checked
and asked: shared by private chats and groups."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import Message

from bot import texts
from bot.config import Settings
from bot.conversation import Conversations, Question
from bot.delivery import Delivery
from bot.pictures import Picture, PictureError, fetch, picture_file
from bot.seams import Attempt, QuestionLimit
from handlers.access import refusal
from handlers.context import chat_key, is_group, replied_context, reply_target, speaker

PICTURE = "[picture]"
"""How a picture appears in the turn the model reads, and in history (never the bytes)."""


async def ask(
    message: Message,
    prompt: str,
    *,
    bot: Bot,
    conversations: Conversations,
    delivery: Delivery,
    limiter: QuestionLimit,
    settings: Settings,
    attempt: Attempt,
) -> None:
    """Answer `prompt` (the message's text or caption, mention removed) in its chat."""
    target = reply_target(message)
    problem = await refusal(message, prompt, limiter, settings)
    if problem is not None:
        if problem.text is not None:
            await delivery.say(target, problem.text)
        return
    body, pictures, note = prompt, list[Picture](), None
    file = picture_file(message)
    if file is not None:
        body = f"{PICTURE} {prompt}".strip()
        if conversations.vision:
            try:
                pictures.append(await fetch(bot, file))
            except PictureError as exc:
                note = texts.t(target.lang, f"picture_{exc.reason}")
        else:
            note = texts.t(target.lang, "picture_unseen")
        if note is not None and not prompt:
            await delivery.say(target, note)  # nothing else to answer
            return
    turn = await compose_turn(message, body, bot=bot, conversations=conversations)
    await conversations.answer(chat_key(message), target, Question(turn, pictures, note), attempt)


async def compose_turn(
    message: Message, body: str, *, bot: Bot, conversations: Conversations
) -> str:
    """The user's turn as the model reads it: `body` with the speaker's name (groups) and,
    above it, what the message replies to."""
    turn = f"{speaker(message)}: {body}" if is_group(message) else body
    newest = conversations.history.chat(chat_key(message)).last_answer
    context = replied_context(message, await bot.me(), newest)
    return turn if context is None else f"{context}\n{turn}"
