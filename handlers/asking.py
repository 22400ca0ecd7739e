"""A user's question (its text or caption, the pictures, what it replies to) checked and
asked: shared by private chats and groups. A question may be one message, or the parts of an
album or of a long paste the app split (bot/gathering.py puts them together first)."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from dataclasses import dataclass

from aiogram import Bot
from aiogram.types import Message

from bot import texts
from bot.config import Settings
from bot.conversation import Conversations, Question
from bot.delivery import Delivery, ReplyTarget
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


@dataclass(frozen=True, slots=True)
class Asking:
    """What turning a user's message into a question takes, built once (bot/app.py) and given
    to the handlers as `asking`: they say what the user sent, it checks, composes and asks.

    Handlers take it, the per-update `attempt` and what is theirs alone (the gathering, the
    transcriber), instead of threading the same five objects through every call."""

    bot: Bot
    conversations: Conversations
    delivery: Delivery
    limiter: QuestionLimit
    settings: Settings

    async def admitted(self, message: Message, text: str, target: ReplyTarget) -> bool:
        """Whether `message` (with `text`, its question) may be asked: access, the question
        limit, the length. If not, the user is told why, when there is something to say."""
        problem = await refusal(message, text, self.limiter, self.settings)
        if problem is None:
            return True
        if problem.text is not None:
            await self.delivery.say(target, problem.text)
        return False

    async def question(
        self,
        message: Message,
        body: str,
        *,
        pictures: Sequence[Picture] = (),
        note: str | None = None,
        heard: str | None = None,
    ) -> Question:
        """`message` as a question, `body` its words: with the speaker's name (groups) and
        what it replies to (quoted once its turn comes, see `Question.replied`)."""
        turn = f"{speaker(message)}: {body}" if is_group(message) else body
        replied = functools.partial(replied_context, message, await self.bot.me())
        return Question(turn, pictures, note, heard, replied)

    async def answer(
        self, message: Message, target: ReplyTarget, question: Question, attempt: Attempt
    ) -> None:
        """Ask `question` in `message`'s chat; the answer goes to `target`."""
        await self.conversations.answer(chat_key(message), target, question, attempt)

    async def ask(
        self, parts: Sequence[Message], prompt: str, attempt: Attempt, *, revise: bool = False
    ) -> None:
        """Answer `prompt` (the parts' text or caption, mention removed) with every picture
        of `parts` in their chat, as one question; with `revise`, the one message in `parts`
        was edited and its new answer takes the place of the old (Conversations.revise)."""
        message = main_part(parts)
        target = dataclasses.replace(
            reply_target(message),
            after_id=max(part.message_id for part in parts),
            # An edit redoes a question of one message; an album's or a paste's parts are
            # not tracked one by one, so editing one of them changes nothing.
            asked=message.message_id if len(parts) == 1 else None,
        )
        if not await self.admitted(message, prompt, target):
            return
        files = [file for file in map(picture_file, parts) if file is not None]
        pictures, unseen = list[Picture](), None  # unseen: why the model will not see some
        if files and not self.conversations.vision:
            unseen = "picture_unseen"
        elif files:
            for file in files:
                try:
                    pictures.append(await fetch(self.bot, file))
                except PictureError as exc:
                    unseen = f"picture_{exc.reason}"
        if unseen is not None and not prompt and not pictures:
            # Nothing else to answer, and no model request: ask for the question in words.
            await self.delivery.say(target, texts.t(target.lang, f"{unseen}_alone"))
            return
        note = None
        if unseen is not None:  # "answered the text only" is untrue when other pictures went
            note = texts.t(target.lang, f"{unseen}_some" if pictures else unseen)
        body = " ".join([PICTURE] * len(files) + ([prompt] if prompt else []))
        question = await self.question(message, body, pictures=pictures, note=note)
        if revise:
            await self.conversations.revise(chat_key(message), target, question, attempt)
        else:
            await self.answer(message, target, question, attempt)
