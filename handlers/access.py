"""Checks before anything costs money: the allow-lists, the per-user rate, the input length."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware
from aiogram.enums import ChatType
from aiogram.types import Message, TelegramObject

from bot import texts
from bot.admission import AccessPolicy
from bot.config import Settings
from bot.delivery import Delivery
from bot.seams import QuestionLimit
from handlers.context import language, reply_target, sender_key


class AccessMiddleware(BaseMiddleware):
    """Strangers get one short refusal (with their id) in private, silence in groups."""

    def __init__(self, policy: AccessPolicy) -> None:
        self.policy = policy

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Message):
            return await handler(event, data)
        user_id = event.from_user.id if event.from_user else None
        if self.policy.allows(user_id, event.chat.id):
            return await handler(event, data)
        if event.chat.type == ChatType.PRIVATE:
            delivery: Delivery = data["delivery"]
            text = texts.t(language(event), "not_allowed", user_id=user_id)
            await delivery.say(reply_target(event), text)
        return None


@dataclass(frozen=True, slots=True)
class Refusal:
    """A question that must not reach the backend; `text` says why, or is None when the
    user was already told (repeated refusals cost no Telegram write)."""

    text: str | None


async def refusal(
    message: Message, question: str, limiter: QuestionLimit, settings: Settings
) -> Refusal | None:
    """Why this question must not reach the backend, in the user's language; None if it may."""
    lang = language(message)
    if len(question) > settings.max_input_chars:
        limit = settings.max_input_chars
        return Refusal(texts.t(lang, "too_long", length=len(question), limit=limit))
    wait, tell = await limiter.admit(sender_key(message))
    if wait:
        return Refusal(texts.t(lang, "rate_limited", seconds=wait) if tell else None)
    return None
