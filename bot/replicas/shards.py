"""Updates handed out by chat: each chat belongs to one of `SHARDS` Redis streams, and each
stream is read by one replica at a time, holding a lease on it.

Why shards: a chat's messages must be answered one at a time and in arrival order, and the
stop button or /reset must reach the replica that is answering. Giving every chat's updates
to one replica at a time gets both for free (the in-process chat lock does the rest), and a
replica's share of Telegram's global rate follows the share of shards it holds.

An update is acknowledged (XACK) only once its handler has finished, that is, once its answer
was delivered or ended visibly. A replica that dies stops renewing its leases; within
`LEASE_SECONDS` another replica takes its shards over and claims (XAUTOCLAIM) what the dead
one had taken but not finished, so every question taken from Telegram is answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import redis.asyncio as redis
from redis.exceptions import RedisError, ResponseError

log = logging.getLogger(__name__)

SHARDS = 16
"""Streams the chats are spread over; a replica holds about SHARDS / replicas of them."""
LEASE_SECONDS = 5.0
"""A lease not renewed for this long is free: a dead replica's chats move on after it."""
RENEW_EVERY = 1.0
STREAM_LENGTH = 10_000
"""Entries kept per stream (acknowledged ones are trimmed first)."""
GROUP = "bot"
MAX_BACKOFF = 10.0
"""Seconds between attempts to reach Redis again, at most."""
ACK_GRACE = 5.0
"""Seconds, at shutdown, for handlers whose answers have ended to acknowledge their updates."""

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


def shard_of(chat_id: int) -> int:
    """The shard a chat's updates go to (stable across processes and restarts)."""
    return zlib.crc32(str(chat_id).encode()) % SHARDS


def stream_key(shard: int) -> str:
    return f"bot:updates:{shard}"


def lease_key(shard: int) -> str:
    return f"bot:lease:{shard}"


def update_chat(update: dict[str, Any]) -> int | None:
    """The chat an update belongs to (message, edit, stop button, callback...)."""
    for value in update.values():
        if not isinstance(value, dict):
            continue
        chat = value.get("chat")
        if chat is None and isinstance(value.get("message"), dict):
            chat = value["message"].get("chat")
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            return int(chat["id"])
        user = value.get("from")
        if isinstance(user, dict) and isinstance(user.get("id"), int):
            return int(user["id"])
    return None


async def publish(client: redis.Redis, update: dict[str, Any]) -> bool:
    """Queue an update for the replica holding its chat's shard; False for a duplicate.

    Telegram delivers an update again when it thinks it was not received (a webhook timeout,
    a restart); the first copy wins for a day.
    """
    update_id = update.get("update_id")
    if not isinstance(update_id, int):
        raise ValueError("not an update: no update_id")
    if await RedisSeenUpdates(client).seen_before(update_id):
        return False
    chat = update_chat(update)
    shard = shard_of(chat) if chat is not None else 0
    body = json.dumps(update, ensure_ascii=False, separators=(",", ":"))
    await client.xadd(stream_key(shard), {"update": body}, maxlen=STREAM_LENGTH, approximate=True)
    return True


class RedisSeenUpdates:
    """Update ids seen by any replica in the last day (`bot:seen:<update_id>`, ~80 bytes)."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    async def seen_before(self, update_id: int) -> bool:
        return not await self.client.set(f"bot:seen:{update_id}", 1, nx=True, ex=86400)


@dataclass(frozen=True, slots=True)
class QueuedUpdate:
    """One update this replica read from its shard: its stream entry, and whether a replica
    that took it before (and died) had already shown part of its answer."""

    shard: int
    entry: str
    update: dict[str, Any]
    shown_before: bool


@dataclass(frozen=True, slots=True)
class QueuedAttempt:
    """What a handler's `attempt` (bot/seams.py) is for an update from Redis: a note when
    it is a second try, the lease token that fences the chat's record, the event that lets
    the chat's next update start once this one has its place in line, and the mark that its
    answer is on screen."""

    queued: QueuedUpdate
    client: redis.Redis
    token: tuple[str, str]
    line: asyncio.Event

    @property
    def note(self) -> str | None:
        return "second_attempt" if self.queued.shown_before else None

    def lined_up(self) -> None:
        self.line.set()

    async def shown(self) -> None:
        """A replica that takes this update over will say it is a second try."""
        with contextlib.suppress(RedisError, OSError):
            await self.client.set(f"bot:shown:{self.queued.entry}", 1, ex=3600)


Feed = Callable[[QueuedUpdate, QueuedAttempt], Awaitable[None]]


class ShardRunner:
    """Holds leases on a fair share of the shards and feeds their updates to `feed`.

    `on_share(fraction)` is told the fraction of all shards held, so the write budget can use
    that fraction of Telegram's global rate; `on_lost(shard)` when a lease was lost (Redis
    unreachable, or renewed too late), so answers under it can end with a note; `on_tick()`
    after each successful renewal round (the health check's heartbeat).
    """

    def __init__(
        self,
        client: redis.Redis,
        replica: str,
        feed: Feed,
        *,
        on_share: Callable[[float], None] = lambda _: None,
        on_lost: Callable[[int], None] = lambda _: None,
        on_tick: Callable[[], None] = lambda: None,
        lease: float = LEASE_SECONDS,
        renew: float = RENEW_EVERY,
    ) -> None:
        self.client = client
        self.replica = replica
        self.feed = feed
        self.on_share = on_share
        self.on_lost = on_lost
        self.on_tick = on_tick
        self.lease, self.renew = lease, renew
        self.tokens: dict[int, str] = {}
        self._readers: dict[int, asyncio.Task[None]] = {}
        self._handling: dict[int, set[asyncio.Task[None]]] = {}
        self._leaving: dict[int, asyncio.Task[None]] = {}
        self._lines: dict[int | None, asyncio.Event] = {}
        """Per chat, the event its newest update sets once in line: the chat's next update
        waits for it (or for the handler's end) before it starts, so that round trips to
        Redis before the line (the shared rate limit) cannot reorder a chat's messages."""
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)
        self._stopping = False  # shutting down: renew what is held, take nothing more
        self._stopped = False  # the leases are released: nothing to renew

    @property
    def shards(self) -> list[int]:
        return sorted(self.tokens)

    async def run(self) -> None:
        """Keep a fair share of leases, renewed, until cancelled or stopped. Redis trouble
        drops every lease (answers under them end with a note) and is retried with backoff."""
        failures = 0
        while not self._stopped:
            try:
                await self._tick()
                self.on_tick()
            except (RedisError, OSError) as exc:
                if not failures:
                    log.warning("Redis unreachable (%s); retrying with backoff", exc)
                failures += 1
                for shard in list(self.tokens):
                    await self._drop(shard, lost=True)
                await asyncio.sleep(min(MAX_BACKOFF, self.renew * 2 ** min(failures, 8)))
                continue
            if failures:
                log.warning("Redis reachable again after %d failed attempts", failures)
                failures = 0
            await asyncio.sleep(self.renew)

    async def stop(self, drain: Callable[[], Awaitable[None]]) -> None:
        """Shutdown: read nothing more; `drain()` ends the answers in hand (finished, or cut
        with a note) while the leases are still renewed, so no other replica answers them
        too; their updates are acknowledged, then the leases freed. An update still
        unfinished after that is left pending for the replica that takes the shard."""
        self._stopping = True
        for reader in self._readers.values():
            reader.cancel()
        await drain()
        handling = [task for tasks in self._handling.values() for task in tasks]
        if handling:
            await asyncio.wait(handling, timeout=ACK_GRACE)
        self._stopped = True  # no renewal can race the release below
        for shard in list(self.tokens):
            with contextlib.suppress(RedisError, OSError):
                await self._release(keys=[lease_key(shard)], args=[self.tokens[shard]])
            await self._drop(shard, lost=False)
        with contextlib.suppress(RedisError, OSError):
            await self.client.zrem("bot:replicas", self.replica)

    async def _tick(self) -> None:
        now = time.time()
        pipe = self.client.pipeline(transaction=False)
        pipe.zadd("bot:replicas", {self.replica: now})
        pipe.zremrangebyscore("bot:replicas", 0, now - self.lease)
        pipe.zcard("bot:replicas")
        _, _, live = await pipe.execute()
        held = list(self.tokens)
        renewals = self.client.pipeline(transaction=False)
        for shard in held:  # renew first, in one round trip: a lost lease is noticed fast
            await self._renew(
                keys=[lease_key(shard)],
                args=[self.tokens[shard], int(self.lease * 1000)],
                client=renewals,
            )
        renewed_all = await renewals.execute() if held else []
        for shard, renewed in zip(held, renewed_all, strict=True):
            if not renewed:
                log.warning("lease on shard %d lost", shard)
                await self._drop(shard, lost=True)
        if self._stopping:
            return  # keep renewing while the answers in hand finish; take nothing more
        for shard, token in list(self.tokens.items()):  # a reader that Redis trouble ended
            reader = self._readers.get(shard)
            if shard not in self._leaving and reader is not None and reader.done():
                await self._ensure_group(shard)
                self._start_reading(shard, token)
        fair = math.ceil(SHARDS / max(1, int(live)))
        staying = [shard for shard in self.tokens if shard not in self._leaving]
        for shard in range(SHARDS):
            if len(staying) >= fair:
                break
            if shard not in self.tokens and await self._try_acquire(shard):
                staying.append(shard)
        while len(staying) > fair:  # someone joined: give back the shard least busy
            shard = min(staying, key=lambda s: len(self._handling.get(s, ())))
            staying.remove(shard)
            self._leaving[shard] = asyncio.create_task(self._hand_over(shard))
        self.on_share(len(self.tokens) / SHARDS)

    async def _try_acquire(self, shard: int) -> bool:
        if await self.client.exists(lease_key(shard)):
            return False
        fence = await self.client.incr("bot:fence")
        token = f"{self.replica}:{fence}"
        lease_ms = int(self.lease * 1000)
        if not await self.client.set(lease_key(shard), token, nx=True, px=lease_ms):
            return False
        self.tokens[shard] = token
        await self._ensure_group(shard)
        self._start_reading(shard, token)
        log.info("took shard %d", shard)
        return True

    async def _ensure_group(self, shard: int) -> None:
        """The stream's consumer group (again, after a Redis that lost its data)."""
        with contextlib.suppress(ResponseError):  # BUSYGROUP: it exists
            await self.client.xgroup_create(stream_key(shard), GROUP, id="0", mkstream=True)

    def _start_reading(self, shard: int, token: str) -> None:
        self._readers[shard] = asyncio.create_task(self._read(shard, token))

    async def _hand_over(self, shard: int) -> None:
        """Stop reading `shard`, finish what is in hand (the lease is still renewed), then
        free it for another replica: its chats move on between two answers, never during."""
        try:
            reader = self._readers.pop(shard, None)
            if reader is not None:
                reader.cancel()
            handling = self._handling.get(shard, set())
            if handling:
                await asyncio.wait(handling, timeout=self.lease * 6)
            token = self.tokens.pop(shard, None)
            if token is not None:
                with contextlib.suppress(RedisError, OSError):
                    await self._release(keys=[lease_key(shard)], args=[token])
            self._handling.pop(shard, None)
            log.info("gave shard %d back", shard)
        finally:
            self._leaving.pop(shard, None)

    async def _drop(self, shard: int, *, lost: bool) -> None:
        self.tokens.pop(shard, None)
        reader = self._readers.pop(shard, None)
        if reader is not None:
            reader.cancel()
        if lost:
            self.on_lost(shard)

    async def _read(self, shard: int, token: str) -> None:
        """Read the shard until cancelled; Redis trouble ends it (the lease renewal notices,
        and the shard is read again once it is held again)."""
        try:
            await self._read_entries(shard, token)
        except (RedisError, OSError) as exc:  # the lease renewal says it louder
            log.debug("reading shard %d stopped: %s", shard, exc)

    async def _read_entries(self, shard: int, token: str) -> None:
        """Claim what a previous holder left unfinished, then read new entries, in order."""
        stream = stream_key(shard)
        claimed: set[str] = set()
        start = "0-0"
        while True:  # the previous holder's unfinished entries become ours
            claim: Any = await self.client.xautoclaim(
                stream, GROUP, self.replica, 0, start, count=100
            )
            start, entries = claim[0], claim[1]
            claimed.update(_text(entry_id) for entry_id, _fields in entries)
            if _text(start) == "0-0":
                break
        position = "0"  # first our own pending entries (claimed ones included), then new
        while True:
            history = position != ">"
            block = None if history else int(self.renew * 1000)
            answer: Any = await self.client.xreadgroup(
                GROUP, self.replica, {stream: position}, count=50, block=block
            )
            entries = _entries(answer)
            if history and not entries:
                position = ">"  # our pending list is done: new entries from here on
                continue
            for entry_id, fields in entries:
                entry = _text(entry_id)
                if history:
                    position = entry  # continue after it in our pending list
                raw = fields.get(b"update") or fields.get("update")
                if raw is None:
                    await self.client.xack(stream, GROUP, entry)
                    continue
                update = json.loads(raw)
                claimed_here = entry in claimed
                shown = claimed_here and bool(await self.client.exists(f"bot:shown:{entry}"))
                queued = QueuedUpdate(shard, entry, update, shown)
                chat = update_chat(update)
                after, line = self._lines.get(chat), asyncio.Event()
                self._lines[chat] = line
                task = asyncio.create_task(self._handle(queued, token, chat, after, line))
                self._handling.setdefault(shard, set()).add(task)
                task.add_done_callback(self._handling[shard].discard)

    async def _handle(
        self,
        queued: QueuedUpdate,
        token: str,
        chat: int | None,
        after: asyncio.Event | None,
        line: asyncio.Event,
    ) -> None:
        """Feed one update once the chat's previous one is in line; acknowledge it when its
        handler has ended, if the lease it was read under is still ours."""
        attempt = QueuedAttempt(queued, self.client, (lease_key(queued.shard), token), line)
        try:
            if after is not None:
                await after.wait()
            failures = 0
            while True:
                try:
                    await self.feed(queued, attempt)
                    break
                except (RedisError, OSError) as exc:
                    # Before anything was shown (the limit, loading the chat): ask again
                    # while the lease is ours, the chat's next update waiting behind.
                    if self.tokens.get(queued.shard) != token:
                        return  # left pending: the next holder answers it
                    failures += 1
                    if failures == 1:
                        log.warning(
                            "update %s waits for Redis: %s", queued.update.get("update_id"), exc
                        )
                    await asyncio.sleep(min(MAX_BACKOFF, self.renew * 2 ** min(failures, 8)))
        except Exception:  # a handler bug must not stop the shard; the update is done
            log.exception("update %s failed", queued.update.get("update_id"))
        finally:
            line.set()
            if self._lines.get(chat) is line:
                del self._lines[chat]
        if self.tokens.get(queued.shard) != token:
            return  # the lease is gone: the next holder answers it again
        with contextlib.suppress(RedisError, OSError):
            pipe = self.client.pipeline(transaction=False)
            pipe.xack(stream_key(queued.shard), GROUP, queued.entry)
            pipe.delete(f"bot:shown:{queued.entry}")
            await pipe.execute()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _entries(answer: Any) -> list[tuple[Any, dict[Any, Any]]]:
    """The entries of one stream from XREADGROUP's answer (RESP2 list or RESP3 map)."""
    if not answer:
        return []
    if isinstance(answer, dict):
        answer = list(answer.items())
    return [(entry_id, fields or {}) for entry_id, fields in answer[0][1]]
