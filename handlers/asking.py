"""A user's question (its text or caption, the pictures, what it replies to) checked and
asked: shared by private chats and groups. A question may be one message, or the parts of an
album or of a long paste the app split (bot/gathering.py puts them together first)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from aiogram import Bot
from aiogram.types import Message

from bot import texts
from bot.config import Settings
from bot.conversation import Conversations, Question
from bot.delivery import Delivery
from bot.gathering import Gathered, Gathering
from bot.pictures import Picture, PictureError, fetch, picture_file
from bot.seams import Attempt, QuestionLimit
from handlers.access import refusal
from handlers.context import (
    chat_key,
    is_group,
    message_text,
    replied_context,
    reply_target,
    sender_key,
    speaker,
)

PICTURE = "[picture]"
"""How a picture appears in the turn the model reads, and in history (never the bytes)."""
PASTE_JOIN = "\n"
"""Between the parts of a split paste: the apps cut at a paragraph, line or word break and
drop it, so a line break restores the first two exactly and is harmless in the third."""


def gather(gathering: Gathering, message: Message, attempt: Attempt) -> Gathered:
    """The question `message` belongs to (see bot/gathering.py), for the routers."""
    return gathering.gather(
        message, chat=chat_key(message), user=sender_key(message), lined_up=attempt.lined_up
    )


def joined_text(parts: Sequence[Message]) -> str:
    """The text (or caption) of a question's parts, as one: a paste's parts in order."""
    return PASTE_JOIN.join(text for text in (message_text(p)[0] for p in parts) if text)


def main_part(parts: Sequence[Message]) -> Message:
    """The part a question is answered as: the one with the text (an album's caption), else
    the first."""
    return next((part for part in parts if message_text(part)[0]), parts[0])


async def ask(
    parts: Sequence[Message],
    prompt: str,
    *,
    bot: Bot,
    conversations: Conversations,
    delivery: Delivery,
    limiter: QuestionLimit,
    settings: Settings,
    attempt: Attempt,
    revise: bool = False,
) -> None:
    """Answer `prompt` (the parts' text or caption, mention removed) with every picture of
    `parts` in their chat, as one question; with `revise`, the one message in `parts` was
    edited and its new answer takes the place of the old (Conversations.revise)."""
    message = main_part(parts)
    target = dataclasses.replace(
        reply_target(message),
        after_id=max(part.message_id for part in parts),
        # An edit redoes a question of one message; an album's or a paste's parts are not
        # tracked one by one, so editing one of them changes nothing.
        asked=message.message_id if len(parts) == 1 else None,
    )
    problem = await refusal(message, prompt, limiter, settings)
    if problem is not None:
        if problem.text is not None:
            await delivery.say(target, problem.text)
        return
    files = [file for file in map(picture_file, parts) if file is not None]
    pictures, unseen = list[Picture](), None  # unseen: why the model will not see some
    if files and not conversations.vision:
        unseen = "picture_unseen"
    elif files:
        for file in files:
            try:
                pictures.append(await fetch(bot, file))
            except PictureError as exc:
                unseen = f"picture_{exc.reason}"
    if unseen is not None and not prompt and not pictures:
        # Nothing else to answer, and no model request: ask for the question in words.
        await delivery.say(target, texts.t(target.lang, f"{unseen}_alone"))
        return
    note = None
    if unseen is not None:  # "answered the text only" is untrue when other pictures went
        note = texts.t(target.lang, f"{unseen}_some" if pictures else unseen)
    body = " ".join([PICTURE] * len(files) + ([prompt] if prompt else []))
    turn = await compose_turn(message, body, bot=bot, conversations=conversations)
    key = chat_key(message)
    question = Question(turn, pictures, note)
    if revise:
        await conversations.revise(key, target, question, attempt)
    else:
        await conversations.answer(key, target, question, attempt)


async def compose_turn(
    message: Message, body: str, *, bot: Bot, conversations: Conversations
) -> str:
    """The user's turn as the model reads it: `body` with the speaker's name (groups) and,
    above it, what the message replies to."""
    turn = f"{speaker(message)}: {body}" if is_group(message) else body
    newest = conversations.history.chat(chat_key(message)).last_answer
    context = replied_context(message, await bot.me(), newest)
    return turn if context is None else f"{context}\n{turn}"
