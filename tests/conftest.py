"""Shared fixtures: the local Bot API server, local backends, and the real bot polling them."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app import application
from bot.config import Settings
from tests.servers.backends import FakeCromicle, FakeOpenAI
from tests.servers.telegram import FakeTelegram
from tests.support import properties  # noqa: F401  (loads the CI profile before any @given)
from tests.support.redis_server import RedisServer, running_redis

TOKEN = "123456:TEST-TOKEN"


@pytest.fixture
async def workdir(tmp_path: Path) -> AsyncIterator[Path]:
    """A working directory without a .env, so only the environment a test passes counts."""
    yield tmp_path


@pytest.fixture
async def redis_server(tmp_path: Path) -> AsyncIterator[RedisServer]:
    """A real redis-server on a free 127.0.0.1 port, with its own directory.

    Without the redis-server binary the test is skipped with a line saying how to install
    it, except where REQUIRE_REDIS=1 (CI, which installs it): there it fails."""
    if shutil.which("redis-server") is None and os.environ.get("REQUIRE_REDIS") != "1":
        pytest.skip("redis-server is not installed: apt-get install redis-server")
    async with running_redis(tmp_path / "redis") as server:
        yield server


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN) as server:
        yield server


@pytest.fixture
async def cromicle() -> AsyncIterator[FakeCromicle]:
    async with FakeCromicle() as server:
        yield server


@pytest.fixture
async def openai_server() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


def make_settings(telegram: FakeTelegram, cromicle: FakeCromicle, **overrides: Any) -> Settings:
    """Settings for a bot wired to the local servers; fast paces so tests stay quick."""
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "telegram_api_url": telegram.base_url,
        "cromicle_url": cromicle.url,
        "backend_timeout": 5.0,
        "backend_retries": 0,
        "private_chat_interval": 0.05,
        "group_chat_interval": 0.05,
        "stream_mode": "edit",
        "log_level": "DEBUG",
        "rate_limit_per_minute": 0,
        "language": None,  # not the gettext LANGUAGE a desktop session may export
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@contextlib.asynccontextmanager
async def running_bot(settings: Settings) -> AsyncIterator[Any]:
    """The real Dispatcher and routers long-polling the local Bot API server."""
    async with application(settings) as (bot, dispatcher):
        polling = asyncio.create_task(
            dispatcher.start_polling(
                bot, handle_signals=False, close_bot_session=False, polling_timeout=1
            )
        )
        try:
            yield dispatcher
        finally:
            with contextlib.suppress(RuntimeError):
                await dispatcher.stop_polling()
            await asyncio.wait_for(polling, timeout=30)


BotFactory = Callable[..., contextlib.AbstractAsyncContextManager[Any]]


@pytest.fixture
def bot(telegram: FakeTelegram, cromicle: FakeCromicle) -> BotFactory:
    """`async with bot(**settings_overrides):` runs the bot against the local servers."""

    def factory(**overrides: Any) -> contextlib.AbstractAsyncContextManager[Any]:
        return running_bot(make_settings(telegram, cromicle, **overrides))

    return factory
