"""What the task handling a queued update knows about it: the lease it runs under (for the
writes that must not outlive it) and the moment it takes its place in its chat's line."""

from __future__ import annotations

import asyncio
from contextvars import ContextVar

FENCE: ContextVar[tuple[str, str] | None] = ContextVar("FENCE", default=None)
"""(lease key, token) of the shard whose update this task handles; None outside one."""

IN_LINE: ContextVar[asyncio.Event | None] = ContextVar("IN_LINE", default=None)
"""Set once this update holds its place in its chat's line; the chat's next update waits for
it (or for the handler's end) before it starts, so that round trips to Redis before the line
(the shared rate limit) cannot reorder a chat's messages."""


def in_line() -> None:
    """This update has its place in its chat's line: the next one may start."""
    event = IN_LINE.get()
    if event is not None:
        event.set()
