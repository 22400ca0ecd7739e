"""The Bot API session, and the three middlewares that watch its calls.

- `TokenWatch`: the one answer that makes running pointless, 401 (the token was rejected).
- `SkipUnreadableUpdates`: a getUpdates answer with one update aiogram cannot read.
- `Heartbeat`: every successful getUpdates touches HEARTBEAT_FILE for the health check.

Every Telegram call waits for a free connection of one pool. When some chats' calls hang (a
slow Telegram data centre, a stuck proxy), each keeps its connection until its timeout; if
they fill the pool, every other chat's calls, and the getUpdates that would bring their
messages, queue behind them. The write budget lets at most `TELEGRAM_RATE` calls start per
second and each lasts at most `REQUEST_TIMEOUT` seconds, so a pool of their product, plus
room for polling and start-up calls, is never the bottleneck.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramNetworkError,
    TelegramUnauthorizedError,
)
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.config import Settings
from bot.updates import first_unreadable
from bot.webpages import page_title

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

REQUEST_TIMEOUT = 20
"""Seconds one Bot API call may take before it counts as lost (and a write is retried)."""
SPARE_CONNECTIONS = 10
"""For getUpdates, getMe, setMyCommands and the like, which the write budget does not count."""
TOUCH_EVERY = 1.0
"""Seconds; under load getUpdates returns many times a second, one heartbeat a second is
enough."""


class TokenRejected(Exception):
    """Telegram answered 401 Unauthorized: BOT_TOKEN is wrong or was revoked in @BotFather.

    Nothing the bot does can work until an operator fixes it, so the process ends (and a
    restart policy that restarts it keeps failing the same way, which is why its exit status
    is distinct)."""

    def __init__(self, api_base: str) -> None:
        super().__init__(
            f"Telegram rejected BOT_TOKEN (401 Unauthorized from {api_base}): the token is"
            " wrong or was revoked; check it with @BotFather (/mybots, API Token) and set"
            " BOT_TOKEN to the current one."
        )


class TokenWatch(BaseRequestMiddleware):
    """Notices a 401 on any Bot API call, so the runner can stop the process once, cleanly.

    A getUpdates that gets 401 waits here to be cancelled instead of failing: aiogram would
    log the failure and retry it every few seconds for ever.
    """

    def __init__(self) -> None:
        self.rejected = asyncio.Event()

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            return await make_request(bot, method)
        except TelegramUnauthorizedError:
            self.rejected.set()
            if isinstance(method, GetUpdates):
                await asyncio.Future()  # until the runner stops polling
            raise


class SkipUnreadableUpdates(BaseRequestMiddleware):
    """A getUpdates that fails on one unreadable update is asked again around it."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            return await make_request(bot, method)
        except ClientDecodeError as exc:
            if not isinstance(method, GetUpdates):
                raise
            found = first_unreadable(exc.data, bot)
            if found is None:
                raise
            position, update_id = found
            if position == 0:
                log.warning("skipped update %d: aiogram cannot read it", update_id)
                again = method.model_copy(update={"offset": update_id + 1})
            else:
                # The readable ones before it now; it heads the next batch, and is skipped then.
                again = method.model_copy(update={"limit": position, "timeout": 0})
            return await self(make_request, bot, cast(TelegramMethod[TelegramType], again))


class Heartbeat(BaseRequestMiddleware):
    """Touches `path` after each successful getUpdates (at most once per TOUCH_EVERY)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._last = float("-inf")

    def clear(self) -> None:
        """Remove the file: not polling (yet, or any more)."""
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)
        self._last = float("-inf")

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        result = await make_request(bot, method)
        if isinstance(method, GetUpdates):
            self.touch()
        return result

    def touch(self) -> None:
        """Alive: polling worked (or, with REDIS_URL, this replica's leases were renewed:
        only one replica polls)."""
        now = time.monotonic()
        if now - self._last < TOUCH_EVERY:
            return
        self._last = now
        try:
            self.path.touch()
        except OSError as exc:  # a health check that cannot be written must not stop polling
            log.warning("cannot write HEARTBEAT_FILE %s: %s", self.path, exc.strerror)


def pool_size(settings: Settings) -> int:
    """Connections needed when every call the budget allows hangs for its whole timeout."""
    return math.ceil(settings.telegram_rate * REQUEST_TIMEOUT) + SPARE_CONNECTIONS


def build_session(settings: Settings) -> AiohttpSession:
    """The session every Bot API call of the process goes through.

    Calls that set no timeout of their own (start-up calls, getFile) get `REQUEST_TIMEOUT`
    too; aiogram's polling adds its long-poll time to it. A getUpdates answer with an update
    aiogram cannot read is taken around it (bot/updates.py).
    """
    session = AiohttpSession(
        api=TelegramAPIServer.from_base(settings.api_base),
        limit=pool_size(settings),
        timeout=REQUEST_TIMEOUT,
    )
    session.middleware(SkipUnreadableUpdates())
    return session


def explain(exc: BaseException, api_base: str) -> str:
    """What went wrong with a Bot API call, in words an operator can act on."""
    if isinstance(exc, TelegramUnauthorizedError):
        return "the Bot API rejected BOT_TOKEN (401 Unauthorized): check the token"
    if isinstance(exc, TelegramNetworkError):
        return f"cannot reach the Bot API server at {api_base}: {exc.message}"
    if isinstance(exc, TelegramAPIError):
        return exc.message
    if isinstance(exc, ClientDecodeError):
        return f"{api_base} answered {_what_answered(exc.data)}, not the Bot API"
    return f"{type(exc).__name__}: {exc}"


def _what_answered(data: Any) -> str:
    """A short description of a body that is not a Bot API answer (never all of it)."""
    if isinstance(data, str):
        title = page_title(data, 80)
        if title is not None:
            return f"an HTML page ({title})"
        text = " ".join(data.split())[:80]
        return f"{text!r}" if text else "an empty body"
    return "JSON that is not a Bot API answer"
