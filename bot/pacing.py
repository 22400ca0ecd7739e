"""One budget for every Telegram write the process makes: a global rate, a pace per chat, and
the `retry_after` holds Telegram imposes, granted by priority so the budget goes where users look.

Telegram's published limits: about 30 messages per second per bot, about one per second per
private chat, 20 per minute per group. A 429 names the seconds to wait; we wait exactly that.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.priority import Priority

RESERVE = 1.0
"""Writes a chat keeps in hand for finals: an intermediate edit never spends the last one, so
the final text goes out the moment the answer ends instead of up to one interval later."""


@dataclass(slots=True)
class _Pace:
    """A chat's token bucket: refills one write per interval, holds 1 + RESERVE."""

    tokens: float
    stamp: float
    blocked_until: float = 0.0
    last_user: int | None = None  # who the chat's last write was for


@dataclass(eq=False, slots=True)
class _Waiter:
    chat_id: int
    priority: Callable[[], int]
    seq: int
    future: asyncio.Future[None] = field(repr=False)
    user: int | None = None


class WriteBudget:
    """Grants the right to make one Telegram write, respecting every limit at once.

    `acquire()` returns when the chat's pace allows a write, its `retry_after` hold (if any) has
    passed and a global slot is free. Among waiting chats the lowest `Priority` goes first,
    then the longest waiting. The priority is asked at grant time, so a waiter whose answer
    finished meanwhile is served as a final. Inside one chat, writes for different users
    take turns: of two equal waiters, the one whose user the chat did not serve last goes
    first, so one member's answers and notes cannot crowd out another's in a group.
    """

    _PRUNE_AT = 4096
    _CAPACITY = 1.0 + RESERVE

    def __init__(
        self,
        rate: float,
        private_interval: float,
        group_interval: float,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.rate = rate
        self.slot = 1.0 / rate
        self.private_interval = private_interval
        self.group_interval = group_interval
        self._clock = clock or _loop_time
        self._paces: dict[int, _Pace] = {}
        self._next_slot = 0.0
        self._waiters: list[_Waiter] = []
        self._waiting: Counter[int] = Counter()  # waiters per chat
        self._seq = itertools.count()
        self._wakeup = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None
        self.granted = 0

    def __len__(self) -> int:
        """Chats whose pace is remembered: those written to within about two intervals, plus
        at most `_PRUNE_AT` more (idle ones are forgotten, their state equals a new chat's)."""
        return len(self._paces)

    def interval_for(self, chat_id: int) -> float:
        """Groups and channels have negative ids and the slower pace."""
        return self.group_interval if chat_id < 0 else self.private_interval

    def ready_in(self, chat_id: int, priority: int = Priority.EDIT) -> float:
        """Seconds until this chat may take a write of `priority` (0 if now)."""
        return max(0.0, self._ready_at(chat_id, priority, self._clock()) - self._clock())

    async def acquire(
        self, chat_id: int, priority: Callable[[], int], user: int | None = None
    ) -> None:
        """Wait for the right to write to `chat_id` once (for `user`'s answer or note)."""
        now = self._clock()
        idle = not self._waiters and now >= self._next_slot
        if idle and self._ready_at(chat_id, priority(), now) <= now:
            self._grant(chat_id, now, user)  # idle fast path: no hop through the runner
            return
        future = asyncio.get_running_loop().create_future()
        waiter = _Waiter(chat_id, priority, next(self._seq), future, user)
        self._waiters.append(waiter)
        self._waiting[chat_id] += 1
        self._ensure_runner()
        self._wakeup.set()
        try:
            await waiter.future
        except asyncio.CancelledError:
            if waiter in self._waiters:
                self._forget(waiter)
            raise

    def set_share(self, fraction: float) -> None:
        """Several replicas share the bot's global rate: this process may use `fraction` of
        it (the fraction of chats it answers). At least a twentieth, so it never stalls."""
        self.slot = 1.0 / (self.rate * min(1.0, max(fraction, 0.05)))

    def spare(self, chat_id: int) -> bool:
        """Take a write nobody is waiting for, for a "typing…" action: True when a global slot
        is free now, no write waits and the chat is not held. The chat's own pace is not
        spent, so it never delays a message; under load it is simply refused."""
        now = self._clock()
        if self._waiters or now < self._next_slot:
            return False
        pace = self._paces.get(chat_id)
        if pace is not None and pace.blocked_until > now:
            return False
        self._next_slot = max(self._next_slot, now - self.slot) + self.slot
        return True

    def hold(self, chat_id: int, seconds: float) -> None:
        """Telegram said `retry_after`: nothing goes to this chat for exactly that long, then
        one write (the newest text) may go at once."""
        until = self._clock() + seconds
        pace = self._pace(chat_id, self._clock())
        if until > pace.blocked_until:
            pace.blocked_until = until
            pace.tokens, pace.stamp = 1.0, until
        self._wakeup.set()

    async def close(self) -> None:
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
            self._runner = None

    def _pace(self, chat_id: int, now: float) -> _Pace:
        pace = self._paces.get(chat_id)
        if pace is None:
            pace = self._paces[chat_id] = _Pace(self._CAPACITY, now)
        return pace

    def _ready_at(self, chat_id: int, priority: int, now: float) -> float:
        """When the chat's bucket allows a write of this priority."""
        pace = self._paces.get(chat_id)
        if pace is None:
            return now
        interval = self.interval_for(chat_id)
        need = 1.0 + RESERVE if priority >= Priority.EDIT else 1.0
        tokens = pace.tokens if interval <= 0 else pace.tokens + (now - pace.stamp) / interval
        enough = interval <= 0 or tokens >= need - 1e-9  # float sums of intervals drift
        ready = now if enough else now + (need - tokens) * interval
        return max(ready, pace.blocked_until)

    def _grant(self, chat_id: int, now: float, user: int | None = None) -> None:
        # Catch up at most one slot after a late wake-up, so the long-run rate stays exact
        # and a burst never exceeds two writes.
        self._next_slot = max(self._next_slot, now - self.slot) + self.slot
        pace = self._pace(chat_id, now)
        interval = self.interval_for(chat_id)
        if interval > 0 and now > pace.stamp:
            pace.tokens = min(self._CAPACITY, pace.tokens + (now - pace.stamp) / interval)
            pace.stamp = now
        pace.tokens -= 1.0
        pace.last_user = user
        self.granted += 1
        if len(self._paces) > self._PRUNE_AT:
            self._prune(now)

    def _prune(self, now: float) -> None:
        """Forget chats whose bucket is full again: their state equals a new chat's."""
        full = [
            chat
            for chat, pace in self._paces.items()
            if pace.blocked_until <= now
            and self._ready_at(chat, Priority.EDIT, now) <= now
            and (self.interval_for(chat) <= 0 or now - pace.stamp >= self.interval_for(chat) * 2)
        ]
        for chat in full:
            del self._paces[chat]

    def _ensure_runner(self) -> None:
        if self._runner is None or self._runner.done():
            self._runner = asyncio.get_running_loop().create_task(self._run(), name="write-budget")

    async def _run(self) -> None:
        while True:
            if not self._waiters:
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            now = self._clock()
            if now < self._next_slot:
                await self._sleep(self._next_slot - now)
                continue
            best: _Waiter | None = None
            best_key = (0, 0, 0)
            earliest = float("inf")
            for waiter in self._waiters:
                priority = waiter.priority()
                if best is not None and (priority, 0) >= best_key[:2]:
                    continue  # waiters are in arrival order: this one cannot beat the best
                ready = self._ready_at(waiter.chat_id, priority, now)
                if ready > now:
                    earliest = min(earliest, ready)
                    continue
                again = self._again(waiter)
                key = (priority, int(again), waiter.seq)
                if best is None or key < best_key:
                    best, best_key = waiter, key
                    if priority == Priority.FINAL and not again:
                        break  # waiters are in arrival order: nothing can beat this one
            if best is None:
                # Priorities may change while we sleep (an answer ends): wake up to re-check.
                await self._sleep(min(earliest - now, 0.25))
                continue
            self._forget(best)
            if best.future.done():  # cancelled meanwhile
                continue
            self._grant(best.chat_id, now, best.user)
            best.future.set_result(None)

    def _again(self, waiter: _Waiter) -> bool:
        """The chat's last write was for this waiter's user, and another waits in the chat:
        let the other go first (it may be for another user)."""
        if waiter.user is None or self._waiting[waiter.chat_id] < 2:
            return False
        pace = self._paces.get(waiter.chat_id)
        return pace is not None and pace.last_user == waiter.user

    def _forget(self, waiter: _Waiter) -> None:
        self._waiters.remove(waiter)
        self._waiting[waiter.chat_id] -= 1
        if self._waiting[waiter.chat_id] <= 0:
            del self._waiting[waiter.chat_id]

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but wake early when a waiter arrives or a hold changes."""
        self._wakeup.clear()
        # At least a millisecond: float sums of intervals may leave a gap that rounds to
        # nothing, and a zero sleep would spin. (A timeout block, not wait_for: that would
        # start a task for every grant.)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(seconds, 0.001)):
                await self._wakeup.wait()


def _loop_time() -> float:
    """The event loop's clock, so a test loop with virtual time drives the budget too."""
    return asyncio.get_running_loop().time()
