"""The stop button of a streaming draft: end the backend stream, keep what was written."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import MessageGenerationStopped

from bot.delivery import Delivery

router = Router(name=__name__)


@router.stopped_message_generation()
async def stopped(event: MessageGenerationStopped, delivery: Delivery) -> None:
    delivery.stop_draft(event.chat.id, event.draft_id)
