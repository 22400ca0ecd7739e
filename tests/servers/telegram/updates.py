"""The bot's queue of updates, as getUpdates serves it.

Telegram keeps each update until a getUpdates call with a higher ``offset`` confirms it; a
long poll (``timeout``) waits for the next update; a newer getUpdates ends an older one with
409 "terminated by other getUpdates request". Imitated: update ids counting from 1, offsets
(negative ones too), ``limit``, long polls, that 409, ``drop_pending_updates``, and an update
delivered twice with the same id (as when Telegram thinks the bot never received it). Not
imitated: ``allowed_updates`` filtering, the 24-hour expiry of unconfirmed updates, and
pushing updates to a webhook (a test posts ``take()``'s updates itself).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from itertools import islice
from typing import Any

from tests.servers.telegram.changes import Changes
from tests.servers.telegram.errors import CONFLICT_POLL, ApiError

__all__ = ["Updates"]


class Updates:
    """Queued updates, their ids, and the long polls waiting for them."""

    def __init__(self, changes: Changes) -> None:
        self._changes = changes
        self._queue: deque[dict[str, Any]] = deque()
        self._delivered: dict[int, dict[str, Any]] = {}  # every update queued, by update_id
        self._resends: list[dict[str, Any]] = []  # delivered again whatever the offset
        self.next_id = 1
        self._poll_generation = 0
        self.waiting_polls = 0  # getUpdates requests parked in a long poll now

    def __len__(self) -> int:
        """Updates not yet confirmed by a getUpdates offset."""
        return len(self._queue)

    def add(self, update: dict[str, Any]) -> int:
        """Queue a raw update; assigns and returns its update_id."""
        update_id = self.next_id
        self.next_id += 1
        queued = {**update, "update_id": update_id}
        self._delivered[update_id] = queued
        self._queue.append(queued)
        self._changes.notify()
        return update_id

    def resend(self, update_id: int) -> None:
        """Deliver an update once more, first in the next answer whatever its offset."""
        self._resends.append(dict(self._delivered[update_id]))
        self._changes.notify()

    def take(self) -> list[dict[str, Any]]:
        """Remove and return the queued updates."""
        updates = list(self._queue)
        self._queue.clear()
        return updates

    def clear(self) -> None:
        """Drop the pending updates (``drop_pending_updates``)."""
        self._queue.clear()

    async def poll(
        self, offset: int, limit: int, timeout: int, closing: Callable[[], bool]
    ) -> list[dict[str, Any]]:
        """getUpdates: confirm up to ``offset``, then answer at once or after a long poll.

        A newer call ends this one with 409, as Telegram does; the server closing ends it
        with what there is.
        """
        self._poll_generation += 1
        generation = self._poll_generation
        self._changes.notify()  # wakes (and so terminates) any older long poll
        if offset > 0:
            while self._queue and self._queue[0]["update_id"] < offset:
                self._queue.popleft()
        elif offset < 0:
            while len(self._queue) > -offset:
                self._queue.popleft()
        if timeout > 0 and not self._queue and not self._resends and not closing():
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            self.waiting_polls += 1
            self._changes.notify()
            try:
                while True:
                    mark = self._changes.mark
                    if (
                        self._queue
                        or self._resends
                        or closing()
                        or generation != self._poll_generation
                    ):
                        break
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        break
                    await self._changes.wait(mark, remaining)
            finally:
                self.waiting_polls -= 1
            if generation != self._poll_generation:
                raise ApiError(409, CONFLICT_POLL)
        resent, self._resends = self._resends[:limit], self._resends[limit:]
        return resent + list(islice(self._queue, limit - len(resent)))
