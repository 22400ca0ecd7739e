"""Token usage per user and per chat, per UTC day and month, and the budgets it is held to.

Every answer's usage is recorded once it ends: the server's `usage` when it sent one, else an
estimate from characters (`estimate`, marked `estimated`). A user past `DAILY_TOKEN_LIMIT` or
`MONTHLY_TOKEN_LIMIT` is refused before the next model request (`check_budget`); an answer
already running when the limit is crossed is finished and recorded whole, so a user may end a
period somewhat over the limit, never by more than the answers they had running.

Two implementations of one `UsageLedger` protocol, chosen once by app.py: `MemoryUsageLedger`
(this process; bounded) and `RedisUsageLedger` (shared by replicas; every record is one atomic
script, so counts from concurrent replicas are never lost and a check sees every record that
finished before it).
"""

from __future__ import annotations

import math
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, Protocol

import redis.asyncio as redis

from bot.providers.base import Usage

CHARS_PER_TOKEN = 4
"""OpenAI's rule of thumb for English text ("one token is about 4 characters"). It counts
other scripts low (Cyrillic runs about 2-3 characters a token, CJK about 1): an estimate is a
floor, and it is marked as one wherever it is shown."""
RETENTION_DAYS = 35
"""Days of per-day figures kept (for /stats and top users); older days are dropped."""
KEY_MARGIN = timedelta(days=2)
"""A user's or chat's Redis key for a day or a month outlives its period by this much, so a
replica whose clock is a little behind still finds it."""
DEFAULT_MAX_USERS = 10_000
"""Users (and chats) whose figures the memory ledger keeps; the least recently active go."""

LimitName = Literal["daily", "monthly"]


def estimate(prompt_chars: int, answer_chars: int) -> Usage:
    """Tokens estimated from characters, `CHARS_PER_TOKEN` per token, rounded up (any text
    costs at least one token)."""
    return Usage(
        prompt_tokens=math.ceil(max(0, prompt_chars) / CHARS_PER_TOKEN),
        completion_tokens=math.ceil(max(0, answer_chars) / CHARS_PER_TOKEN),
        estimated=True,
    )


def utc(at: datetime) -> datetime:
    """`at` in UTC; a naive datetime is taken to be UTC already."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def next_midnight(at: datetime) -> datetime:
    """When the daily limit resets: the next 00:00 UTC after `at`."""
    day = utc(at).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def next_month(at: datetime) -> datetime:
    """When the monthly limit resets: 00:00 UTC on the first of the month after `at`."""
    moment = utc(at)
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return datetime(year, month, 1, tzinfo=UTC)


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@dataclass(frozen=True, slots=True)
class Figures:
    """Tokens spent in one period; `estimated_tokens` is the part of the total that was
    estimated from characters rather than reported by the server."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated_tokens: int = 0
    answers: int = 0

    @property
    def total(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True, slots=True)
class Limits:
    """Tokens (prompt + completion) a user may spend per UTC day and month; 0 = no limit.
    `exempt` users (ADMIN_USERS) have none."""

    daily: int = 0
    monthly: int = 0
    exempt: frozenset[int] = frozenset()

    def exceeded(
        self, user_id: int, today: int, month: int, at: datetime
    ) -> BudgetExceeded | None:
        """The limit `today`/`month` tokens are at or past: the monthly one when both are,
        since waiting for midnight would not help."""
        if user_id in self.exempt:
            return None
        if self.monthly and month >= self.monthly:
            return BudgetExceeded("monthly", self.monthly, month, next_month(at))
        if self.daily and today >= self.daily:
            return BudgetExceeded("daily", self.daily, today, next_midnight(at))
        return None


@dataclass(frozen=True, slots=True)
class BudgetExceeded:
    """A user is at or past a limit: which one, its size, what they used, when it resets."""

    limit_name: LimitName
    limit: int
    used: int
    resets_at: datetime


@dataclass(frozen=True, slots=True)
class Recorded:
    """A user's figures right after a record, and the limit this very record crossed (None
    if it crossed none): of many concurrent records, exactly one crosses a given limit."""

    today: Figures
    month: Figures
    crossed: BudgetExceeded | None = None


@dataclass(frozen=True, slots=True)
class Stats:
    """What /stats shows: totals per day (oldest first, every day of the window, idle days
    as zeros), per model and the top users over the window (most tokens first)."""

    days: tuple[tuple[date, Figures], ...]
    models: tuple[tuple[str, Figures], ...]
    top_users: tuple[tuple[int, int], ...]

    @property
    def total(self) -> Figures:
        return _sum(figures for _, figures in self.days)


class UsageLedger(Protocol):
    """Where usage is counted: this process, or Redis for replicas (app.py picks one)."""

    @property
    def limits(self) -> Limits: ...

    async def record(
        self, user_id: int, chat_id: int, model: str, usage: Usage, at: datetime
    ) -> Recorded:
        """Count one answer's tokens for its user and chat, at `at` (UTC)."""
        ...

    async def figures(self, user_id: int, at: datetime) -> tuple[Figures, Figures]:
        """The user's (today, this month), UTC."""
        ...

    async def chat_figures(self, chat_id: int, at: datetime) -> tuple[Figures, Figures]:
        """The chat's (today, this month), UTC."""
        ...

    async def check_budget(self, user_id: int, at: datetime) -> BudgetExceeded | None:
        """None when the user may ask the model now; else the limit they are past."""
        ...

    async def stats(self, at: datetime, days: int = 7, top: int = 10) -> Stats:
        """Totals of the `days` UTC days ending with `at`'s, by day, by model, top users."""
        ...


def _sum(items: Iterable[Figures]) -> Figures:
    prompt = completion = estimated = answers = 0
    for figures in items:
        prompt += figures.prompt_tokens
        completion += figures.completion_tokens
        estimated += figures.estimated_tokens
        answers += figures.answers
    return Figures(prompt, completion, estimated, answers)


def _window(at: datetime, days: int) -> list[date]:
    """The `days` UTC days ending with `at`'s, oldest first (1 to RETENTION_DAYS)."""
    last = utc(at).date()
    count = min(max(days, 1), RETENTION_DAYS)
    return [last - timedelta(days=back) for back in range(count - 1, -1, -1)]


def _crossing(
    limits: Limits, user_id: int, amount: int, today: Figures, month: Figures, at: datetime
) -> BudgetExceeded | None:
    """The limit a record of `amount` tokens crossed, given the figures right after it."""
    if user_id in limits.exempt or amount <= 0:
        return None
    periods: tuple[tuple[LimitName, int, Figures], ...] = (
        ("monthly", limits.monthly, month),
        ("daily", limits.daily, today),
    )
    for name, limit, after in periods:
        if limit and after.total - amount < limit <= after.total:
            resets = next_month(at) if name == "monthly" else next_midnight(at)
            return BudgetExceeded(name, limit, after.total, resets)
    return None


@dataclass(slots=True)
class _Tally:
    prompt: int = 0
    completion: int = 0
    estimated: int = 0
    answers: int = 0

    def add(self, usage: Usage) -> None:
        self.prompt += usage.prompt_tokens
        self.completion += usage.completion_tokens
        if usage.estimated:
            self.estimated += usage.prompt_tokens + usage.completion_tokens
        self.answers += 1

    def figures(self) -> Figures:
        return Figures(self.prompt, self.completion, self.estimated, self.answers)


@dataclass(slots=True)
class _Book:
    """One user's or chat's tallies by day and by month (recent ones only)."""

    days: dict[date, _Tally] = field(default_factory=dict)
    months: dict[str, _Tally] = field(default_factory=dict)

    def add(self, day: date, usage: Usage) -> None:
        self.days.setdefault(day, _Tally()).add(usage)
        self.months.setdefault(month_of(day), _Tally()).add(usage)
        # Records may come out of order (replicas, clocks): what is dropped is what is older
        # than the newest period, never older than the record at hand.
        if len(self.days) > RETENTION_DAYS:
            oldest = max(self.days) - timedelta(days=RETENTION_DAYS)
            self.days = {d: t for d, t in self.days.items() if d > oldest}
        if len(self.months) > 2:
            keep = sorted(self.months)[-2:]
            self.months = {m: t for m, t in self.months.items() if m in keep}

    def figures(self, day: date) -> tuple[Figures, Figures]:
        today, month = self.days.get(day), self.months.get(month_of(day))
        return (
            today.figures() if today else Figures(),
            month.figures() if month else Figures(),
        )


class MemoryUsageLedger:
    """Usage in this process (lost on restart): at most `max_users` users and `max_chats`
    chats, the least recently active dropped first; per-day totals for RETENTION_DAYS."""

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        max_users: int = DEFAULT_MAX_USERS,
        max_chats: int | None = None,
    ) -> None:
        if max_users < 1 or (max_chats is not None and max_chats < 1):
            raise ValueError("max_users and max_chats must be at least 1")
        self._limits = limits or Limits()
        self.max_users = max_users
        self.max_chats = max_chats or max_users
        self._users: OrderedDict[int, _Book] = OrderedDict()
        self._chats: OrderedDict[int, _Book] = OrderedDict()
        self._days: dict[date, _Tally] = {}
        self._models: dict[date, dict[str, _Tally]] = {}
        self._latest = date.min

    @property
    def limits(self) -> Limits:
        return self._limits

    @property
    def users_kept(self) -> int:
        return len(self._users)

    @property
    def chats_kept(self) -> int:
        return len(self._chats)

    @property
    def days_kept(self) -> int:
        return len(self._days)

    async def record(
        self, user_id: int, chat_id: int, model: str, usage: Usage, at: datetime
    ) -> Recorded:
        day = utc(at).date()
        user = _touch(self._users, user_id, self.max_users)
        user.add(day, usage)
        _touch(self._chats, chat_id, self.max_chats).add(day, usage)
        self._days.setdefault(day, _Tally()).add(usage)
        self._models.setdefault(day, {}).setdefault(model, _Tally()).add(usage)
        if day > self._latest:
            self._latest = day
            oldest = day - timedelta(days=RETENTION_DAYS)
            for stale in [d for d in self._days if d <= oldest]:
                del self._days[stale]
                self._models.pop(stale, None)
        today, month = user.figures(day)
        amount = usage.prompt_tokens + usage.completion_tokens
        return Recorded(today, month, _crossing(self._limits, user_id, amount, today, month, at))

    async def figures(self, user_id: int, at: datetime) -> tuple[Figures, Figures]:
        book = self._users.get(user_id)
        return book.figures(utc(at).date()) if book else (Figures(), Figures())

    async def chat_figures(self, chat_id: int, at: datetime) -> tuple[Figures, Figures]:
        book = self._chats.get(chat_id)
        return book.figures(utc(at).date()) if book else (Figures(), Figures())

    async def check_budget(self, user_id: int, at: datetime) -> BudgetExceeded | None:
        today, month = await self.figures(user_id, at)
        return self._limits.exceeded(user_id, today.total, month.total, at)

    async def stats(self, at: datetime, days: int = 7, top: int = 10) -> Stats:
        window = _window(at, days)
        totals = tuple(
            (day, self._days[day].figures() if day in self._days else Figures()) for day in window
        )
        by_model: dict[str, list[Figures]] = {}
        for day in window:
            for model, tally in self._models.get(day, {}).items():
                by_model.setdefault(model, []).append(tally.figures())
        models = sorted(
            ((model, _sum(parts)) for model, parts in by_model.items()),
            key=lambda item: (-item[1].total, item[0]),
        )
        spent = []
        for user_id, book in self._users.items():
            tokens = sum(
                book.days[day].prompt + book.days[day].completion
                for day in window
                if day in book.days
            )
            if tokens:
                spent.append((user_id, tokens))
        spent.sort(key=lambda item: (-item[1], item[0]))
        return Stats(totals, tuple(models), tuple(spent[:top]))


def _touch(books: OrderedDict[int, _Book], key: int, bound: int) -> _Book:
    """The book for `key`, now the most recently active; the least recent goes past `bound`."""
    book = books.get(key)
    if book is None:
        book = books[key] = _Book()
        while len(books) > bound:
            books.popitem(last=False)
    else:
        books.move_to_end(key)
    return book


_RECORD = """
local p, c, e = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local expiry = {ARGV[6], ARGV[7], ARGV[6], ARGV[7], ARGV[8]}
local after = {}
for i = 1, 5 do
    local np = redis.call('HINCRBY', KEYS[i], 'p', p)
    local nc = redis.call('HINCRBY', KEYS[i], 'c', c)
    local ne = redis.call('HINCRBY', KEYS[i], 'e', e)
    local nn = redis.call('HINCRBY', KEYS[i], 'n', 1)
    if nn == 1 then
        -- A new key: its expiry is absolute (its period's end and a margin), set once.
        redis.call('EXPIREAT', KEYS[i], expiry[i])
    end
    if i <= 2 then
        after[#after + 1] = np
        after[#after + 1] = nc
        after[#after + 1] = ne
        after[#after + 1] = nn
    end
end
local model = ARGV[4]
redis.call('HINCRBY', KEYS[6], 'p:' .. model, p)
redis.call('HINCRBY', KEYS[6], 'c:' .. model, c)
redis.call('HINCRBY', KEYS[6], 'e:' .. model, e)
redis.call('HINCRBY', KEYS[6], 'n:' .. model, 1)
if p + c > 0 then
    redis.call('ZINCRBY', KEYS[7], p + c, ARGV[5])
end
redis.call('EXPIREAT', KEYS[6], ARGV[8])
if p + c > 0 then
    redis.call('EXPIREAT', KEYS[7], ARGV[8])
end
return after
"""
"""KEYS: user day, user month, chat day, chat month, all of the day, models of the day, users
of the day (sorted set). ARGV: prompt, completion and estimated tokens, model, user id, and
the expiry (Unix seconds) of day keys, month keys and per-day totals: absolute, so a hash gets
it once, when created. Returns the user's day and month figures after the record: p, c, e, n
each. About 30 calls inside one EVALSHA."""

_TOP = """
redis.call('ZUNIONSTORE', KEYS[1], #KEYS - 1, unpack(KEYS, 2))
local top = redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
redis.call('DEL', KEYS[1])
return top
"""
"""KEYS: a scratch key, then the users-of-the-day sorted sets of the window. ARGV: how many."""


class RedisUsageLedger:
    """Usage in Redis, shared by every replica (layout in `keys`, all under `prefix`).

    A record is one Lua script (atomic: no increment is lost to a concurrent replica, and a
    check that starts after a record returned sees it). Every key expires: a user's or chat's
    day and month figures KEY_MARGIN after their period, per-day totals after RETENTION_DAYS.
    """

    def __init__(
        self, client: redis.Redis, limits: Limits | None = None, *, prefix: str = "bot:usage"
    ) -> None:
        self._client = client
        self._limits = limits or Limits()
        self.prefix = prefix
        self._record = client.register_script(_RECORD)
        self._top = client.register_script(_TOP)

    @property
    def limits(self) -> Limits:
        return self._limits

    def keys(self, user_id: int, chat_id: int, day: date) -> list[str]:
        """The keys one record touches, in the order the record script takes them."""
        p, d, m = self.prefix, day.isoformat(), month_of(day)
        return [
            f"{p}:user:{user_id}:day:{d}",  # hash p c e n: prompt, completion, estimated, answers
            f"{p}:user:{user_id}:month:{m}",
            f"{p}:chat:{chat_id}:day:{d}",
            f"{p}:chat:{chat_id}:month:{m}",
            f"{p}:all:day:{d}",  # the same hash, for everyone
            f"{p}:models:day:{d}",  # hash p:<model> c:<model> e:<model> n:<model>
            f"{p}:users:day:{d}",  # sorted set: user id -> tokens that day
        ]

    async def record(
        self, user_id: int, chat_id: int, model: str, usage: Usage, at: datetime
    ) -> Recorded:
        moment = utc(at)
        day = moment.date()
        amount = usage.prompt_tokens + usage.completion_tokens
        day_end = next_midnight(moment)
        answer: Any = await self._record(
            keys=self.keys(user_id, chat_id, day),
            args=[
                usage.prompt_tokens,
                usage.completion_tokens,
                amount if usage.estimated else 0,
                model,
                user_id,
                int((day_end + KEY_MARGIN).timestamp()),
                int((next_month(moment) + KEY_MARGIN).timestamp()),
                int((day_end + timedelta(days=RETENTION_DAYS)).timestamp()),
            ],
        )
        values = [int(v) for v in answer]
        today, month = Figures(*values[:4]), Figures(*values[4:8])
        return Recorded(today, month, _crossing(self._limits, user_id, amount, today, month, at))

    async def figures(self, user_id: int, at: datetime) -> tuple[Figures, Figures]:
        day = utc(at).date()
        keys = self.keys(user_id, 0, day)
        return await self._pair(keys[0], keys[1])

    async def chat_figures(self, chat_id: int, at: datetime) -> tuple[Figures, Figures]:
        day = utc(at).date()
        keys = self.keys(0, chat_id, day)
        return await self._pair(keys[2], keys[3])

    async def check_budget(self, user_id: int, at: datetime) -> BudgetExceeded | None:
        if user_id in self._limits.exempt or not (self._limits.daily or self._limits.monthly):
            return None  # no round trip for admins, or when there are no limits
        today, month = await self.figures(user_id, at)
        return self._limits.exceeded(user_id, today.total, month.total, at)

    async def stats(self, at: datetime, days: int = 7, top: int = 10) -> Stats:
        window = _window(at, days)
        p = self.prefix
        async with self._client.pipeline(transaction=False) as pipe:
            for day in window:
                pipe.hgetall(f"{p}:all:day:{day.isoformat()}")
            for day in window:
                pipe.hgetall(f"{p}:models:day:{day.isoformat()}")
            answers = await pipe.execute()
        totals = tuple(
            (day, _figures(raw)) for day, raw in zip(window, answers[: len(window)], strict=True)
        )
        by_model: dict[str, dict[str, int]] = {}
        for raw in answers[len(window) :]:
            for name, value in raw.items():
                kind, _, model = _text(name).partition(":")
                counts = by_model.setdefault(model, {})
                counts[kind] = counts.get(kind, 0) + int(value)
        models = sorted(
            (
                (model, Figures(c.get("p", 0), c.get("c", 0), c.get("e", 0), c.get("n", 0)))
                for model, c in by_model.items()
            ),
            key=lambda item: (-item[1].total, item[0]),
        )
        scratch = f"{p}:scratch:{uuid.uuid4().hex}"
        ranked: Any = await self._top(
            keys=[scratch, *(f"{p}:users:day:{day.isoformat()}" for day in window)],
            args=[max(top, 1)],
        )
        users = [
            (int(_text(ranked[i])), round(float(ranked[i + 1]))) for i in range(0, len(ranked), 2)
        ]
        users.sort(key=lambda item: (-item[1], item[0]))
        return Stats(totals, tuple(models), tuple(users[:top]))

    async def _pair(self, day_key: str, month_key: str) -> tuple[Figures, Figures]:
        async with self._client.pipeline(transaction=True) as pipe:
            pipe.hgetall(day_key)
            pipe.hgetall(month_key)
            today, month = await pipe.execute()
        return _figures(today), _figures(month)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _figures(raw: Mapping[Any, Any]) -> Figures:
    counts = {_text(k): int(v) for k, v in raw.items()}
    return Figures(counts.get("p", 0), counts.get("c", 0), counts.get("e", 0), counts.get("n", 0))
