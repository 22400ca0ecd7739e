"""Factories: build the Bot, the backends, the stores and the Dispatcher, and wire them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator

import aiohttp
from aiogram import Bot, Dispatcher
from aiogram.types import BotCommand
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot import texts
from bot.config import Settings
from bot.conversation import Conversations
from bot.delivery import Delivery
from bot.guard import AccessPolicy, RateLimiter
from bot.history import HistoryStore
from bot.pacing import WriteBudget
from bot.providers.base import AsyncGeneratorProvider, Backend, ChatBackend
from bot.providers.chain import FailoverChain
from bot.providers.cromicle import Cromicle
from bot.providers.openai import OpenAI
from bot.session import build_session
from handlers import get_routers
from handlers.guard import AccessMiddleware

log = logging.getLogger(__name__)

PROVIDERS: dict[str, type[AsyncGeneratorProvider]] = {"cromicle": Cromicle, "openai": OpenAI}
COMMANDS = ("start", "help", "reset", "retry")


def build_bot(settings: Settings) -> Bot:
    """A Bot talking to the configured Bot API server (Telegram's, self-hosted, or a test one)."""
    return Bot(settings.bot_token.get_secret_value(), session=build_session(settings))


def backend_session() -> aiohttp.ClientSession:
    """One connection pool for every backend call; one open stream per chat being answered."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, limit_per_host=0))


def build_backends(settings: Settings, session: aiohttp.ClientSession) -> list[Backend]:
    backends = []
    for name in settings.backend:
        provider = PROVIDERS[name]
        if provider is OpenAI:
            url = str(settings.openai_base_url)
            key = settings.openai_api_key
            options = {"api_key": key.get_secret_value()} if key else {}
        else:
            url, options = str(settings.cromicle_url), {}
        backends.append(
            Backend(
                provider=provider,
                model=settings.model,
                url=url.rstrip("/"),
                proxy=str(settings.proxy) if settings.proxy else None,
                session=session,
                timeout=settings.backend_timeout,
                connect_timeout=settings.backend_connect_timeout,
                options=options,
            )
        )
    return backends


def build_backend(settings: Settings, session: aiohttp.ClientSession) -> ChatBackend:
    """The configured backend, or a failover chain when BACKEND names several."""
    backends = build_backends(settings, session)
    return FailoverChain(backends, retries=settings.backend_retries)


def build_dispatcher(settings: Settings, bot: Bot, session: aiohttp.ClientSession) -> Dispatcher:
    """The Dispatcher with every router and the shared objects handlers ask for by name."""
    budget = WriteBudget(
        settings.telegram_rate, settings.private_chat_interval, settings.group_chat_interval
    )
    delivery = Delivery(
        bot,
        budget,
        drafts=settings.stream_mode == "auto",
        show_reasoning=settings.reasoning == "show",
        max_answer_seconds=settings.backend_max_answer_seconds,
    )
    history = HistoryStore(
        system_prompt=settings.system_prompt,
        max_messages=settings.history_max_messages,
        max_chars=settings.history_max_chars,
        max_chats=settings.max_chats,
        ttl=settings.history_ttl,
    )
    conversations = Conversations(history, build_backend(settings, session), delivery)
    dispatcher = Dispatcher(
        settings=settings,
        budget=budget,
        delivery=delivery,
        history=history,
        conversations=conversations,
        limiter=RateLimiter(settings.rate_limit_per_minute, max_users=settings.max_chats),
    )
    policy = AccessPolicy(settings.allowed_users, settings.allowed_chats)
    dispatcher.message.outer_middleware(AccessMiddleware(policy))
    dispatcher.include_routers(*get_routers())
    dispatcher.startup.register(_on_startup)
    dispatcher.shutdown.register(_on_shutdown)
    return dispatcher


async def register_commands(bot: Bot) -> None:
    """So Telegram clients show the command menu, in English and Russian."""
    for lang in texts.LANGUAGES:
        commands = [BotCommand(command=c, description=texts.t(lang, f"cmd_{c}")) for c in COMMANDS]
        code = None if lang == texts.DEFAULT_LANGUAGE else lang
        await bot.set_my_commands(commands, language_code=code)


async def _on_startup(bot: Bot) -> None:
    await register_commands(bot)


async def _on_shutdown(delivery: Delivery, budget: WriteBudget, settings: Settings) -> None:
    """Let answers in progress finish (up to SHUTDOWN_GRACE), then end them with a note."""
    if delivery.active:
        log.info("shutting down: %d answers in progress", delivery.active)
    await delivery.drain(settings.shutdown_grace)
    await budget.close()


@contextlib.asynccontextmanager
async def application(settings: Settings) -> AsyncIterator[tuple[Bot, Dispatcher]]:
    """Bot and Dispatcher with their sessions, closed on exit."""
    bot = build_bot(settings)
    async with backend_session() as session:
        try:
            yield bot, build_dispatcher(settings, bot, session)
        finally:
            await bot.session.close()


async def run_polling(settings: Settings) -> None:
    """Long polling; aiogram stops it on SIGINT/SIGTERM and then runs the shutdown drain."""
    async with application(settings) as (bot, dispatcher):
        await bot.delete_webhook(drop_pending_updates=False)
        await dispatcher.start_polling(bot, allowed_updates=dispatcher.resolve_used_update_types())


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


async def run_webhook(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Serve the webhook until SIGINT/SIGTERM (or `stop`), then drain answers and exit."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    async with application(settings) as (bot, dispatcher):
        closing = asyncio.Event()
        app = webhook_app(settings, bot, dispatcher, closing)
        runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
        await site.start()
        data = {"dispatcher": dispatcher, "bots": [bot], **dispatcher.workflow_data}
        await dispatcher.emit_startup(bot=bot, **data)
        await bot.set_webhook(
            str(settings.webhook_url),
            secret_token=settings.webhook_secret.get_secret_value()
            if settings.webhook_secret
            else None,
            allowed_updates=dispatcher.resolve_used_update_types(),
        )
        log.info(
            "webhook mode: listening on %s:%s%s",
            settings.webhook_host,
            settings.webhook_port,
            settings.webhook_path,
        )
        try:
            await stop.wait()
        finally:
            closing.set()
            await dispatcher.emit_shutdown(bot=bot, **data)
            await runner.cleanup()


async def run(settings: Settings) -> None:
    """Polling by default; webhook mode when WEBHOOK_URL is set."""
    if settings.webhook_url is not None:
        await run_webhook(settings)
    else:
        await run_polling(settings)
