"""One chat's questions, answered one at a time: round-robin between the users who wait, each
user's own questions in the order they asked.

A conversation can only take one question at a time (each answer goes into the history the
next one reads). A plain lock would answer a group in arrival order, so a member who floods
the bot with mentions would make everyone else wait for the whole backlog. Here the next turn
goes to the user who has waited longest for one, so another member's question comes right
after the answer in progress.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import asynccontextmanager


class ChatLine:
    """The line of one chat's questions; `turn()` holds one place in it."""

    def __init__(self) -> None:
        self._held = False
        self._queues: OrderedDict[Hashable, deque[asyncio.Future[None]]] = OrderedDict()

    @property
    def busy(self) -> bool:
        """A question is being answered, or waits."""
        return self._held or bool(self._queues)

    @property
    def waiting(self) -> int:
        return sum(len(queue) for queue in self._queues.values())

    @asynccontextmanager
    async def turn(
        self, user: Hashable, lined_up: Callable[[], None] = lambda: None
    ) -> AsyncIterator[None]:
        """Take a place in the line now, call `lined_up()` (the order is fixed from here on),
        wait for the turn, and hold it for the block."""
        if not self.busy:
            self._held = True
            lined_up()
        else:
            future = asyncio.get_running_loop().create_future()
            self._queues.setdefault(user, deque()).append(future)
            lined_up()
            try:
                await future
            except asyncio.CancelledError:
                if future.done() and not future.cancelled():
                    self._pass_on()  # the turn came as we were cancelled: hand it on
                else:
                    self._leave(user, future)
                raise
        try:
            yield
        finally:
            self._pass_on()

    def _leave(self, user: Hashable, future: asyncio.Future[None]) -> None:
        queue = self._queues.get(user)
        if queue is not None and future in queue:
            queue.remove(future)
            if not queue:
                del self._queues[user]

    def _pass_on(self) -> None:
        """The turn goes to the first user in line; that user goes to the back."""
        while self._queues:
            user, queue = next(iter(self._queues.items()))
            future = queue.popleft()
            if queue:
                self._queues.move_to_end(user)
            else:
                del self._queues[user]
            if not future.done():
                future.set_result(None)
                return
        self._held = False
