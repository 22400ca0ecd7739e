"""The fake's one wake-up signal: anything waiting on its state re-checks after each change.

Long polls, delayed calls and tests' ``wait_for`` all wait for a condition on the fake's
state; every call answered and every update queued fires this signal, so waiters wake at the
change itself and no one polls on a timer. Nothing of Telegram is imitated here.
"""

from __future__ import annotations

import asyncio
import contextlib

__all__ = ["Changes"]


class Changes:
    """A broadcast "something changed": take :attr:`mark` before checking, then wait on it."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    @property
    def mark(self) -> asyncio.Event:
        """The event the next change sets; take it *before* checking the condition."""
        return self._event

    def notify(self) -> None:
        """Wake every waiter; later waiters wait for the next change."""
        self._event.set()
        self._event = asyncio.Event()

    @staticmethod
    async def wait(mark: asyncio.Event, timeout: float) -> None:
        """Wait until ``mark`` is set or ``timeout`` seconds pass, whichever comes first."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await mark.wait()
