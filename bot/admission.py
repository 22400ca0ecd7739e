"""Who may use the bot and how often: allow-lists and a per-user sliding-window limit.

Every question costs backend money or quota, so these checks run before any backend call.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Iterable


class AccessPolicy:
    """ALLOWED_USERS / ALLOWED_CHATS; an empty list lets everyone in."""

    def __init__(self, users: Iterable[int] = (), chats: Iterable[int] = ()) -> None:
        self.users = frozenset(users)
        self.chats = frozenset(chats)

    def allows(self, user_id: int | None, chat_id: int) -> bool:
        if not self.users and not self.chats:
            return True
        return (user_id is not None and user_id in self.users) or chat_id in self.chats


class RateLimiter:
    """At most `per_minute` questions per user in any 60 s window (0 turns it off).

    A user who keeps writing past the limit is told once per wait, not once per message: a
    burst of twenty questions in a group must not become eighteen notes ahead of everyone
    else's answers.
    """

    WINDOW = 60.0

    def __init__(
        self,
        per_minute: int,
        *,
        max_users: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_minute = per_minute
        self.max_users = max_users
        self._clock = clock
        self._hits: dict[int, deque[float]] = {}
        self._told_until: dict[int, float] = {}

    def hit(self, user_id: int) -> int:
        """Count a question; 0 if allowed, else the whole seconds until one more is allowed."""
        if self.per_minute <= 0:
            return 0
        now = self._clock()
        hits = self._hits.get(user_id)
        if hits is None:
            if len(self._hits) >= self.max_users:
                self._prune(now)
            hits = self._hits[user_id] = deque()
        while hits and now - hits[0] >= self.WINDOW:
            hits.popleft()
        if len(hits) >= self.per_minute:
            return max(1, math.ceil(self.WINDOW - (now - hits[0])))
        hits.append(now)
        return 0

    def tell(self, user_id: int, wait: int) -> bool:
        """After a refusal: True the first time in this wait (say so), False after (stay
        quiet, and spend no Telegram write on it)."""
        now = self._clock()
        if now < self._told_until.get(user_id, 0.0):
            return False
        self._told_until[user_id] = now + wait
        return True

    async def admit(self, user_id: int) -> tuple[int, bool]:
        """(seconds to wait or 0, whether to tell the user now): `hit` then `tell`, the
        interface the shared (Redis) limiter offers too."""
        wait = self.hit(user_id)
        return wait, bool(wait) and self.tell(user_id, wait)

    def __len__(self) -> int:
        return len(self._hits)

    def _prune(self, now: float) -> None:
        """Forget users with no question in the window, so memory stays bounded."""
        self._hits = {u: h for u, h in self._hits.items() if h and now - h[-1] < self.WINDOW}
        self._told_until = {u: t for u, t in self._told_until.items() if t > now}
        if len(self._hits) >= self.max_users:  # everyone active: drop the oldest half
            oldest = sorted(self._hits, key=lambda u: self._hits[u][-1])
            for user in oldest[: len(oldest) // 2]:
                del self._hits[user]
