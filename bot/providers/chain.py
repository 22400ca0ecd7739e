"""Failover across backends: retry or move on until one starts answering, then stick with it.

Only the time before the first chunk is safe to retry: once text has reached the user, a second
attempt would show it twice, so later errors propagate unchanged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import aclosing

from bot.providers.base import (
    AsyncResult,
    BackendEmpty,
    BackendError,
    BackendMisconfigured,
    ChatBackend,
    Messages,
)

log = logging.getLogger(__name__)


class FailoverChain:
    """A ChatBackend that tries `backends` in order, retrying transient failures on each."""

    def __init__(
        self,
        backends: Sequence[ChatBackend],
        retries: int = 1,
        backoff: float = 0.5,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if not backends:
            raise ValueError("a failover chain needs at least one backend")
        if retries < 0 or backoff < 0:
            raise ValueError("retries and backoff must not be negative")
        self.backends = tuple(backends)
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep

    @property
    def name(self) -> str:
        return ",".join(backend.name for backend in self.backends)

    async def stream(self, messages: Messages) -> AsyncResult:
        """Yield the answer of the first backend that produces a chunk.

        Retriable errors (`BackendError.retriable`) before the first chunk are retried on the
        same backend `retries` times, waiting `backoff`, 2*`backoff`, ...; other errors, and an
        empty answer, move on to the next backend. When every backend failed the last error is
        raised as is.
        """
        last: BackendError | None = None
        names = [backend.name for backend in self.backends] + [""]
        for position, backend in enumerate(self.backends):
            following = names[position + 1]
            for attempt in range(self.retries + 1):
                if attempt:
                    await self._sleep(self.backoff * 2 ** (attempt - 1))
                async with aclosing(backend.stream(messages)) as inner:
                    try:
                        first = await anext(inner)
                    except StopAsyncIteration:
                        address = str(getattr(backend, "address", "") or "")
                        last = BackendEmpty(
                            f"empty answer from {backend.name}", backend=backend.name, url=address
                        )
                        self._log(backend.name, attempt, last, retry=False, following=following)
                        break
                    except BackendError as exc:
                        last = exc
                        retry = exc.retriable and attempt < self.retries
                        self._log(backend.name, attempt, exc, retry=retry, following=following)
                        if retry:
                            continue
                        break
                    yield first
                    async for chunk in inner:
                        yield chunk
                    return
        if last is None:  # unreachable: every pass through the loops records a failure
            raise RuntimeError("failover chain ended without an answer or an error")
        raise last

    def _log(
        self, name: str, attempt: int, exc: BackendError, *, retry: bool, following: str
    ) -> None:
        """One WARNING per failure; it names backend, attempt and error, never the chat text.
        A refusal of the bot's own configuration is one ERROR naming the setting to fix: no
        retry can pass, the operator must act."""
        if isinstance(exc, BackendMisconfigured):
            log.error(
                "backend %s refuses the bot's configuration: %s; fix the setting %s%s",
                name,
                exc,
                exc.setting,
                f" (trying {following} meanwhile)" if following else "",
            )
            return
        if retry:
            then = f"retrying in {self.backoff * 2**attempt:g} s"
        elif following:
            then = f"trying {following}"
        else:
            then = "no backend left"
        log.warning(
            "backend %s failed (attempt %d of %d, %s): %s; %s",
            name,
            attempt + 1,
            self.retries + 1,
            exc.reason,
            exc,
            then,
        )
