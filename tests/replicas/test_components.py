"""The Redis pieces against a real redis-server: records with fencing, the shared question
limit, de-duplication, and shards handed out fairly and taken over from a dead replica."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis.asyncio as redis

from bot.replicas.chats import RedisChats
from bot.replicas.limits import SharedRateLimiter
from bot.replicas.runtime import MAX_CONNECTIONS, connect
from bot.replicas.shards import (
    SHARDS,
    QueuedAttempt,
    QueuedUpdate,
    ShardRunner,
    lease_key,
    publish,
    shard_of,
    update_chat,
)
from tests.support.redis_server import RedisServer


@pytest.fixture
async def client(redis_server: RedisServer) -> AsyncIterator[redis.Redis]:
    connection = redis.Redis.from_url(redis_server.url)
    yield connection
    await connection.aclose()


def message(update_id: int, chat_id: int, text: str = "hi") -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": chat_id, "type": "private"},
            "text": text,
        },
    }


async def test_records_are_saved_whole_and_a_stale_lease_cannot_overwrite(
    client: redis.Redis,
) -> None:
    chats = RedisChats(client, ttl=60)
    assert await chats.load((1, None)) is None
    record = {"turns": [{"role": "user", "content": "q"}], "epoch": 2}
    assert await chats.save((1, None), record, None)
    assert (await chats.load((1, None)) or {})["epoch"] == 2
    assert 0 < await client.ttl("bot:chat:1:0") <= 60
    await client.set("bot:lease:3", "replica-b:9")
    stale = ("bot:lease:3", "replica-a:1")  # replica a's lease was taken over meanwhile
    assert not await chats.save((1, None), {"turns": [], "epoch": 3}, stale)
    assert (await chats.load((1, None)) or {})["epoch"] == 2
    assert await chats.save((1, None), {"turns": [], "epoch": 4}, ("bot:lease:3", "replica-b:9"))
    assert (await chats.load((1, None)) or {})["epoch"] == 4


async def test_the_question_limit_is_shared_and_told_once(client: redis.Redis) -> None:
    first, second = SharedRateLimiter(client, 2), SharedRateLimiter(client, 2)
    assert await first.admit(7) == (0, False)
    assert await second.admit(7) == (0, False)
    wait, tell = await first.admit(7)
    assert 50 <= wait <= 60 and tell
    assert (await second.admit(7))[1] is False  # the other replica stays quiet
    assert await second.admit(8) == (0, False)  # another user is not affected


async def test_an_update_is_queued_once_in_its_chats_shard(client: redis.Redis) -> None:
    assert update_chat(message(1, 42)) == 42
    assert update_chat({"update_id": 2, "stopped_message_generation": {"chat": {"id": -5}}}) == -5
    assert await publish(client, message(1, 42))
    assert not await publish(client, message(1, 42))  # Telegram sent it again
    assert await client.xlen(f"bot:updates:{shard_of(42)}") == 1


async def start(
    client: redis.Redis,
    name: str,
    seen: list[tuple[str, QueuedUpdate]],
    hold: asyncio.Event | None = None,
) -> tuple[ShardRunner, asyncio.Task[None]]:
    async def feed(queued: QueuedUpdate, attempt: QueuedAttempt) -> None:
        seen.append((name, queued))
        if hold is not None:
            await hold.wait()

    runner = ShardRunner(client, name, feed, lease=1.0, renew=0.2)
    return runner, asyncio.create_task(runner.run())


async def until(predicate: Any, timeout: float = 10) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.05)


async def test_replicas_share_the_shards_and_each_chat_is_read_by_one_in_order(
    client: redis.Redis,
) -> None:
    seen: list[tuple[str, QueuedUpdate]] = []
    a, a_task = await start(client, "a", seen)
    await until(lambda: len(a.shards) == SHARDS)
    b, b_task = await start(client, "b", seen)
    await until(lambda: len(a.shards) == len(b.shards) == SHARDS // 2)
    assert not set(a.shards) & set(b.shards)
    for n in range(40):
        await publish(client, message(100 + n, chat_id=n % 5, text=f"m{n}"))
    await until(lambda: len(seen) == 40)
    for chat in range(5):
        texts = [
            d.update["message"]["text"]
            for _, d in seen
            if d.update["message"]["chat"]["id"] == chat
        ]
        assert texts == [f"m{n}" for n in range(40) if n % 5 == chat]
        assert len({name for name, d in seen if d.update["message"]["chat"]["id"] == chat}) == 1
    for runner, task in ((a, a_task), (b, b_task)):
        await runner.stop(drained)
        task.cancel()


async def drained() -> None:
    """No answers in progress to end (the Dispatcher's drain, in the real process)."""


async def test_a_dead_replicas_unfinished_updates_are_taken_over(
    client: redis.Redis, redis_server: RedisServer
) -> None:
    seen: list[tuple[str, QueuedUpdate]] = []
    stuck = asyncio.Event()  # never set: replica a dies in the middle of answering
    dying = redis.Redis.from_url(redis_server.url)
    a, a_task = await start(dying, "a", seen, hold=stuck)
    await until(lambda: len(a.shards) == SHARDS)
    await publish(client, message(1, chat_id=9, text="first"))
    await until(lambda: len(seen) == 1)
    a_task.cancel()  # killed: no release, no acknowledgement, the lease just runs out
    for reader in a._readers.values():
        reader.cancel()
    await dying.aclose()
    await client.set("bot:shown:" + seen[0][1].entry, 1)  # its answer had shown some text
    await publish(client, message(2, chat_id=9, text="second"))
    b, b_task = await start(client, "b", seen)
    await until(lambda: len(seen) == 3, timeout=15)
    taken = [(name, d.update["message"]["text"], d.shown_before) for name, d in seen[1:]]
    assert taken == [("b", "first", True), ("b", "second", False)]
    await b.stop(drained)
    b_task.cancel()
    assert await client.get(lease_key(shard_of(9))) is None


async def test_a_chats_updates_take_their_places_in_line_in_order_while_earlier_ones_run(
    client: redis.Redis,
) -> None:
    # A handler awaits Redis (the shared limit) before it takes its place in its chat's line:
    # those round trips must not reorder a chat's messages, and a message waiting in line
    # must not keep the next update (a /reset, the stop button) from being handled.
    rng = random.Random(7)
    delays = {n: rng.uniform(0, 0.05) for n in range(30)}
    in_line: list[str] = []
    running = asyncio.Event()
    release = asyncio.Event()

    async def feed(queued: QueuedUpdate, attempt: QueuedAttempt) -> None:
        text = queued.update["message"]["text"]
        if text == "/reset":
            running.set()  # reached while every question before it still waits in line
            release.set()
            return
        await asyncio.sleep(delays[int(text)])
        attempt.lined_up()
        in_line.append(text)
        await release.wait()

    runner = ShardRunner(client, "a", feed, lease=1.0, renew=0.2)
    task = asyncio.create_task(runner.run())
    await until(lambda: len(runner.shards) == SHARDS)
    for n in range(30):
        await publish(client, message(500 + n, chat_id=3, text=str(n)))
    await publish(client, message(600, chat_id=3, text="/reset"))
    await until(running.is_set)
    assert in_line == [str(n) for n in range(30)]
    await runner.stop(drained)
    task.cancel()


async def test_an_update_whose_handler_met_redis_trouble_is_handled_again_before_the_next(
    client: redis.Redis,
) -> None:
    # "Too many connections", a timeout: the handler failed before anything was shown.
    handled: list[str] = []
    failed = False

    async def feed(queued: QueuedUpdate, attempt: QueuedAttempt) -> None:
        nonlocal failed
        text = queued.update["message"]["text"]
        if text == "first" and not failed:
            failed = True
            raise redis.ConnectionError("Too many connections")
        handled.append(text)

    runner = ShardRunner(client, "a", feed, lease=1.0, renew=0.1)
    task = asyncio.create_task(runner.run())
    await until(lambda: len(runner.shards) == SHARDS)
    await publish(client, message(700, chat_id=4, text="first"))
    await publish(client, message(701, chat_id=4, text="second"))
    await until(lambda: len(handled) == 2)
    assert handled == ["first", "second"]
    await until(lambda: not runner._handling.get(shard_of(4)))
    pending: Any = await client.xpending(f"bot:updates:{shard_of(4)}", "bot")
    assert pending["pending"] == 0  # both acknowledged
    await runner.stop(drained)
    task.cancel()


async def test_a_burst_of_commands_waits_for_connections_instead_of_failing(
    redis_server: RedisServer,
) -> None:
    # 1,000 questions at once in one process: more commands in flight than connections.
    store = await connect(redis_server.url)
    try:
        answers = await asyncio.gather(
            *(store.blpop([f"nothing:{n}"], timeout=0.05) for n in range(3 * MAX_CONNECTIONS))
        )
    finally:
        await store.aclose()
    assert answers == [None] * (3 * MAX_CONNECTIONS)
