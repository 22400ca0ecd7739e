"""The memory usage ledger: figures per user and chat, UTC periods, budgets, bounds, /stats."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.providers.base import Usage
from bot.usage import (
    CHARS_PER_TOKEN,
    RETENTION_DAYS,
    BudgetExceeded,
    Figures,
    Limits,
    MemoryUsageLedger,
    estimate,
    next_midnight,
    next_month,
)
from tests.support.properties import examples

NOON = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)


def test_an_estimate_is_marked_and_rounds_characters_up_to_tokens() -> None:
    assert estimate(0, 0) == Usage(0, 0, estimated=True)
    assert estimate(1, CHARS_PER_TOKEN) == Usage(1, 1, estimated=True)
    assert estimate(401, 4000) == Usage(math.ceil(401 / CHARS_PER_TOKEN), 1000, estimated=True)
    assert estimate(-5, 3).prompt_tokens == 0


@pytest.mark.parametrize(
    ("at", "midnight", "first"),
    [
        (NOON, datetime(2025, 3, 15, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC)),
        (
            datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC),
            datetime(2026, 1, 1, tzinfo=UTC),
            datetime(2026, 1, 1, tzinfo=UTC),
        ),
        (  # 22:30 on 28 February in New York is already 1 March in UTC
            datetime(2025, 2, 28, 22, 30, tzinfo=timezone(timedelta(hours=-5))),
            datetime(2025, 3, 2, tzinfo=UTC),
            datetime(2025, 4, 1, tzinfo=UTC),
        ),
        (
            datetime(2024, 2, 29, 0, 0),
            datetime(2024, 3, 1, tzinfo=UTC),
            datetime(2024, 3, 1, tzinfo=UTC),
        ),
    ],
)
def test_limits_reset_at_the_next_utc_midnight_and_first_of_the_month(
    at: datetime, midnight: datetime, first: datetime
) -> None:
    assert next_midnight(at) == midnight
    assert next_month(at) == first


async def test_figures_are_kept_per_user_and_per_chat_per_utc_day_and_month() -> None:
    ledger = MemoryUsageLedger()
    await ledger.record(1, 100, "m", Usage(10, 20), NOON)
    await ledger.record(1, 200, "m", Usage(1, 2, estimated=True), NOON)
    await ledger.record(2, 100, "m", Usage(5, 5), NOON)
    await ledger.record(1, 100, "m", Usage(100, 0), NOON - timedelta(days=1))
    today, month = await ledger.figures(1, NOON)
    assert today == Figures(11, 22, estimated_tokens=3, answers=2)
    assert month == Figures(111, 22, estimated_tokens=3, answers=3)
    assert await ledger.chat_figures(100, NOON) == (Figures(15, 25, 0, 2), Figures(115, 25, 0, 3))
    assert await ledger.figures(3, NOON) == (Figures(), Figures())
    # An evening in UTC-5 belongs to the next UTC day: a new day (and here a new month).
    late = datetime(2025, 3, 31, 21, 0, tzinfo=timezone(timedelta(hours=-5)))
    await ledger.record(1, 100, "m", Usage(7, 0), late)
    assert await ledger.figures(1, late) == (Figures(7, 0, 0, 1), Figures(7, 0, 0, 1))


async def test_a_user_at_a_limit_is_told_which_and_when_it_resets() -> None:
    ledger = MemoryUsageLedger(Limits(daily=100, monthly=250, exempt=frozenset({9})))
    assert await ledger.check_budget(1, NOON) is None
    first = await ledger.record(1, 1, "m", Usage(60, 39), NOON)
    assert first.crossed is None and await ledger.check_budget(1, NOON) is None
    crossing = await ledger.record(1, 1, "m", Usage(0, 1), NOON)
    daily = BudgetExceeded("daily", 100, 100, datetime(2025, 3, 15, tzinfo=UTC))
    assert crossing.crossed == daily
    assert await ledger.check_budget(1, NOON) == daily
    assert (await ledger.record(1, 1, "m", Usage(0, 5), NOON)).crossed is None  # already past
    tomorrow = NOON + timedelta(days=1)
    assert await ledger.check_budget(1, tomorrow) is None  # a new day, same month
    await ledger.record(1, 1, "m", Usage(150, 0), tomorrow)
    monthly = BudgetExceeded("monthly", 250, 255, datetime(2025, 4, 1, tzinfo=UTC))
    # Both limits are past: the monthly one is named, as midnight would not help.
    assert await ledger.check_budget(1, tomorrow) == monthly
    assert await ledger.check_budget(1, datetime(2025, 4, 1, tzinfo=UTC)) is None
    for _ in range(3):
        await ledger.record(9, 1, "m", Usage(1000, 0), NOON)
    assert await ledger.check_budget(9, NOON) is None  # ADMIN_USERS are exempt
    assert (await ledger.record(9, 1, "m", Usage(1, 0), NOON)).crossed is None


async def test_no_limits_refuse_nobody() -> None:
    ledger = MemoryUsageLedger()
    await ledger.record(1, 1, "m", Usage(10**9, 10**9), NOON)
    assert await ledger.check_budget(1, NOON) is None


async def test_the_least_recently_active_users_and_chats_are_dropped_past_the_bound() -> None:
    ledger = MemoryUsageLedger(max_users=3)
    for user in (1, 2, 3):
        await ledger.record(user, user, "m", Usage(1, 1), NOON)
    await ledger.record(1, 1, "m", Usage(1, 1), NOON)  # 1 is active again; 2 is the oldest
    await ledger.record(4, 4, "m", Usage(1, 1), NOON)
    assert ledger.users_kept == 3 and ledger.chats_kept == 3
    assert (await ledger.figures(2, NOON))[0] == Figures()
    assert (await ledger.figures(1, NOON))[0].answers == 2
    assert (await ledger.chat_figures(2, NOON))[0] == Figures()
    assert (await ledger.figures(3, NOON))[0].answers == 1


async def test_days_older_than_the_retention_are_dropped() -> None:
    ledger = MemoryUsageLedger()
    start = NOON - timedelta(days=60)
    for back in range(61):
        await ledger.record(1, 1, "m", Usage(1, 0), start + timedelta(days=back))
    assert ledger.days_kept == RETENTION_DAYS
    stats = await ledger.stats(NOON, days=365)
    assert len(stats.days) == RETENTION_DAYS and stats.total.prompt_tokens == RETENTION_DAYS


async def test_stats_give_every_day_of_the_window_models_and_top_users() -> None:
    ledger = MemoryUsageLedger()
    await ledger.record(1, 1, "small", Usage(10, 10), NOON)
    await ledger.record(2, 2, "large", Usage(100, 100), NOON - timedelta(days=2))
    await ledger.record(3, 3, "large", Usage(1, 1, estimated=True), NOON - timedelta(days=2))
    await ledger.record(2, 2, "small", Usage(5, 5), NOON - timedelta(days=9))  # outside 7 days
    stats = await ledger.stats(NOON, days=7)
    assert [day for day, _ in stats.days] == [
        date(2025, 3, 8) + timedelta(days=n) for n in range(7)
    ]
    assert dict(stats.days)[date(2025, 3, 12)] == Figures(101, 101, 2, 2)
    assert dict(stats.days)[date(2025, 3, 13)] == Figures()
    assert stats.models == (("large", Figures(101, 101, 2, 2)), ("small", Figures(10, 10, 0, 1)))
    assert stats.top_users == ((2, 200), (1, 20), (3, 2))
    assert (await ledger.stats(NOON, days=7, top=1)).top_users == ((2, 200),)
    assert stats.total == Figures(111, 111, 2, 3)


RECORDS = st.lists(
    st.tuples(
        st.integers(1, 4),  # user
        st.integers(1, 3),  # chat
        st.sampled_from(["a", "b"]),
        st.integers(0, 500),
        st.integers(0, 500),
        st.booleans(),
        st.integers(0, 34 * 24),  # hours after the start: two months, within the retention
    ),
    max_size=40,
)


@given(RECORDS)
@example([(1, 1, "a", 0, 0, False, 0)])
@example(
    [(1, 1, "a", 0, 0, False, 0), (1, 1, "a", 0, 1, False, 816), (1, 1, "a", 0, 0, False, 288)]
)
@examples(150)
async def test_figures_match_a_plain_sum_of_the_records(
    records: list[tuple[int, int, str, int, int, bool, int]],
) -> None:
    ledger = MemoryUsageLedger(Limits(daily=700, monthly=2000))
    start = datetime(2025, 1, 20, tzinfo=UTC)
    spent: dict[tuple[int, date], int] = defaultdict(int)
    month_spent: dict[tuple[int, str], int] = defaultdict(int)
    crossings: dict[tuple[str, int, str], int] = defaultdict(int)
    for user, chat, model, prompt, completion, estimated, hours in records:
        at = start + timedelta(hours=hours)
        done = await ledger.record(user, chat, model, Usage(prompt, completion, estimated), at)
        spent[user, at.date()] += prompt + completion
        month_spent[user, f"{at:%Y-%m}"] += prompt + completion
        assert done.today.total == spent[user, at.date()]
        assert done.month.total == month_spent[user, f"{at:%Y-%m}"]
        if done.crossed is not None:
            period = at.date().isoformat() if done.crossed.limit_name == "daily" else f"{at:%Y-%m}"
            crossings[done.crossed.limit_name, user, period] += 1
    assert all(count == 1 for count in crossings.values())
    for (user, day), total in spent.items():
        at = datetime(day.year, day.month, day.day, 23, tzinfo=UTC)
        today, month = await ledger.figures(user, at)
        assert today.total == total
        assert month.total == month_spent[user, f"{at:%Y-%m}"]
        verdict = await ledger.check_budget(user, at)
        if month.total >= 2000:
            assert verdict is not None and verdict.limit_name == "monthly"
        elif total >= 700:
            assert verdict is not None and verdict.limit_name == "daily"
        else:
            assert verdict is None


async def test_a_book_keeps_the_two_newest_months_whatever_order_records_come_in() -> None:
    ledger = MemoryUsageLedger()
    march, january, february = (datetime(2025, m, 10, tzinfo=UTC) for m in (3, 1, 2))
    for at in (march, january, february):  # a replica's late record for January comes second
        await ledger.record(1, 1, "m", Usage(at.month, 0), at)
    assert (await ledger.figures(1, march))[1] == Figures(3, 0, 0, 1)
    assert (await ledger.figures(1, february))[1] == Figures(2, 0, 0, 1)
    assert (await ledger.figures(1, january))[1] == Figures()
