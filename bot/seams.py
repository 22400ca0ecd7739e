"""What differs between one process and replicas sharing Redis, as small protocols.

`app.py` chooses the implementations once, at start: in memory (this process alone) or in
Redis (bot/replicas/). Nothing else asks whether Redis is on; handlers and the conversation
see only these protocols, and a per-update `Attempt` in the handler data.

    protocol         one process                      replicas (REDIS_URL)
    ---------------  -------------------------------  -------------------------------------
    ChatRecords      none: history lives in memory    RedisChats: a record per chat, fenced
    QuestionLimit    admission.RateLimiter            limits.SharedRateLimiter (Lua)
    SeenUpdates      updates.RecentUpdates            shards.publish's SET NX, for a day
    UpdateSource     run.LocalUpdates (aiogram's      runtime.ReplicaUpdates (one poller for
                     polling, or the webhook)         all; updates queued by chat in Redis)
    Attempt          FIRST_ATTEMPT (nothing to say)   shards.QueuedAttempt (a second try,
                                                      the chat's line, the lease's token)
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiohttp import web

ChatKey = tuple[int, int | None]
"""(chat id, forum topic id or None): one conversation."""


class ChatRecords(Protocol):
    """Where chats live beyond this process: a record per chat, loaded and saved whole."""

    async def load(self, key: ChatKey) -> dict[str, Any] | None: ...

    async def save(self, key: ChatKey, record: dict[str, Any], token: object) -> bool:
        """Write `record`; False when `token` (from the update's Attempt) is stale: another
        process took the chat over meanwhile, and its record wins."""
        ...


class QuestionLimit(Protocol):
    """The per-user question limit."""

    async def admit(self, key: int) -> tuple[int, bool]:
        """(seconds to wait or 0, whether to tell the user now)."""
        ...


class SeenUpdates(Protocol):
    """Update ids seen recently, so an update Telegram sends twice is answered once."""

    async def seen_before(self, update_id: int) -> bool:
        """Remember `update_id`; True when it was remembered already."""
        ...


class Attempt(Protocol):
    """One update's handling, as the place it came from knows it; handlers get it by name
    (`attempt`) and hand it to the conversation, which uses it without knowing what is
    behind it."""

    @property
    def note(self) -> str | None:
        """A text key for a note under the answer (say, that this is a second try)."""
        ...

    @property
    def token(self) -> object:
        """Proof that this update still owns its chat, for `ChatRecords.save`."""
        ...

    def lined_up(self) -> None:
        """The question has its place in its chat's line: the chat's next update may start."""
        ...

    async def shown(self) -> None:
        """The answer's first text is on screen."""
        ...


class FirstAttempt:
    """An update handled where it arrived, once: nothing to say, nothing to prove."""

    note: str | None = None
    token: object = None

    def lined_up(self) -> None:
        return None

    async def shown(self) -> None:
        return None


FIRST_ATTEMPT = FirstAttempt()


class UpdateSource(Protocol):
    """Where the Dispatcher's updates come from, and how taking them stops."""

    async def poll(self, stop: asyncio.Event, rejected: asyncio.Event) -> None:
        """Polling mode: answer updates until `stop` or `rejected` is set; the Dispatcher's
        start-up and shutdown handlers run inside."""
        ...

    async def serve(self) -> None:
        """Webhook mode: start taking updates (after the start-up handlers ran)."""
        ...

    async def accept(self, request: web.Request, update: dict[str, Any]) -> web.StreamResponse:
        """Webhook mode: one checked update posted by Telegram."""
        ...

    async def stop(self, drain: Callable[[], Awaitable[None]]) -> None:
        """Shutdown: take nothing more; `drain()` ends the answers in hand."""
        ...

    def status(self) -> dict[str, object]:
        """What /healthz adds about where updates come from."""
        ...
