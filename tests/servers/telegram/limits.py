"""Telegram's flood control: token buckets per chat and per bot, and 429 with retry_after.

Telegram documents roughly one message per second in a private chat, twenty per minute in a
group and thirty per second overall, with short bursts allowed; it answers a write over the
limit with 429 "Too Many Requests: retry after N" and expects no write to that chat for N
seconds. The buckets here refill continuously at those rates and are measured at each write's
arrival, on the server's clock (which may be virtual). Only writes that passed validation
take a token. Not imitated: Telegram's exact and undocumented algorithm, longer bans for bots
that keep ignoring retry_after, and limits on reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.servers.telegram.errors import flood

__all__ = ["FloodControl", "Limits"]


@dataclass
class Limits:
    """Telegram-like flood limits.

    All token buckets are measured at request arrival, on the server's ``clock``.
    """

    private_rate: float = 1.0  # writes per second per private chat (chat_id > 0)
    private_burst: float = 3.0
    group_rate: float = 20 / 60  # writes per second per group (chat_id < 0)
    group_burst: float = 3.0
    global_rate: float = 30.0  # writes per second, whole bot
    global_burst: float = 30.0


@dataclass
class _Bucket:
    """Token bucket; refilled lazily from the arrival time of each request."""

    rate: float
    burst: float
    tokens: float
    stamp: float

    def refill(self, now: float) -> None:
        if now > self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now

    def wait(self) -> float:
        """Seconds until a token is available; an hour when the rate is zero."""
        if self.tokens >= 1.0:
            return 0.0
        if self.rate <= 0:
            return 3600.0
        return (1.0 - self.tokens) / self.rate


class FloodControl:
    """The buckets and retry_after deadlines of one bot; ``limits`` None means unlimited.

    A chat's bucket is made on its first write with the limits of that moment, full.
    Deadlines are recorded for every 429 answered (injected ones too), limits or not.
    """

    def __init__(self, limits: Limits | None) -> None:
        self.limits = limits
        self._deadlines: dict[int, float] = {}
        self._chats: dict[int, _Bucket] = {}
        self._global: _Bucket | None = None

    def early(self, chat_id: int | None, at: float) -> bool:
        """Whether a call to ``chat_id`` at ``at`` comes before the end of its retry_after."""
        deadline = self._deadlines.get(chat_id) if chat_id is not None else None
        return deadline is not None and at < deadline

    def refused(self, chat_id: int, at: float, retry_after: int) -> None:
        """A 429 was answered at ``at``: the chat must wait ``retry_after`` seconds."""
        self._deadlines[chat_id] = max(self._deadlines.get(chat_id, 0.0), at + retry_after)

    def admit(self, chat_id: int, at: float) -> None:
        """Take a token for one write arriving at ``at``, or raise Telegram's 429."""
        limits = self.limits
        if limits is None:
            return
        deadline = self._deadlines.get(chat_id)
        if deadline is not None and at < deadline:
            raise flood(deadline - at)
        bucket = self._chats.get(chat_id)
        if bucket is None:
            if chat_id > 0:
                bucket = _Bucket(limits.private_rate, limits.private_burst, 0.0, at)
            else:
                bucket = _Bucket(limits.group_rate, limits.group_burst, 0.0, at)
            bucket.tokens = bucket.burst
            self._chats[chat_id] = bucket
        glob = self._global
        if glob is None:
            glob = _Bucket(limits.global_rate, limits.global_burst, limits.global_burst, at)
            self._global = glob
        bucket.refill(at)
        glob.refill(at)
        wait = max(bucket.wait(), glob.wait())
        if wait > 0:
            raise flood(wait)
        bucket.tokens -= 1.0
        glob.tokens -= 1.0
