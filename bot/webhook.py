"""The webhook endpoint, where Telegram posts updates (through a reverse proxy); GET /healthz."""

from __future__ import annotations

import asyncio

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.config import Settings


def webhook_app(
    settings: Settings, bot: Bot, dispatcher: Dispatcher, closing: asyncio.Event
) -> web.Application:
    """The webhook endpoint (secret checked by aiogram: 401 without it) and GET /healthz."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    endpoint = SimpleRequestHandler(dispatcher, bot, secret_token=secret)
    app = web.Application()

    async def receive(request: web.Request) -> web.StreamResponse:
        if closing.is_set():
            # Shutting down: Telegram keeps the update and delivers it again after restart.
            return web.Response(status=503, text="shutting down")
        return await endpoint.handle(request)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"ok": True, "answering": dispatcher["delivery"].active})

    app.router.add_post(settings.webhook_path, receive)
    app.router.add_get("/healthz", healthz)
    return app
