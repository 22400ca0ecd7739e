"""Factories: build the Bot, the backends, the stores and the Dispatcher, and wire them."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import aiohttp
import redis.asyncio as redis
from aiogram import Bot, Dispatcher
from aiogram.exceptions import ClientDecodeError, TelegramAPIError
from aiogram.types import BotCommand
from aiohttp import web

from bot import texts
from bot.config import Settings
from bot.conversation import Conversations
from bot.delivery import Delivery
from bot.guard import AccessPolicy, QuestionLimit, RateLimiter
from bot.health import Heartbeat
from bot.history import HistoryStore
from bot.pacing import WriteBudget
from bot.probe import describe as describe_backends
from bot.probe import probe_all
from bot.providers.base import AsyncGeneratorProvider, Backend, ChatBackend
from bot.providers.chain import FailoverChain
from bot.providers.cromicle import Cromicle
from bot.providers.openai import OpenAI
from bot.replicas.chats import RedisChats
from bot.replicas.limits import SharedRateLimiter
from bot.replicas.runtime import Replica, connect
from bot.session import TokenRejected, TokenWatch, build_session, explain
from bot.startup import (
    BackgroundTasks,
    StartRefused,
    call_at_start,
    run_until,
    stop_on_signals,
    unless_stopped,
)
from bot.updates import DropRepeatedUpdates, RecentUpdates
from bot.webhook import webhook_app
from handlers import get_routers
from handlers.guard import AccessMiddleware

log = logging.getLogger(__name__)

PROVIDERS: dict[str, type[AsyncGeneratorProvider]] = {"cromicle": Cromicle, "openai": OpenAI}
COMMANDS = ("start", "help", "reset", "retry", "system")
MENU_ATTEMPTS = 5
"""Tries at registering the command menu (with backoff, or retry_after) before giving up."""


def build_bot(settings: Settings) -> Bot:
    """A Bot talking to the configured Bot API server (Telegram's, self-hosted, or a test one)."""
    return Bot(settings.bot_token.get_secret_value(), session=build_session(settings))


def backend_session() -> aiohttp.ClientSession:
    """One connection pool for every backend call; one open stream per chat being answered."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0, limit_per_host=0))


def build_backends(settings: Settings, session: aiohttp.ClientSession | None) -> list[Backend]:
    backends = []
    for name in settings.backend:
        provider = PROVIDERS[name]
        if provider is OpenAI:
            url = str(settings.openai_base_url)
            key = settings.openai_api_key
            options: dict[str, object] = {"api_key": key.get_secret_value()} if key else {}
            if settings.max_tokens is not None:
                options["max_tokens"] = settings.max_tokens
            if settings.temperature is not None:
                options["temperature"] = settings.temperature
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


def build_dispatcher(
    settings: Settings,
    bot: Bot,
    session: aiohttp.ClientSession,
    store: redis.Redis | None = None,
) -> Dispatcher:
    """The Dispatcher with every router and the shared objects handlers ask for by name.

    With `store` (REDIS_URL) chat records and the question limit live in Redis, and a Replica
    (dispatcher["replica"]) feeds the Dispatcher the updates of the chats it holds."""
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
        system_prompt=settings.system_text,
        max_messages=settings.history_max_messages,
        max_chars=settings.history_max_chars,
        max_chats=settings.max_chats,
        ttl=settings.history_ttl,
        records=RedisChats(store, settings.history_ttl) if store is not None else None,
    )
    limiter: QuestionLimit = (
        SharedRateLimiter(store, settings.rate_limit_per_minute)
        if store is not None
        else RateLimiter(settings.rate_limit_per_minute, max_users=settings.max_chats)
    )
    first = PROVIDERS[settings.backend[0]]
    vision = settings.vision == "auto" and first.supports_vision
    conversations = Conversations(
        history, build_backend(settings, session), delivery, vision=vision
    )
    dispatcher = Dispatcher(
        # No handler keeps FSM state; aiogram's storage would keep a record per chat forever.
        disable_fsm=True,
        settings=settings,
        background=BackgroundTasks(),
        budget=budget,
        delivery=delivery,
        history=history,
        conversations=conversations,
        limiter=limiter,
        heartbeat=Heartbeat(settings.heartbeat_file),
        replica=None,
    )
    if store is None:  # with Redis, updates are de-duplicated when queued, for all replicas
        dispatcher.update.outer_middleware(DropRepeatedUpdates(RecentUpdates()))
    policy = AccessPolicy(settings.allowed_users, settings.allowed_chats)
    dispatcher.message.outer_middleware(AccessMiddleware(policy))
    dispatcher.include_routers(*get_routers())
    dispatcher.startup.register(_on_startup)
    dispatcher.shutdown.register(_on_shutdown)
    if store is not None:
        dispatcher["replica"] = Replica(
            store,
            bot,
            dispatcher,
            delivery,
            budget,
            allowed_updates=dispatcher.resolve_used_update_types(),
            alive=dispatcher["heartbeat"].touch,
        )
    return dispatcher


async def register_commands(bot: Bot) -> None:
    """So Telegram clients show the command menu, in English and Russian."""
    for lang in texts.LANGUAGES:
        commands = [BotCommand(command=c, description=texts.t(lang, f"cmd_{c}")) for c in COMMANDS]
        code = None if lang == texts.DEFAULT_LANGUAGE else lang
        await bot.set_my_commands(commands, language_code=code)


async def register_menu(bot: Bot, api_base: str) -> None:
    """The command menu, retried a few times; without it typed commands still work, so a
    failure is a warning and never keeps the bot from answering."""
    try:
        await call_at_start(
            "setMyCommands", lambda: register_commands(bot), api_base, attempts=MENU_ATTEMPTS
        )
    except TokenRejected:
        pass  # the token watch has seen it too; the runner ends the process
    except (TelegramAPIError, ClientDecodeError, StartRefused) as exc:
        log.warning(
            "the command menu could not be registered (%s); commands still work when typed",
            exc if isinstance(exc, StartRefused) else explain(exc, api_base),
        )


async def _on_startup(bot: Bot, background: BackgroundTasks, settings: Settings) -> None:
    background.start(register_menu(bot, settings.api_base), name="command menu")


async def _on_shutdown(
    conversations: Conversations,
    budget: WriteBudget,
    settings: Settings,
    background: BackgroundTasks,
    replica: Replica | None,
) -> None:
    """Let answers in progress finish (up to SHUTDOWN_GRACE), then end them with a note; a
    question still waiting its turn gets "please ask again". A replica then acknowledges
    its updates and frees its chats for the others."""
    await background.cancel()

    async def drain() -> None:
        if conversations.in_flight:
            log.info("shutting down: %d questions in progress", conversations.in_flight)
        await conversations.drain(settings.shutdown_grace)

    if replica is not None:
        await replica.stop(drain)
    else:
        await drain()
    await budget.close()


@contextlib.asynccontextmanager
async def application(settings: Settings) -> AsyncIterator[tuple[Bot, Dispatcher]]:
    """Bot and Dispatcher with their sessions (and Redis, with REDIS_URL), closed on exit.

    The dispatcher's `token_watch` sees a 401 on any Bot API call; runners stop on it.
    Raises StoreUnavailable when REDIS_URL is set and Redis does not answer.
    """
    store = await connect(settings.redis_url.get_secret_value()) if settings.redis_url else None
    bot = build_bot(settings)
    watch = TokenWatch()
    bot.session.middleware(watch)
    try:
        async with backend_session() as session:
            try:
                dispatcher = build_dispatcher(settings, bot, session, store)
                dispatcher["token_watch"] = watch
                yield bot, dispatcher
            finally:
                await bot.session.close()
    finally:
        if store is not None:
            await store.aclose()


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


async def _probe_backends(settings: Settings) -> None:
    async with backend_session() as session:
        await probe_all(build_backends(settings, session), session)


async def run_polling(settings: Settings, stop: asyncio.Event) -> None:
    """Long polling until `stop` (SIGINT/SIGTERM), then the shutdown drain."""
    async with application(settings) as (bot, dispatcher):
        watch: TokenWatch = dispatcher["token_watch"]

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
        if dispatcher["replica"] is not None:
            await _run_replica(bot, dispatcher, stop)
            return
        heartbeat: Heartbeat = dispatcher["heartbeat"]
        heartbeat.clear()  # a file left by an earlier run must not pass for this one
        bot.session.middleware(heartbeat)
        polling = dispatcher.start_polling(
            bot,
            allowed_updates=dispatcher.resolve_used_update_types(),
            handle_signals=False,  # ours, installed for the whole run, set `stop`
            close_bot_session=False,
        )

        async def stop_polling() -> None:
            with contextlib.suppress(RuntimeError):  # not started yet, or stopped already
                await dispatcher.stop_polling()

        try:
            await run_until(polling, stop_polling, stop, watch.rejected)
        finally:
            heartbeat.clear()
        if watch.rejected.is_set():
            raise TokenRejected(settings.api_base)


async def _run_replica(bot: Bot, dispatcher: Dispatcher, stop: asyncio.Event) -> None:
    """REDIS_URL in polling mode: one replica polls for all, each answers the chats it holds."""
    watch: TokenWatch = dispatcher["token_watch"]
    replica: Replica = dispatcher["replica"]
    heartbeat: Heartbeat = dispatcher["heartbeat"]
    heartbeat.clear()
    bot.session.middleware(heartbeat)
    data = {"dispatcher": dispatcher, "bots": [bot], **dispatcher.workflow_data}
    await dispatcher.emit_startup(bot=bot, **data)
    try:
        await replica.start(polling=True)

        async def stop_now() -> None:
            stop.set()

        await run_until(stop.wait(), stop_now, watch.rejected)
    finally:
        await dispatcher.emit_shutdown(bot=bot, **data)
        heartbeat.clear()
    if watch.rejected.is_set():
        raise TokenRejected(dispatcher["settings"].api_base)


async def run_webhook(settings: Settings, stop: asyncio.Event) -> None:
    """Serve the webhook until `stop` (SIGINT/SIGTERM), then drain answers and exit."""
    async with application(settings) as (bot, dispatcher):
        watch: TokenWatch = dispatcher["token_watch"]
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

        try:
            await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
            await dispatcher.emit_startup(bot=bot, **data)
            if dispatcher["replica"] is not None:
                await dispatcher["replica"].start(polling=False)
            if await unless_stopped(set_webhook, stop):
                log.info(
                    "webhook mode: listening on %s:%s%s",
                    settings.webhook_host,
                    settings.webhook_port,
                    settings.webhook_path,
                )
                await run_until(stop.wait(), stop_serving, watch.rejected)
        finally:
            closing.set()
            await dispatcher.emit_shutdown(bot=bot, **data)
            await runner.cleanup()
        if watch.rejected.is_set():
            raise TokenRejected(settings.api_base)


async def run(settings: Settings) -> None:
    """Polling by default; webhook mode when WEBHOOK_URL is set; until SIGINT or SIGTERM.

    Raises TokenRejected when Telegram refuses the token (at start or later), StartRefused
    when it refuses a start-up call for good."""
    stop = asyncio.Event()
    with stop_on_signals(stop):
        if settings.webhook_url is not None:
            await run_webhook(settings, stop)
        else:
            await run_polling(settings, stop)
