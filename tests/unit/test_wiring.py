"""Settings reach the components built from them: each value is read back from the objects
`application()` builds, so a setting that stops being passed on fails here."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiogram import Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.dispatcher.event.handler import CallableObject
from aiogram.types import Chat, Message, Update, User

from bot.app import application
from bot.config import Settings
from bot.history import HistoryStore
from bot.pacing import WriteBudget
from bot.providers.base import Backend
from bot.providers.chain import FailoverChain
from bot.session import REQUEST_TIMEOUT

TOKEN = "123456:TEST-TOKEN"


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, bot_token=TOKEN, **values)


async def test_backend_settings_reach_every_backend_of_the_chain() -> None:
    built = settings(
        backend="openai,cromicle",
        proxy="http://user:pass@127.0.0.1:3128",
        backend_connect_timeout=3.5,
        backend_timeout=42,
        backend_retries=4,
        openai_base_url="http://127.0.0.1:1/v1",
        openai_api_key="sk-wired",
        cromicle_url="http://127.0.0.1:2",
        model="wired-model",
    )
    async with application(built) as (_, dispatcher):
        chain = dispatcher["conversations"].backend
        assert isinstance(chain, FailoverChain)
        assert chain.retries == 4
        openai, cromicle = chain.backends
        assert isinstance(openai, Backend) and isinstance(cromicle, Backend)
        for backend in (openai, cromicle):
            assert backend.proxy == "http://user:pass@127.0.0.1:3128/"
            assert backend.connect_timeout == 3.5
            assert backend.timeout == 42
            assert backend.model == "wired-model"
        assert openai.url == "http://127.0.0.1:1/v1"
        assert openai.options == {"api_key": "sk-wired", "stream_usage": True}
        assert cromicle.url == "http://127.0.0.1:2"


async def test_conversation_and_pacing_settings_reach_their_stores() -> None:
    built = settings(
        history_ttl=123.5,
        history_max_messages=7,
        history_max_chars=900,
        max_chats=55,
        system_prompt="be brief",
        telegram_rate=12,
        private_chat_interval=0.7,
        group_chat_interval=4.4,
        rate_limit_per_minute=9,
    )
    async with application(built) as (_, dispatcher):
        history = dispatcher["history"]
        assert isinstance(history, HistoryStore)
        assert (history.ttl, history.max_messages, history.max_chars) == (123.5, 7, 900)
        assert (history.max_chats, history.system_prompt) == (55, "be brief")
        budget = dispatcher["budget"]
        assert isinstance(budget, WriteBudget)
        assert budget.slot == 1 / 12
        assert (budget.private_interval, budget.group_interval) == (0.7, 4.4)
        assert dispatcher["limiter"].per_minute == 9
        assert dispatcher["limiter"].max_users == 55


async def test_the_bot_api_pool_holds_every_call_the_write_budget_allows_to_hang() -> None:
    # TELEGRAM_RATE calls may start each second and each may take REQUEST_TIMEOUT seconds;
    # getUpdates needs a connection on top, or a few slow chats stop the bot from polling.
    async with application(settings(telegram_rate=45)) as (bot, _):
        session = bot.session
        assert isinstance(session, AiohttpSession)
        assert session.timeout == REQUEST_TIMEOUT
        client = await session.create_session()
        assert isinstance(client.connector, aiohttp.TCPConnector)
        assert client.connector.limit > 45 * REQUEST_TIMEOUT


async def test_updates_from_many_chats_leave_no_record_per_chat_behind() -> None:
    # aiogram's FSM middleware would keep a (never used) state record per chat past MAX_CHATS.
    # Edited messages reach the update middlewares but no handler: nothing is sent anywhere.
    local = settings(telegram_api_url="http://127.0.0.1:9")
    async with application(local) as (bot, dispatcher):
        for chat_id in range(2, 302):
            user = User(id=chat_id, is_bot=False, first_name="u")
            message = Message(
                message_id=1,
                date=datetime.now(UTC),
                chat=Chat(id=chat_id, type="private"),
                from_user=user,
                text="hi",
            )
            update = Update(update_id=chat_id, edited_message=message)
            await dispatcher.feed_update(bot, update)
        storage = dispatcher.storage
        assert not getattr(storage, "storage", {}), "a record per chat is kept"


def _callables(router: Router) -> list[tuple[str, CallableObject]]:
    """Every handler and filter of `router` and its sub-routers, with where it is."""
    found: list[tuple[str, CallableObject]] = []
    for name, observer in router.observers.items():
        where = f"{router.name}.{name}"
        own = getattr(observer, "_handler", None)  # holds the router-level filters only
        found += [(where, item) for item in (own.filters or [] if own else [])]
        for handler in observer.handlers:
            found.append((where, handler))
            found += [(where, item) for item in getattr(handler, "filters", None) or []]
    for sub in router.sub_routers:
        found += _callables(sub)
    return found


async def test_no_handler_or_filter_runs_in_a_worker_thread() -> None:
    """aiogram hands a callback that is not a coroutine (a plain function, a bare `F.…`
    filter) to `asyncio.to_thread` on every update it meets; under load those hand-offs cost
    more CPU than the answers. Every one must be awaitable (`InLoop` for magic filters)."""
    async with application(settings()) as (_, dispatcher):
        found = _callables(dispatcher)
        assert len(found) > 20  # the walk reaches the routers
        threaded = [f"{where}: {item.callback!r}" for where, item in found if not item.awaitable]
        assert threaded == []
