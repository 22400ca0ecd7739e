"""Messages the Telegram apps split, put back together: which updates make one question.

Pure, like bot/plan.py: no asyncio, no clock of its own; bot/gathering.py does the waiting.

Two things arrive as several updates but are one question:
- an album: up to 10 photos (or documents) sent together arrive as separate messages sharing a
  `media_group_id`, the caption on one of them. Telegram sends them within a moment of each
  other, so the album is complete once no part came for `quiet` seconds (or 10 came).
- a long paste: the apps cut a text longer than Telegram's 4,096 UTF-16 units into several
  messages sent within about a second, each cut at the last paragraph, line or word break
  before the limit. A text of at least `near_limit` units may have a continuation, so it waits
  `window` seconds for the next text of the same user in the same chat; a continuation that
  is itself shorter than `near_limit` is the tail and ends the paste at once.

Everything else is a question of its own and is never delayed. A message of another kind from
the same user ends whatever was being gathered for them first, so questions keep their order.
Memory is bounded: at most `max_pending` batches wait; beyond that the oldest is closed early
(answered with what it has) rather than dropped.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")

NEAR_LIMIT = 3500
"""UTF-16 units from which a text may be the first part of a paste the app cut. Telegram's
limit is 4,096; the apps cut at the last paragraph, line or word break before it, which in
prose or code lies within a few hundred units (a paragraph rarely exceeds ~600). Typed
messages this long are rare, and the only cost of a wrong guess is a wait of `window`."""
PASTE_WINDOW = 2.0
"""Seconds a part of a paste waits for its continuation; the apps send the parts within
about a second of each other, and a slow network adds to that."""
ALBUM_QUIET = 1.0
"""Seconds without a new part after which an album is taken as complete."""
MAX_ALBUM = 10
"""Parts of an album, Telegram's own maximum."""
MAX_PASTE_PARTS = 8
"""Parts of one paste (~32,000 units): past the input limit already, so more only cost memory."""
MAX_PENDING = 1000
"""Batches waiting at once, for every chat of the process."""


class Kind(StrEnum):
    """What a message can be part of."""

    TEXT = "text"  # may be a part of a long paste
    ALBUM = "album"  # a part of a media group
    SINGLE = "single"  # a question on its own (a lone photo, a document)


@dataclass(eq=False, slots=True)
class Batch(Generic[T]):
    """Messages that make one question; `deadline` (seconds, the caller's clock) is when it
    closes unless a part comes first; None once closed."""

    chat: Hashable
    user: int
    kind: Kind
    group: str | None
    items: list[T] = field(default_factory=list)
    deadline: float | None = None

    @property
    def closed(self) -> bool:
        return self.deadline is None


@dataclass(frozen=True, slots=True)
class Placed(Generic[T]):
    """Where an offered message went: its batch, whether it started that batch (the leader
    answers it), and every batch this offer closed (its own among them when it is complete)."""

    batch: Batch[T]
    leader: bool
    closed: tuple[Batch[T], ...]


class Assembly(Generic[T]):
    """The batches being gathered, at most one per (chat, user)."""

    def __init__(
        self,
        *,
        quiet: float = ALBUM_QUIET,
        window: float = PASTE_WINDOW,
        near_limit: int = NEAR_LIMIT,
        max_pending: int = MAX_PENDING,
    ) -> None:
        self.quiet = quiet
        self.window = window
        self.near_limit = near_limit
        self.max_pending = max(1, max_pending)
        self._open: dict[tuple[Hashable, int], Batch[T]] = {}

    def __len__(self) -> int:
        """Batches still open."""
        return len(self._open)

    def offer(
        self,
        item: T,
        *,
        chat: Hashable,
        user: int,
        now: float,
        group: str | None = None,
        size: int = 0,
        kind: Kind = Kind.TEXT,
    ) -> Placed[T]:
        """Place one message: `group` is its media_group_id (an album part), `size` its text
        in UTF-16 units (a text), `kind` SINGLE for anything else."""
        if group is not None:
            kind = Kind.ALBUM
        closed: list[Batch[T]] = []
        owner = (chat, user)
        current = self._open.get(owner)
        if current is not None and (current.kind is not kind or current.group != group):
            closed.append(self._close(current))  # another kind of message ends it
            current = None
        if current is not None:
            current.items.append(item)
            if kind is Kind.ALBUM:
                current.deadline = now + self.quiet
                if len(current.items) >= MAX_ALBUM:
                    closed.append(self._close(current))
            elif size >= self.near_limit and len(current.items) < MAX_PASTE_PARTS:
                current.deadline = now + self.window
            else:
                closed.append(self._close(current))  # the tail, or as many parts as kept
            return Placed(current, leader=False, closed=tuple(closed))
        batch = Batch[T](chat, user, kind, group, [item])
        if kind is Kind.ALBUM:
            batch.deadline = now + self.quiet
        elif kind is Kind.TEXT and size >= self.near_limit:
            batch.deadline = now + self.window
        if batch.closed:
            closed.append(batch)
        else:
            self._open[owner] = batch
            while len(self._open) > self.max_pending:
                closed.append(self._close(next(iter(self._open.values()))))
        return Placed(batch, leader=True, closed=tuple(closed))

    def close_due(self, now: float) -> list[Batch[T]]:
        """Close and return the batches whose quiet time has passed."""
        due = [b for b in self._open.values() if b.deadline is not None and b.deadline <= now]
        return [self._close(batch) for batch in due]

    def wake_at(self) -> float | None:
        """The earliest deadline of an open batch (None: nothing waits)."""
        deadlines = [b.deadline for b in self._open.values() if b.deadline is not None]
        return min(deadlines) if deadlines else None

    def discard(self, batch: Batch[T]) -> None:
        """Forget `batch` (its leader is gone: shutdown)."""
        if self._open.get((batch.chat, batch.user)) is batch:
            del self._open[(batch.chat, batch.user)]
        batch.deadline = None

    def _close(self, batch: Batch[T]) -> Batch[T]:
        self.discard(batch)
        return batch
