"""Factories: build the Bot, the backends, the stores and the Dispatcher, and wire them."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

import aiohttp
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BotCommand

from bot import texts
from bot.config import Settings
from bot.conversation import Conversations
from bot.delivery import Delivery
from bot.history import HistoryStore
from bot.pacing import WriteBudget
from bot.providers.base import AsyncGeneratorProvider, Backend, ChatBackend
from bot.providers.chain import FailoverChain
from bot.providers.cromicle import Cromicle
from bot.providers.openai import OpenAI
from handlers import get_routers

log = logging.getLogger(__name__)

PROVIDERS: dict[str, type[AsyncGeneratorProvider]] = {"cromicle": Cromicle, "openai": OpenAI}
COMMANDS = ("start", "help", "reset", "retry")


def build_bot(settings: Settings) -> Bot:
    """A Bot talking to the configured Bot API server (Telegram's, self-hosted, or a test one)."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.api_base))
    return Bot(settings.bot_token.get_secret_value(), session=session)


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
    delivery = Delivery(bot, budget, drafts=settings.stream_mode == "auto")
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
    )
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
    async with application(settings) as (bot, dispatcher):
        await bot.delete_webhook(drop_pending_updates=False)
        await dispatcher.start_polling(bot, allowed_updates=dispatcher.resolve_used_update_types())
