"""Factories: build the Bot, the backends, the stores and the Dispatcher, and wire them.

The seams (bot/seams.py) are chosen here, once: with REDIS_URL the chat records, the question
limit and the update source are the Redis ones (bot/replicas/), otherwise the in-memory ones.
Every shared object reaches the handlers through the Dispatcher's data, by name.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import aiohttp
import redis.asyncio as redis
from aiogram import Bot, Dispatcher
from aiogram.exceptions import ClientDecodeError, TelegramAPIError
from aiogram.types import BotCommand

from bot import texts
from bot.accounting import Accounting
from bot.admission import AccessPolicy, RateLimiter
from bot.choices import ChatChoices
from bot.config import Settings
from bot.conversation import Conversations
from bot.delivery import Delivery
from bot.gathering import Gathering
from bot.history import HistoryStore
from bot.inputs.speech import build_transcriber
from bot.local_updates import LocalUpdates
from bot.metrics import Metrics, MetricsServer, TelegramMetrics, serve_metrics
from bot.models import ModelCatalog, ModelSource
from bot.pacing import WriteBudget
from bot.providers import PROVIDERS
from bot.providers.base import Backend, ChatBackend
from bot.providers.chain import FailoverChain
from bot.providers.openai import OpenAI
from bot.replicas.chats import RedisChats
from bot.replicas.limits import SharedRateLimiter
from bot.replicas.runtime import ReplicaUpdates, connect
from bot.seams import FIRST_ATTEMPT, ChatRecords, QuestionLimit, UpdateSource
from bot.session import Heartbeat, TokenRejected, TokenWatch, build_session, explain
from bot.startup import BackgroundTasks, StartRefused, call_at_start
from bot.tools.loop import ToolLimits
from bot.tools.offer import ToolOffer
from bot.updates import DropRepeatedUpdates, RecentUpdates
from bot.usage import Limits, MemoryUsageLedger, RedisUsageLedger, UsageLedger
from handlers import get_routers
from handlers.access import AccessMiddleware
from handlers.asking import Asking
from handlers.language import ForcedLanguage

if TYPE_CHECKING:
    from bot.tools.servers import ToolServers

log = logging.getLogger(__name__)

COMMANDS = ("start", "help", "reset", "retry", "system", "model", "mode", "usage", "tools")
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
            options["stream_usage"] = True  # for /usage and the budgets
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
    redis_client: redis.Redis | None = None,
    tool_servers: ToolServers | None = None,
) -> Dispatcher:
    """The Dispatcher with every router and the shared objects handlers ask for by name.

    With `redis_client` (REDIS_URL) chat records, the question limit and the updates live in
    Redis; otherwise everything is kept in this process. With `tool_servers` (MCP_CONFIG and a
    backend that takes tools) answers may call their tools."""
    budget = WriteBudget(
        settings.telegram_rate, settings.private_chat_interval, settings.group_chat_interval
    )
    delivery = Delivery(
        bot,
        budget,
        drafts=settings.stream_mode == "auto",
        show_reasoning=settings.reasoning == "show",
        max_answer_seconds=settings.backend_max_answer_seconds,
        max_chats=settings.max_chats,
    )
    records: ChatRecords | None = None
    limiter: QuestionLimit = RateLimiter(
        settings.rate_limit_per_minute, max_users=settings.max_chats
    )
    if redis_client is not None:
        records = RedisChats(redis_client, settings.history_ttl)
        limiter = SharedRateLimiter(redis_client, settings.rate_limit_per_minute)
    history = HistoryStore(
        system_prompt=settings.system_text,
        max_messages=settings.history_max_messages,
        max_chars=settings.history_max_chars,
        max_chats=settings.max_chats,
        ttl=settings.history_ttl,
        records=records,
    )
    vision = settings.vision == "auto" and PROVIDERS[settings.backend[0]].supports_vision
    accounting = build_accounting(settings, bot, session, redis_client)
    tools = None
    if tool_servers is not None:
        limits = ToolLimits(
            timeout=settings.tool_timeout,
            result_chars=settings.tool_result_chars,
            max_rounds=settings.max_tool_rounds,
        )
        tools = ToolOffer(tool_servers, limits)
    conversations = Conversations(
        history,
        build_backend(settings, session),
        delivery,
        vision=vision,
        accounting=accounting,
        tools=tools,
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
        asking=Asking(bot, conversations, delivery, limiter, settings),
        gathering=Gathering(),  # albums and split pastes, one question each (in-process)
        limiter=limiter,
        transcriber=build_transcriber(settings, session),  # voice notes: handlers/media.py
        heartbeat=Heartbeat(settings.heartbeat_file),
        attempt=FIRST_ATTEMPT,  # an update from Redis brings its own (bot/replicas/shards.py)
        accounting=accounting,
        choices=ChatChoices(history, accounting, settings.personas),
        catalog=accounting.catalog,
        ledger=accounting.ledger,
        metrics=accounting.metrics,
        tool_servers=tool_servers,  # for /tools; None without MCP_CONFIG (or tools to offer)
    )
    policy = AccessPolicy(settings.allowed_users, settings.allowed_chats)
    if settings.language is not None:
        dispatcher.update.outer_middleware(ForcedLanguage(settings.language))
    dispatcher.message.outer_middleware(AccessMiddleware(policy))
    dispatcher.edited_message.outer_middleware(AccessMiddleware(policy))
    dispatcher.include_routers(*get_routers())
    dispatcher.startup.register(_on_startup)
    dispatcher.shutdown.register(_on_shutdown)
    dispatcher.startup.register(_start_accounting)
    dispatcher.shutdown.register(_stop_accounting)  # after the drain: answers still count
    source: UpdateSource
    if redis_client is None:
        dispatcher.update.outer_middleware(DropRepeatedUpdates(RecentUpdates()))
        source = LocalUpdates(bot, dispatcher)
    else:  # updates are de-duplicated once, when queued, for all replicas
        source = ReplicaUpdates(
            redis_client,
            bot,
            dispatcher,
            delivery,
            budget,
            allowed_updates=dispatcher.resolve_used_update_types(),
            alive=dispatcher["heartbeat"].touch,
        )
    dispatcher["source"] = source
    accounting.metrics.track(
        in_progress=lambda: delivery.active,
        queued=lambda: max(conversations.in_flight - delivery.active, 0),
        shards=(lambda: len(source.runner.shards)) if isinstance(source, ReplicaUpdates) else None,
    )
    return dispatcher


def build_accounting(
    settings: Settings, bot: Bot, session: aiohttp.ClientSession, redis_client: redis.Redis | None
) -> Accounting:
    """The model catalog, the usage ledger (in Redis with REDIS_URL, shared by replicas) and
    the metrics, whose Telegram half counts every Bot API call of `bot`."""
    backends = build_backends(settings, session)
    catalog = ModelCatalog(
        [ModelSource.from_backend(b) for b in backends],
        settings.model,
        session=session,
        allowlist=settings.models,
    )
    limits = Limits(
        settings.daily_token_limit, settings.monthly_token_limit, frozenset(settings.admin_users)
    )
    ledger: UsageLedger = (
        MemoryUsageLedger(limits, max_users=settings.max_chats)
        if redis_client is None
        else RedisUsageLedger(redis_client, limits)
    )
    metrics = Metrics(known_model=catalog.offered)
    bot.session.middleware(TelegramMetrics(metrics))
    return Accounting(backends, catalog, ledger, metrics, retries=settings.backend_retries)


async def _start_accounting(
    dispatcher: Dispatcher, accounting: Accounting, settings: Settings
) -> None:
    """Keep the model lists fresh; serve /metrics on METRICS_PORT when it is set (the
    webhook server serves it too, on its own port). A port that cannot be bound is logged:
    the bot still answers."""
    accounting.catalog.start()
    if settings.metrics_port is None:
        return
    try:
        server = await serve_metrics(
            accounting.metrics, settings.metrics_host, settings.metrics_port
        )
    except OSError as exc:
        log.error(
            "metrics: cannot listen on %s:%s (%s); /metrics is off",
            settings.metrics_host,
            settings.metrics_port,
            exc.strerror or exc,
        )
        return
    dispatcher["metrics_server"] = server
    log.info("metrics: %s", server.url)


async def _stop_accounting(dispatcher: Dispatcher, accounting: Accounting) -> None:
    await accounting.catalog.aclose()
    server: MetricsServer | None = dispatcher.workflow_data.pop("metrics_server", None)
    if server is not None:
        await server.close()


async def register_commands(bot: Bot, forced: str | None = None) -> None:
    """So Telegram clients show the command menu, in every language the bot speaks: one list
    per language code, English for the rest. With LANGUAGE (`forced`) every list is in that
    language, overwriting the per-language lists an earlier start may have left."""
    for lang in texts.LANGUAGES:
        said = forced or lang
        commands = [BotCommand(command=c, description=texts.t(said, f"cmd_{c}")) for c in COMMANDS]
        code = None if lang == texts.DEFAULT_LANGUAGE else lang
        await bot.set_my_commands(commands, language_code=code)


async def register_menu(bot: Bot, api_base: str, forced: str | None = None) -> None:
    """The command menu, retried a few times; without it typed commands still work, so a
    failure is a warning and never keeps the bot from answering."""
    try:
        await call_at_start(
            "setMyCommands",
            lambda: register_commands(bot, forced),
            api_base,
            attempts=MENU_ATTEMPTS,
        )
    except TokenRejected:
        pass  # the token watch has seen it too; the runner ends the process
    except (TelegramAPIError, ClientDecodeError, StartRefused) as exc:
        log.warning(
            "the command menu could not be registered (%s); commands still work when typed",
            exc if isinstance(exc, StartRefused) else explain(exc, api_base),
        )


async def _on_startup(bot: Bot, background: BackgroundTasks, settings: Settings) -> None:
    menu = register_menu(bot, settings.api_base, settings.language)
    background.start(menu, name="command menu")


async def _on_shutdown(
    conversations: Conversations,
    budget: WriteBudget,
    settings: Settings,
    background: BackgroundTasks,
    source: UpdateSource,
) -> None:
    """Let answers in progress finish (up to SHUTDOWN_GRACE), then end them with a note; a
    question still waiting its turn gets "please ask again". The update source stops taking
    updates first (a replica then acknowledges its updates and frees its chats)."""
    await background.cancel()

    async def drain() -> None:
        if conversations.in_flight:
            log.info("shutting down: %d questions in progress", conversations.in_flight)
        await conversations.drain(settings.shutdown_grace)

    await source.stop(drain)
    await budget.close()


@contextlib.asynccontextmanager
async def tool_servers(settings: Settings) -> AsyncIterator[ToolServers | None]:
    """The MCP servers of MCP_CONFIG, connecting in the background (one log line each once
    the first attempt ends; failed ones are retried), stopped on exit; None without
    MCP_CONFIG, or when no backend sends tools (Cromicle), which one line says."""
    config = settings.mcp
    if config is None or not config.servers:
        yield None
        return
    if not any(PROVIDERS[name] is OpenAI for name in settings.backend):
        log.info(
            "MCP_CONFIG names %d MCP servers, but tools are not offered: BACKEND=%s has no "
            "tool calling (OpenAI-compatible backends have)",
            len(config.servers),
            ",".join(settings.backend),
        )
        yield None
        return
    # The MCP SDK takes a second or more to import: only where MCP_CONFIG asks for it.
    from bot.tools.servers import ToolServers  # noqa: PLC0415

    servers = ToolServers(config)
    connecting = asyncio.create_task(servers.start(), name="MCP servers")
    try:
        yield servers
    finally:
        connecting.cancel()
        await asyncio.gather(connecting, return_exceptions=True)  # not this task's cancel
        await servers.close()


@contextlib.asynccontextmanager
async def application(settings: Settings) -> AsyncIterator[tuple[Bot, Dispatcher]]:
    """Bot and Dispatcher with their sessions (and Redis, with REDIS_URL), closed on exit.

    The dispatcher's `token_watch` sees a 401 on any Bot API call; runners stop on it.
    Raises StoreUnavailable when REDIS_URL is set and Redis does not answer.
    """
    url = settings.redis_url
    redis_client = await connect(url.get_secret_value()) if url is not None else None
    bot = build_bot(settings)
    watch = TokenWatch()
    bot.session.middleware(watch)
    try:
        async with backend_session() as session, tool_servers(settings) as tools:
            try:
                dispatcher = build_dispatcher(settings, bot, session, redis_client, tools)
                dispatcher["token_watch"] = watch
                yield bot, dispatcher
            finally:
                await bot.session.close()
    finally:
        if redis_client is not None:
            await redis_client.aclose()
