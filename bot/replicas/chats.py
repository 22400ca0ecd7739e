"""Conversation records in Redis, so a restart or another replica continues the conversation.

One JSON value per chat (per forum topic), written whole after each exchange (atomic), with
HISTORY_TTL as its key expiry. A write carries the fencing token of the lease under which the
chat was answered: a replica that lost its lease (and whose chat another replica took over)
cannot overwrite the newer record.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import redis.asyncio as redis
from redis.exceptions import RedisError

from bot.seams import ChatKey

log = logging.getLogger(__name__)

_SAVE = """
if ARGV[3] ~= '' and redis.call('GET', ARGV[3]) ~= ARGV[4] then
    return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
"""


def chat_record_key(key: ChatKey) -> str:
    chat_id, thread = key
    return f"bot:chat:{chat_id}:{thread or 0}"


class RedisChats:
    """Loads and saves a chat's record (turns, reset epoch, own system prompt...)."""

    def __init__(self, client: redis.Redis, ttl: float) -> None:
        self._client = client
        self._ttl_ms = max(1, int(ttl * 1000))
        self._save = client.register_script(_SAVE)

    async def load(self, key: ChatKey) -> dict[str, Any] | None:
        raw = await self._client.get(chat_record_key(key))
        if raw is None:
            return None
        record = json.loads(raw)
        return record if isinstance(record, dict) else None

    async def save(self, key: ChatKey, record: dict[str, Any], token: object) -> bool:
        """Write the record; False when the lease it was answered under is gone, or Redis
        failed (the answer is on screen already: asking again would show it twice, so
        the exchange is missing from the history instead, with a warning).

        `token` is the (lease key, lease token) of the update being handled (its
        QueuedAttempt's), or None outside one (then the record is written unfenced)."""
        lease, fence = token if isinstance(token, tuple) else ("", "")
        data = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        try:
            written = await self._save(
                keys=[chat_record_key(key)], args=[data, self._ttl_ms, lease, fence]
            )
        except (RedisError, OSError) as exc:
            log.warning("chat %s: its record could not be saved: %s", key[0], exc)
            return False
        return bool(written)
