"""The Redis usage ledger against a real redis-server: the same figures as the memory ledger,
keys that expire, and a budget that holds when two replicas race to cross it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import redis.asyncio as redis
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.providers.base import Usage
from bot.usage import (
    KEY_MARGIN,
    RETENTION_DAYS,
    Limits,
    MemoryUsageLedger,
    Recorded,
    RedisUsageLedger,
    next_midnight,
    next_month,
)
from tests.support.properties import examples
from tests.support.redis_server import RedisServer


@pytest.fixture
async def client(redis_server: RedisServer) -> AsyncIterator[redis.Redis]:
    connection = redis.Redis.from_url(redis_server.url)
    yield connection
    await connection.aclose()


def now() -> datetime:
    return datetime.now(UTC)


async def test_a_record_sets_the_keys_the_layout_names_each_with_an_expiry(
    client: redis.Redis,
) -> None:
    ledger = RedisUsageLedger(client)
    at = now()
    await ledger.record(8, -100, "llama", Usage(0, 0), at)  # the day's first: no tokens
    await client.delete(*ledger.keys(8, -100, at.date())[:4])
    await ledger.record(7, -100, "llama", Usage(3, 4, estimated=True), at)
    user_day, user_month, chat_day, chat_month, all_day, models, users = ledger.keys(
        7, -100, at.date()
    )
    assert user_day == f"bot:usage:user:7:day:{at.date().isoformat()}"
    assert chat_month == f"bot:usage:chat:-100:month:{at:%Y-%m}"
    stored = await client.hgetall(user_day)
    assert stored == {b"p": b"3", b"c": b"4", b"e": b"7", b"n": b"1"}
    assert await client.hgetall(models) == {b"p:llama": b"3", b"c:llama": b"4", b"e:llama": b"7",
                                            b"n:llama": b"2"}  # fmt: skip
    assert await client.zscore(users, "7") == 7
    expected = {
        user_day: next_midnight(at) + KEY_MARGIN,
        chat_day: next_midnight(at) + KEY_MARGIN,
        user_month: next_month(at) + KEY_MARGIN,
        chat_month: next_month(at) + KEY_MARGIN,
        all_day: next_midnight(at) + timedelta(days=RETENTION_DAYS),
        models: next_midnight(at) + timedelta(days=RETENTION_DAYS),
        users: next_midnight(at) + timedelta(days=RETENTION_DAYS),
    }
    for key, expiry in expected.items():
        assert await client.expiretime(key) == int(expiry.timestamp()), key


async def test_figures_checks_and_stats_read_back_what_was_recorded(
    client: redis.Redis, redis_server: RedisServer
) -> None:
    # A client that decodes answers (the one the integrator passes may) reads the same figures.
    text_client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    try:
        for reader in (client, text_client):
            await client.flushdb()
            ledger = RedisUsageLedger(reader, Limits(daily=50, exempt=frozenset({2})))
            at = now()
            await ledger.record(1, 10, "a", Usage(20, 20), at)
            assert await ledger.check_budget(1, at) is None
            crossing = await ledger.record(1, 11, "b", Usage(5, 5, estimated=True), at)
            assert crossing.crossed is not None and crossing.crossed.limit_name == "daily"
            assert crossing.crossed.resets_at == next_midnight(at)
            assert (await ledger.check_budget(1, at)) == crossing.crossed
            await ledger.record(2, 10, "a", Usage(500, 0), at)
            assert await ledger.check_budget(2, at) is None
            today, month = await ledger.figures(1, at)
            assert (today.total, today.estimated_tokens, today.answers) == (50, 10, 2)
            assert month == today
            chat_today, _ = await ledger.chat_figures(10, at)
            assert chat_today.total == 540
            stats = await ledger.stats(at, days=3, top=5)
            assert [day for day, _ in stats.days][-1] == at.date()
            assert stats.total.total == 550
            assert [(m, f.total) for m, f in stats.models] == [("a", 540), ("b", 10)]
            assert stats.top_users == ((2, 500), (1, 50))
            assert not await reader.keys("bot:usage:scratch:*")
    finally:
        await text_client.aclose()


RECORDS = st.lists(
    st.tuples(
        st.integers(1, 5),  # user
        st.integers(-3, 3),  # chat
        st.sampled_from(["gpt-4o", "llama3.2:1b", "x"]),
        st.integers(0, 300),
        st.integers(0, 300),
        st.booleans(),
        st.integers(0, 30 * 24),  # hours before now
    ),
    max_size=30,
)


@given(records=RECORDS)
@example(records=[(1, 1, "x", 0, 0, False, 0)])
@settings(parent=examples(40), suppress_health_check=[HealthCheck.function_scoped_fixture])
async def test_redis_and_memory_ledgers_agree_on_every_figure(
    client: redis.Redis, records: list[tuple[int, int, str, int, int, bool, int]]
) -> None:
    """The memory ledger is the specification: the same records give the same answers."""
    await client.flushdb()
    limits = Limits(daily=400, monthly=1500, exempt=frozenset({5}))
    stored, kept = RedisUsageLedger(client, limits), MemoryUsageLedger(limits)
    moment = now()
    for user, chat, model, prompt, completion, estimated, hours in records:
        at = moment - timedelta(hours=hours)
        usage = Usage(prompt, completion, estimated)
        one = await stored.record(user, chat, model, usage, at)
        other = await kept.record(user, chat, model, usage, at)
        if at.date() >= moment.date() - timedelta(days=1):
            # Older day keys have expired by now (their day ended more than 2 days ago).
            assert one == other
    for user in range(1, 6):
        assert await stored.figures(user, moment) == await kept.figures(user, moment)
        assert await stored.check_budget(user, moment) == await kept.check_budget(user, moment)
    for chat in range(-3, 4):
        assert await stored.chat_figures(chat, moment) == await kept.chat_figures(chat, moment)
    for days in (1, 7, 31):
        assert await stored.stats(moment, days=days, top=3) == await kept.stats(
            moment, days=days, top=3
        )


async def test_two_replicas_racing_past_a_limit_lose_no_tokens_and_agree_at_once(
    redis_server: RedisServer,
) -> None:
    """Two ledgers, each with its own connection pool, on one redis-server: 2 x 25 workers
    check, then record 37 tokens, until refused. Exactly one record crosses the limit, no
    increment is lost, and a check that starts after the crossing record returned refuses on
    the other replica too."""
    limit, amount = 1000, 37
    limits = Limits(daily=limit)
    clients = [redis.Redis.from_url(redis_server.url) for _ in range(2)]
    ledgers = [RedisUsageLedger(c, limits) for c in clients]
    at = now()
    crossings: list[Recorded] = []
    recorded = [0, 0]

    async def worker(side: int) -> None:
        mine, other = ledgers[side], ledgers[1 - side]
        while await mine.check_budget(1, at) is None:
            done = await mine.record(1, 100 + side, "m", Usage(amount, 0), at)
            recorded[side] += amount
            if done.crossed is not None:
                crossings.append(done)
                assert await other.check_budget(1, at) is not None

    try:
        async with asyncio.timeout(60):
            await asyncio.gather(*(worker(side) for side in (0, 1) for _ in range(25)))
        assert len(crossings) == 1
        (crossing,) = crossings
        assert crossing.crossed is not None and crossing.crossed.limit == limit
        assert crossing.today.total - amount < limit <= crossing.today.total
        today, _ = await ledgers[0].figures(1, at)
        assert today.total == sum(recorded) == today.answers * amount
        assert limit <= today.total < limit + 50 * amount  # at most one answer per worker over
        for ledger in ledgers:
            verdict = await ledger.check_budget(1, at)
            assert verdict is not None and verdict.used == today.total
        assert recorded[0] and recorded[1]  # both replicas took part
    finally:
        for c in clients:
            await c.aclose()
