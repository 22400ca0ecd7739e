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
        unseen: str | None = None  # why the model will not see the picture
        if conversations.vision:
            try:
                pictures.append(await fetch(bot, file))
            except PictureError as exc:
                unseen = f"picture_{exc.reason}"
        else:
            unseen = "picture_unseen"
        if unseen is not None and not prompt:
            # Nothing else to answer, and no model request: ask for the question in words.
            await delivery.say(target, texts.t(target.lang, f"{unseen}_alone"))
            return
        if unseen is not None:
            note = texts.t(target.lang, unseen)
    turn = f"{speaker(message)}: {body}" if is_group(message) else body
    key = chat_key(message)
    newest = conversations.history.chat(key).last_answer
    context = replied_context(message, await bot.me(), newest)
    if context is not None:
        turn = f"{context}\n{turn}"
    await conversations.answer(key, target, Question(turn, pictures, note), attempt)
