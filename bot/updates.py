"""Updates on their way in: recognise the ones aiogram cannot read, drop the ones Telegram
sends twice.

aiogram validates a getUpdates answer as a whole, so one update it cannot read (a field of an
unexpected type, say from a Bot API newer than aiogram) fails the whole batch, and polling
asks for the same offset again and again: every later message, from every user, waits for
ever. `first_unreadable` finds that update, so the session (bot/session.py) can ask around
it; its update_id is logged, never its text.

Telegram sends an update again when it thinks the bot did not get it (a webhook answer that
timed out or was lost); answering it twice would show two answers. The ids of recent updates
are remembered in a bounded window and a repeat is dropped before any handler sees it.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from pydantic import ValidationError

from bot.seams import SeenUpdates

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

RECENT_UPDATES = 10_000
"""Update ids remembered to recognise a repeat: minutes of a busy bot's traffic, ~1 MB."""


def readable(raw: object, bot: Bot) -> bool:
    """Whether aiogram can turn `raw` (one update's JSON) into an Update."""
    try:
        Update.model_validate(raw, context={"bot": bot})
    except ValidationError:
        return False
    return True


def update_id_of(raw: object) -> int | None:
    value = raw.get("update_id") if isinstance(raw, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def first_unreadable(answer: Any, bot: Bot) -> tuple[int, int] | None:
    """Position and update_id of the first update of a getUpdates answer that aiogram cannot
    read; None when the answer is broken in some other way (then nothing can be skipped)."""
    result = answer.get("result") if isinstance(answer, dict) else None
    if not isinstance(result, list):
        return None
    for position, raw in enumerate(result):
        if not readable(raw, bot):
            update_id = update_id_of(raw)
            return None if update_id is None else (position, update_id)
    return None


class RecentUpdates:
    """The last `size` update ids seen, so an update that comes again is recognised."""

    def __init__(self, size: int = RECENT_UPDATES) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self.size = size
        self._order: deque[int] = deque()
        self._ids: set[int] = set()

    def __len__(self) -> int:
        return len(self._ids)

    async def seen_before(self, update_id: int) -> bool:
        """Remember `update_id`; True when it is already remembered."""
        if update_id in self._ids:
            return True
        self._ids.add(update_id)
        self._order.append(update_id)
        if len(self._order) > self.size:
            self._ids.discard(self._order.popleft())
        return False


class DropRepeatedUpdates(BaseMiddleware):
    """Outer middleware of the Dispatcher's updates: polling and webhook both pass here."""

    def __init__(self, seen: SeenUpdates) -> None:
        self.seen = seen

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Update) and await self.seen.seen_before(event.update_id):
            log.info("update %d came again; it was handled the first time", event.update_id)
            return None
        return await handler(event, data)
