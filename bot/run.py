"""The runners: long polling, or a webhook server, until SIGINT or SIGTERM.

Both share one start-up (who the bot is, retried through a Bot API outage; which backends it
uses, probed in the background), one health signal and one watch on the token; where the
updates come from (this process, or Redis for replicas) is the dispatcher's `source`.
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, Dispatcher
from aiohttp import web

from bot.app import application, backend_session, build_backends
from bot.collector import settle_after_start
from bot.config import Settings
from bot.probe import describe as describe_backends
from bot.probe import probe_all
from bot.seams import UpdateSource
from bot.session import Heartbeat, TokenRejected, TokenWatch
from bot.startup import BackgroundTasks, call_at_start, run_until, stop_on_signals, unless_stopped
from bot.webhook import webhook_app

log = logging.getLogger(__name__)


async def run(settings: Settings) -> None:
    """Polling by default; webhook mode when WEBHOOK_URL is set; until SIGINT or SIGTERM.

    Raises TokenRejected when Telegram refuses the token (at start or later), StartRefused
    when it refuses a start-up call for good."""
    stop = asyncio.Event()
    with stop_on_signals(stop):
        async with application(settings) as (bot, dispatcher):
            watch: TokenWatch = dispatcher["token_watch"]
            if settings.webhook_url is None:
                await _poll(bot, dispatcher, settings, stop)
            else:
                await _serve_webhook(bot, dispatcher, settings, stop)
            if watch.rejected.is_set():
                raise TokenRejected(settings.api_base)


async def start_up(bot: Bot, dispatcher: Dispatcher, settings: Settings) -> None:
    """Who the bot is, retried through a Bot API outage (TokenRejected on 401); which backends
    it uses, and a probe of them in the background."""
    log.info("%s", describe_backends(build_backends(settings, None)))
    background: BackgroundTasks = dispatcher["background"]
    background.start(_probe_backends(settings), name="backend probe")
    me = await call_at_start(
        "getMe", bot.me, settings.api_base, hint="check TELEGRAM_API_URL and BOT_TOKEN"
    )
    log.info("Bot API: @%s at %s", me.username, settings.api_base)
    settle_after_start()


async def _probe_backends(settings: Settings) -> None:
    async with backend_session() as session:
        await probe_all(build_backends(settings, session), session)


async def _poll(bot: Bot, dispatcher: Dispatcher, settings: Settings, stop: asyncio.Event) -> None:
    """Long polling until `stop`, then the shutdown drain."""

    async def prepare() -> None:
        await start_up(bot, dispatcher, settings)
        await call_at_start(
            "deleteWebhook",
            lambda: bot.delete_webhook(drop_pending_updates=False),
            settings.api_base,
        )

    if not await unless_stopped(prepare(), stop):
        await dispatcher["background"].cancel()
        return
    heartbeat: Heartbeat = dispatcher["heartbeat"]
    heartbeat.clear()  # a file left by an earlier run must not pass for this one
    bot.session.middleware(heartbeat)
    source: UpdateSource = dispatcher["source"]
    try:
        await source.poll(stop, dispatcher["token_watch"].rejected)
    finally:
        heartbeat.clear()


async def _serve_webhook(
    bot: Bot, dispatcher: Dispatcher, settings: Settings, stop: asyncio.Event
) -> None:
    """Serve the webhook until `stop`, then drain answers."""
    if not await unless_stopped(start_up(bot, dispatcher, settings), stop):
        await dispatcher["background"].cancel()
        return
    closing = asyncio.Event()
    runner = web.AppRunner(
        webhook_app(settings, bot, dispatcher, closing), handle_signals=False, access_log=None
    )
    await runner.setup()
    data = {"dispatcher": dispatcher, "bots": [bot], **dispatcher.workflow_data}
    secret = settings.webhook_secret
    set_webhook = call_at_start(
        "setWebhook",
        lambda: bot.set_webhook(
            str(settings.webhook_url),
            secret_token=secret.get_secret_value() if secret else None,
            allowed_updates=dispatcher.resolve_used_update_types(),
        ),
        settings.api_base,
        hint="check WEBHOOK_URL",
    )

    async def stop_serving() -> None:
        stop.set()

    source: UpdateSource = dispatcher["source"]
    try:
        await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
        await dispatcher.emit_startup(bot=bot, **data)
        await source.serve()
        if await unless_stopped(set_webhook, stop):
            log.info(
                "webhook mode: listening on %s:%s%s",
                settings.webhook_host,
                settings.webhook_port,
                settings.webhook_path,
            )
            await run_until(stop.wait(), stop_serving, dispatcher["token_watch"].rejected)
    finally:
        closing.set()
        await dispatcher.emit_shutdown(bot=bot, **data)
        await runner.cleanup()
