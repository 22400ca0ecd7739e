"""The Bot API session: a connection pool sized so that slow calls hold up only their own chat.

Every Telegram call waits for a free connection of one pool. When some chats' calls hang (a
slow Telegram data centre, a stuck proxy), each keeps its connection until its timeout; if
they fill the pool, every other chat's calls, and the getUpdates that would bring their
messages, queue behind them. The write budget lets at most `TELEGRAM_RATE` calls start per
second and each lasts at most `REQUEST_TIMEOUT` seconds, so a pool of their product, plus
room for polling and start-up calls, is never the bottleneck.
"""

from __future__ import annotations

import math

from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.config import Settings
from bot.delivery import REQUEST_TIMEOUT

SPARE_CONNECTIONS = 10
"""For getUpdates, getMe, setMyCommands and the like, which the write budget does not count."""


def pool_size(settings: Settings) -> int:
    """Connections needed when every call the budget allows hangs for its whole timeout."""
    return math.ceil(settings.telegram_rate * REQUEST_TIMEOUT) + SPARE_CONNECTIONS


def build_session(settings: Settings) -> AiohttpSession:
    """The session every Bot API call of the process goes through.

    Calls that set no timeout of their own (start-up calls, getFile) get `REQUEST_TIMEOUT`
    too; aiogram's polling adds its long-poll time to it.
    """
    return AiohttpSession(
        api=TelegramAPIServer.from_base(settings.api_base),
        limit=pool_size(settings),
        timeout=REQUEST_TIMEOUT,
    )
