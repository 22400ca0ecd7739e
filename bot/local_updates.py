"""Where updates come from when this process is the whole bot: aiogram's long polling, or the
webhook handled right here. It is the one-process `UpdateSource` of bot/seams.py; with
REDIS_URL, bot/replicas/runtime.py's takes its place."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.startup import run_until


class LocalUpdates:
    """Updates for this process alone."""

    def __init__(self, bot: Bot, dispatcher: Dispatcher) -> None:
        self.bot = bot
        self.dispatcher = dispatcher
        # Webhook updates are answered in the background: Telegram waits for the HTTP
        # answer, and an answer that streams for a minute must not look like a lost update.
        self._webhook = SimpleRequestHandler(dispatcher, bot, handle_in_background=True)

    async def poll(self, stop: asyncio.Event, rejected: asyncio.Event) -> None:
        polling = self.dispatcher.start_polling(
            self.bot,
            allowed_updates=self.dispatcher.resolve_used_update_types(),
            handle_signals=False,  # ours, installed for the whole run, set `stop`
            close_bot_session=False,
        )

        async def stop_polling() -> None:
            with contextlib.suppress(RuntimeError):  # not started yet, or stopped already
                await self.dispatcher.stop_polling()

        await run_until(polling, stop_polling, stop, rejected)

    async def serve(self) -> None:
        return None  # the webhook server calls `accept` for each update

    async def accept(self, request: web.Request, update: dict[str, Any]) -> web.StreamResponse:
        return await self._webhook.handle(request)  # reads the body aiohttp has kept

    async def stop(self, drain: Callable[[], Awaitable[None]]) -> None:
        await drain()

    def status(self) -> dict[str, object]:
        return {}
