"""The Bot API call that carries out one `Write` of a plan."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import ReplyParameters

from bot.delivery.answer import RunningAnswer
from bot.plan import Op, Write
from bot.session import REQUEST_TIMEOUT


async def perform(bot: Bot, answer: RunningAnswer, write: Write) -> int | None:
    """Make the call for `write` in the answer's chat; the new message's id for a SEND."""
    content = write.content
    chat_id, thread_id = answer.chat_id, answer.thread_id
    if write.op is Op.SEND:
        assert content is not None
        target = answer.target
        reply = None
        if write.reply and target.reply_to is not None and chat_id == target.chat_id:
            reply = ReplyParameters(message_id=target.reply_to, allow_sending_without_reply=True)
        message = await bot.send_message(
            chat_id=chat_id,
            text=content.text,
            entities=content.aiogram_entities(),
            message_thread_id=thread_id,
            reply_parameters=reply,
            request_timeout=REQUEST_TIMEOUT,
        )
        return message.message_id
    if write.op in (Op.EDIT, Op.PROBE):
        assert content is not None and write.message_id is not None
        await bot.edit_message_text(
            text=content.text,
            chat_id=chat_id,
            message_id=write.message_id,
            entities=content.aiogram_entities(),
            request_timeout=REQUEST_TIMEOUT,
        )
    elif write.op is Op.DRAFT:
        assert content is not None and write.draft_id is not None
        await bot.send_message_draft(
            chat_id=chat_id,
            draft_id=write.draft_id,
            text=content.text,
            entities=content.aiogram_entities(),
            message_thread_id=thread_id,
            can_stop=True,
            request_timeout=REQUEST_TIMEOUT,
        )
    else:
        assert write.message_id is not None
        await bot.delete_message(
            chat_id=chat_id, message_id=write.message_id, request_timeout=REQUEST_TIMEOUT
        )
    return None
