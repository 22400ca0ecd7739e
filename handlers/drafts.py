"""The stop button of a streaming draft: end the backend stream, keep what was written."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import MessageGenerationStopped

from bot.delivery import Delivery


async def stopped(event: MessageGenerationStopped, delivery: Delivery) -> None:
    delivery.stop_draft(event.chat.id, event.draft_id)


def create_router() -> Router:
    """A fresh router (a router attaches to one Dispatcher only)."""
    router = Router(name=__name__)
    router.stopped_message_generation.register(stopped)
    return router
