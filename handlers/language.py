"""LANGUAGE: one language for everyone, whatever each user's Telegram app is set to."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

from bot import texts


class ForcedLanguage(BaseMiddleware):
    """While an update is handled, every `texts.pick_language` answers `lang`: the handlers
    keep asking the message (handlers/context.py `language`) and need not know the setting."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        with texts.forced_language(self.lang):
            return await handler(event, data)
