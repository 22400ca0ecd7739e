"""The per-user question limit shared by every replica (a user writes in chats that different
replicas answer): a sliding window per user in one atomic Redis script."""

from __future__ import annotations

import uuid
from typing import Any

import redis.asyncio as redis

_ADMIT = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], 0, now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
    redis.call('ZADD', KEYS[1], now, ARGV[4])
    redis.call('PEXPIRE', KEYS[1], window)
    return {0, 0}
end
local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
local wait = math.max(1, math.ceil((oldest + window - now) / 1000))
local told = redis.call('SET', KEYS[2], 1, 'NX', 'PX', wait * 1000)
return {wait, told and 1 or 0}
"""


class SharedRateLimiter:
    """At most `per_minute` questions per user (or chat, for anonymous admins) in any 60 s,
    across replicas; a user past it is told once per wait (0 turns the limit off)."""

    WINDOW = 60.0

    def __init__(self, client: redis.Redis, per_minute: int) -> None:
        self.per_minute = per_minute
        self._client = client
        self._admit = client.register_script(_ADMIT)

    async def admit(self, key: int) -> tuple[int, bool]:
        """(seconds to wait or 0, whether to tell the user now)."""
        if self.per_minute <= 0:
            return 0, False
        now = await self._now_ms()
        answer: Any = await self._admit(
            keys=[f"bot:rate:{key}", f"bot:told:{key}"],
            args=[now, int(self.WINDOW * 1000), self.per_minute, f"{now}:{uuid.uuid4().hex}"],
        )
        return int(answer[0]), bool(answer[1])

    async def _now_ms(self) -> int:
        """Redis's clock, so that replicas with skewed clocks agree on one window."""
        seconds, micros = await self._client.time()
        return int(seconds) * 1000 + int(micros) // 1000
