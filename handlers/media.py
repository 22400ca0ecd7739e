"""Voice notes, audio files, round videos, videos and documents: heard or read, then asked.

In private chats each one is a question; in groups only one that replies to the bot or whose
caption mentions it (others are ignored without a word). A failure (too long, too big, not
understood, no speech-to-text) is one short note, and nothing goes to the model.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.types import Message

from bot.gathering import Gathering
from bot.inputs.documents import Extracted
from bot.inputs.errors import InputError
from bot.inputs.speech import Transcriber
from bot.media import (
    cut_note,
    document_file,
    documents_turn,
    hear,
    note,
    read,
    spoken_file,
    voice_turn,
)
from bot.seams import Attempt
from handlers.asking import Asking, gather, joined_text, main_part
from handlers.context import message_text, reply_target
from handlers.filters import AddressedToBot, InLoop

GROUPS = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})


async def spoken(
    message: Message,
    asking: Asking,
    attempt: Attempt,
    transcriber: Transcriber,
    prompt: str | None = None,
) -> None:
    """A voice note, audio file, round video or video: its words (then its caption) asked."""
    target = reply_target(message)
    caption = message_text(message)[0] if prompt is None else prompt
    if not await asking.admitted(message, caption, target):
        return
    file = spoken_file(message)
    assert file is not None  # the router's filter
    code = message.from_user.language_code if message.from_user else None
    try:
        async with asking.delivery.busy(target):
            words = await hear(asking.bot, transcriber, file, asking.settings, code)
    except InputError as exc:
        await asking.delivery.say(target, note(exc, target.lang))
        return
    question = await asking.question(message, voice_turn(words, caption), heard=words)
    await asking.answer(message, target, question, attempt)


async def document(
    message: Message,
    asking: Asking,
    attempt: Attempt,
    gathering: Gathering,
    prompt: str | None = None,
) -> None:
    """A document: its text as a block in the user's turn, the caption as the question.

    Files sent together (one `media_group_id`, the caption on one of them) are one question
    with a block per file, in a private chat; a group answers only the file addressed to it."""
    if message.media_group_id is None or message.chat.type != ChatType.PRIVATE:
        await _documents([message], asking, attempt, prompt)
        return
    async with gather(gathering, message, attempt) as parts:
        if parts is None:
            return  # another file of the same album answers for all of them
        files = [part for part in parts if document_file(part) is not None]
        await _documents(files, asking, attempt, None)


async def _documents(
    parts: Sequence[Message], asking: Asking, attempt: Attempt, prompt: str | None
) -> None:
    """Read every file; a file that cannot be read gets its note and the others are asked."""
    main = main_part(parts)
    target = reply_target(main)
    caption = joined_text(parts) if prompt is None else prompt
    if not await asking.admitted(main, caption, target):
        return
    code = main.from_user.language_code if main.from_user else None
    files: list[Extracted] = []
    notes: list[str] = []
    async with asking.delivery.busy(target):  # downloads and parsing may take seconds
        for part in parts:
            file = document_file(part)
            assert file is not None  # the router's filter, or the album's own parts
            try:
                extracted = await read(asking.bot, file, asking.settings, code)
            except InputError as exc:
                said = note(exc, target.lang)
                if len(parts) == 1:
                    await asking.delivery.say(target, said)
                    return
                notes.append(f"{file.filename}: {said}")
                continue
            files.append(extracted)
            cut = cut_note(extracted, target.lang)
            if cut is not None:
                notes.append(cut)
    if not files:
        await asking.delivery.say(target, "\n".join(notes))
        return
    turn = documents_turn(files, caption)
    question = await asking.question(main, turn, note="\n".join(notes) or None)
    await asking.answer(main, target, question, attempt)


def create_router() -> Router:
    """A fresh router (a router attaches to one Dispatcher only); before the private chats'
    catch-all, so a voice note is never told "text only"."""
    router = Router(name=__name__)
    private = InLoop(F.chat.type == ChatType.PRIVATE)
    group = InLoop(F.chat.type.in_(GROUPS))
    has_speech = InLoop(F.func(spoken_file))
    has_document = InLoop(F.func(document_file))
    router.message.register(spoken, private, has_speech)
    router.message.register(spoken, group, has_speech, AddressedToBot(media=True))
    router.message.register(document, private, has_document)
    router.message.register(document, group, has_document, AddressedToBot(media=True))
    return router
