"""Where a replica's updates come from when REDIS_URL is set (the `UpdateSource` of
bot/seams.py): the shard runner that feeds it the updates of the chats it holds, and, in
polling mode, the one poller of all replicas (Telegram allows one getUpdates at a time per
bot) that queues updates for everyone; in webhook mode each replica queues what it is posted."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as redis
from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError, TelegramUnauthorizedError
from aiogram.types import Update
from aiohttp import web
from redis.exceptions import RedisError

from bot.delivery import Delivery
from bot.pacing import WriteBudget
from bot.replicas.shards import QueuedAttempt, QueuedUpdate, ShardRunner, publish, shard_of
from bot.startup import run_until

log = logging.getLogger(__name__)

POLL_LEASE = "bot:poller"
POLL_TIMEOUT = 10
"""Seconds of long polling; the poller's lease outlives one poll."""


MAX_CONNECTIONS = 64
"""Connections to Redis per process: one blocked XREADGROUP per shard held (16 at most) and
the short commands of the handlers."""
POOL_WAIT = 20.0
"""Seconds a command may wait for a free connection before it fails (and is retried)."""


class StoreUnavailable(Exception):
    """REDIS_URL does not lead to a working Redis; the message says so in plain words."""


async def connect(url: str) -> redis.Redis:
    """A client for REDIS_URL, checked with a PING; raises StoreUnavailable."""
    # A blocking pool: a burst of handlers waits for a free connection instead of failing
    # with "Too many connections" (redis-py's default pool raises at 100).
    pool = redis.BlockingConnectionPool.from_url(
        url,
        max_connections=MAX_CONNECTIONS,
        timeout=POOL_WAIT,
        socket_connect_timeout=5,
        health_check_interval=10,
    )
    client = redis.Redis.from_pool(pool)  # closing the client closes the pool
    try:
        async with asyncio.timeout(10):
            await client.ping()
    except (RedisError, OSError, TimeoutError) as exc:
        await client.aclose()
        raise StoreUnavailable(
            f"Cannot reach Redis at REDIS_URL ({safe_url(url)}): {exc or type(exc).__name__}. "
            "Start Redis, correct REDIS_URL, or leave REDIS_URL empty to keep everything "
            "in this process."
        ) from None
    return client


def safe_url(url: str) -> str:
    """REDIS_URL without its password, for messages."""
    scheme, _, rest = url.partition("://")
    if "@" in rest:
        rest = rest.split("@", 1)[1]
    return f"{scheme}://{rest}"


class ReplicaUpdates:
    """One process among several acting as one bot: its updates come through Redis."""

    def __init__(
        self,
        client: redis.Redis,
        bot: Bot,
        dispatcher: Dispatcher,
        delivery: Delivery,
        budget: WriteBudget,
        *,
        allowed_updates: list[str] | None = None,
        alive: Callable[[], None] = lambda: None,
    ) -> None:
        self.client = client
        self.bot = bot
        self.dispatcher = dispatcher
        self.delivery = delivery
        self.budget = budget
        self.allowed_updates = allowed_updates
        self.name = f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"
        self.runner = ShardRunner(
            client,
            self.name,
            self.feed,
            on_share=budget.set_share,
            on_lost=self._lost,
            on_tick=alive,
        )
        self._tasks: list[asyncio.Task[None]] = []

    async def poll(self, stop: asyncio.Event, rejected: asyncio.Event) -> None:
        """Polling mode: one replica polls for all; each answers the chats it holds."""
        data = {"dispatcher": self.dispatcher, "bots": [self.bot], **self.dispatcher.workflow_data}
        await self.dispatcher.emit_startup(bot=self.bot, **data)
        try:
            self._start(polling=True)

            async def stop_now() -> None:
                stop.set()

            await run_until(stop.wait(), stop_now, rejected)
        finally:
            await self.dispatcher.emit_shutdown(bot=self.bot, **data)

    async def serve(self) -> None:
        """Webhook mode: read the shards this replica holds (the webhook queues updates)."""
        self._start(polling=False)

    async def accept(self, request: web.Request, update: dict[str, Any]) -> web.StreamResponse:
        """A webhook update is queued for the replica that holds its chat (maybe this one)."""
        try:
            await publish(self.client, update)
        except (RedisError, OSError) as exc:
            # Telegram keeps the update and posts it again later: nothing is lost.
            log.warning("webhook: Redis unreachable (%s); update left with Telegram", exc)
            return web.Response(status=503, text="store unavailable")
        return web.json_response({})

    def _start(self, *, polling: bool) -> None:
        self.budget.set_share(0.0)  # until shards are held
        self._tasks.append(asyncio.create_task(self.runner.run(), name="shards"))
        if polling:
            self._tasks.append(asyncio.create_task(self._poll(), name="poller"))
        log.info("replica %s: sharing the bot through Redis", self.name)

    async def stop(self, drain: Callable[[], Awaitable[None]]) -> None:
        """Shutdown: stop polling and reading; `drain()` lets answers in progress finish or
        end visibly (and tells queued questions to ask again); then the updates are
        acknowledged and the leases freed for the other replicas."""
        for task in self._tasks[1:]:
            task.cancel()
        await self.runner.stop(drain)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def status(self) -> dict[str, object]:
        """For /healthz: this replica's name and the shards it holds."""
        return {"replica": self.name, "shards": self.runner.shards}

    async def feed(self, queued: QueuedUpdate, attempt: QueuedAttempt) -> None:
        """Hand one queued update to the Dispatcher, as polling or the webhook would; its
        `attempt` goes into the handler data."""
        update = Update.model_validate(queued.update, context={"bot": self.bot})
        await self.dispatcher.feed_update(self.bot, update, attempt=attempt)

    def _lost(self, shard: int) -> None:
        stopped = self.delivery.interrupt(lambda chat_id: shard_of(chat_id) == shard)
        if stopped:
            log.warning("lost shard %d: %d answers ended with a note", shard, stopped)

    async def _poll(self) -> None:
        """Be the one poller while holding its lease: updates go to Redis before their
        offset is confirmed to Telegram, so a poller that dies loses none."""
        lease_ms = (POLL_TIMEOUT + 5) * 1000
        offset: int | None = None
        while True:
            try:
                held = await self.client.set(POLL_LEASE, self.name, nx=True, px=lease_ms)
                owner = await self.client.get(POLL_LEASE)
                if not held and owner not in (self.name, self.name.encode()):
                    await asyncio.sleep(2)
                    continue
                await self.client.pexpire(POLL_LEASE, lease_ms)
                updates = await self.bot.get_updates(
                    offset=offset,
                    timeout=POLL_TIMEOUT,
                    allowed_updates=self.allowed_updates,
                    request_timeout=POLL_TIMEOUT + 10,
                )
                for update in updates:
                    raw = update.model_dump(mode="json", by_alias=True, exclude_none=True)
                    await publish(self.client, raw)
                    offset = update.update_id + 1
            except TelegramUnauthorizedError:
                raise
            except (TelegramAPIError, RedisError, OSError) as exc:
                log.warning("polling for the replicas failed (%s); retrying", exc)
                with contextlib.suppress(RedisError, OSError):
                    await self.client.eval(
                        "if redis.call('GET', KEYS[1]) == ARGV[1] then "
                        "return redis.call('DEL', KEYS[1]) end return 0",
                        1,
                        POLL_LEASE,
                        self.name,
                    )
                await asyncio.sleep(2)
