"""The waiting half of bot/assembly.py: each update's handler offers its message, and the one
that started a batch answers it once the batch is complete.

    async with gathering.gather(message, attempt.lined_up) as messages:
        if messages is None:
            return  # this message is part of a question another update answers
        ...  # answer `messages` (one, or an album's parts, or a paste's parts) as one question

Every part's handler calls `lined_up()` at once, so the chat's next update (the album's next
photo, the paste's next part) may start while this one waits (but not a question complete as
it came, a short text: it is lined up later, by the chat's line); and every part's handler
returns only once the whole question was answered, so with replicas an update is acknowledged
only then, and a replica that dies mid-question leaves all its parts to be taken over.

In-process state is enough with replicas too: all updates of one chat go to the one replica
holding that chat's shard (bot/replicas/shards.py), so the parts of an album or a paste always
meet in the same process.

Documents (and other media that may come in albums) join through the same call: any message
with a `media_group_id` is gathered by that id, whatever it carries.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Hashable
from dataclasses import dataclass, field

from aiogram.types import Message

from bot.assembly import ALBUM_QUIET, NEAR_LIMIT, PASTE_WINDOW, Assembly, Batch, Kind

Gathered = contextlib.AbstractAsyncContextManager[list[Message] | None]
"""What `Gathering.gather` gives: a block with the question's messages, or None."""


def utf16_units(text: str) -> int:
    """Telegram's length of a text (its limit of 4,096 counts UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(eq=False, slots=True)
class _Waits:
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    done: asyncio.Event = field(default_factory=asyncio.Event)


class Gathering:
    """Albums and long pastes made into one question each; one instance per process."""

    def __init__(
        self,
        *,
        quiet: float = ALBUM_QUIET,
        window: float = PASTE_WINDOW,
        near_limit: int = NEAR_LIMIT,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.assembly = Assembly[Message](quiet=quiet, window=window, near_limit=near_limit)
        self._clock = clock
        self._waits: dict[Batch[Message], _Waits] = {}

    def _now(self) -> float:
        return self._clock() if self._clock is not None else asyncio.get_running_loop().time()

    def expects(self, chat: Hashable, user: int) -> bool:
        """Whether a paste is being gathered for `user` in `chat`: their next text may
        continue it (in a group, without mentioning the bot again)."""
        return any(
            (b.chat, b.user) == (chat, user) and b.kind is Kind.TEXT and not b.closed
            for b in self._waits
        )

    @contextlib.asynccontextmanager
    async def gather(
        self,
        message: Message,
        *,
        chat: Hashable,
        user: int,
        lined_up: Callable[[], None] = lambda: None,
    ) -> AsyncIterator[list[Message] | None]:
        """The messages of the question `message` completes, for the update that answers it;
        None for the other parts (whose block should do nothing). `chat` is the conversation
        (a forum topic is one of its own), `user` who sent it."""
        group = message.media_group_id
        if group is not None:
            kind, size = Kind.ALBUM, 0
        elif message.text is not None:
            kind, size = Kind.TEXT, utf16_units(message.text)
        else:
            kind, size = Kind.SINGLE, 0
        placed = self.assembly.offer(
            message,
            chat=chat,
            user=user,
            now=self._now(),
            group=group,
            size=size,
            kind=kind,
        )
        batch = placed.batch
        if placed.leader:
            self._waits[batch] = _Waits()
        waits = self._waits[batch]
        for closed in placed.closed:
            self._wake(closed)
        waits.changed.set()  # a part came: the leader's deadline moved
        if not (placed.leader and batch.closed):
            lined_up()  # more parts may come: let the chat's next update be offered
        # A question complete as it came (a short text) takes its place in the chat's line
        # later, where the answer is queued: lined up here, the chat's next update could
        # overtake it on the way there (a replica's round trips to Redis), reordering answers.
        if not placed.leader:
            await waits.done.wait()
            yield None
            return
        try:
            while not batch.closed:
                waits.changed.clear()
                deadline = batch.deadline
                if deadline is not None:
                    wait = max(deadline - self._now(), 0.001)
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(wait):
                            await waits.changed.wait()
                for closed in self.assembly.close_due(self._now()):
                    self._wake(closed)
            yield batch.items
        finally:
            self.assembly.discard(batch)
            waits.done.set()
            self._waits.pop(batch, None)

    def _wake(self, batch: Batch[Message]) -> None:
        waits = self._waits.get(batch)
        if waits is not None:
            waits.changed.set()
