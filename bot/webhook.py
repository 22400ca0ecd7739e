"""The webhook endpoint, where Telegram posts updates (through a reverse proxy); GET /healthz
and GET /metrics (Prometheus).

Anyone who can reach the port can post to it, so a body is checked before aiogram sees it:
without the secret it is refused (401) unread; a body over MAX_BODY is refused (413) before it
is read whole; one that is not a JSON update is refused (400) with one log line, never a
traceback. An update aiogram cannot read (a field of the wrong type, from a newer Bot API) is
acknowledged and skipped: refusing it would make Telegram send it again and again.

What happens to a checked update is the dispatcher's `source` (bot/seams.py): handled here,
or, with REDIS_URL, queued in Redis for the replica that holds its chat (503 while Redis is
unreachable, so that Telegram posts it again).
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from typing import Any

from aiogram import Bot, Dispatcher
from aiohttp import web

from bot.config import Settings
from bot.metrics import metrics_handler
from bot.seams import UpdateSource
from bot.updates import readable, update_id_of

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
"""Bytes. An update is a few KiB (a 4,096-character message with entities and a reply)."""
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def unreadable(body: bytes, bot: Bot) -> tuple[str | None, int | None, dict[str, Any]]:
    """Why `body` is not an update (or None), the update_id of one aiogram cannot read (or
    None), and the update itself."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return "the body is not JSON", None, {}
    if not isinstance(data, dict):
        return "the body is not a JSON object", None, {}
    update_id = update_id_of(data)
    if update_id is None:
        return "the body has no update_id", None, data
    return None, None if readable(data, bot) else update_id, data


def webhook_app(
    settings: Settings, bot: Bot, dispatcher: Dispatcher, closing: asyncio.Event
) -> web.Application:
    """The webhook endpoint (secret, size and shape checked first) and GET /healthz."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    source: UpdateSource = dispatcher["source"]
    app = web.Application(client_max_size=MAX_BODY)

    async def receive(request: web.Request) -> web.StreamResponse:
        if closing.is_set():
            # Shutting down: Telegram keeps the update and delivers it again after restart.
            return web.Response(status=503, text="shutting down")
        if secret and not secrets.compare_digest(request.headers.get(SECRET_HEADER, ""), secret):
            return web.Response(status=401, text="Unauthorized")
        if (request.content_length or 0) > MAX_BODY:
            log.warning("webhook: refused a body of %d bytes, unread", request.content_length)
            return web.Response(status=413, text="body too large")
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            log.warning("webhook: refused a body over %d bytes", MAX_BODY)
            return web.Response(status=413, text="body too large")
        problem, skipped, update = unreadable(body, bot)
        if problem is not None:
            log.warning("webhook: refused a request that is not an update: %s", problem)
            return web.Response(status=400, text="not an update")
        if skipped is not None:
            log.warning("skipped update %d: aiogram cannot read it", skipped)
            return web.json_response({})
        return await source.accept(request, update)

    async def healthz(_: web.Request) -> web.Response:
        status: dict[str, object] = {"ok": True, "answering": dispatcher["delivery"].active}
        status.update(source.status())
        return web.json_response(status)

    app.router.add_post(settings.webhook_path, receive)
    app.router.add_get("/healthz", healthz)
    if "metrics" in dispatcher.workflow_data:
        app.router.add_get("/metrics", metrics_handler(dispatcher["metrics"]))
    return app
