"""What the process does at start: Bot API calls carried through an outage, and the tasks it
starts beside answering (the command menu, the backend probe).

A Bot API that answers 5xx, 429 or a proxy's error page at start is having a bad minute, not
telling the bot to stop: exiting would only make a restart policy start it again into the
same minute. Start-up calls are retried with backoff (exactly `retry_after` after a 429);
only a 401 (the token) or a refusal that no retry changes (a 4xx) ends the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from typing import Any, TypeVar

from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)

from bot.session import TokenRejected, explain

log = logging.getLogger(__name__)

T = TypeVar("T")
FIRST_DELAY = 1.0
MAX_DELAY = 30.0


class StartRefused(Exception):
    """The Bot API refused a start-up call in a way no retry changes (a 4xx other than 401)."""


def transient(exc: BaseException) -> bool:
    """Worth trying again: the server or the way to it is failing, not the request."""
    return isinstance(
        exc, TelegramServerError | TelegramNetworkError | TelegramRetryAfter | ClientDecodeError
    )


async def call_at_start(
    what: str,
    call: Callable[[], Awaitable[T]],
    api_base: str,
    *,
    hint: str = "",
    attempts: int | None = None,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> T:
    """`call()` until it succeeds, waiting 1, 2, 4 ... 30 s (or `retry_after`) between tries.

    Raises TokenRejected on 401 and StartRefused (ending with `hint`) on any other refusal;
    with `attempts`, the last transient error once they are used up.
    """
    delay, attempt = FIRST_DELAY, 0
    while True:
        attempt += 1
        try:
            result = await call()
        except TelegramUnauthorizedError:
            raise TokenRejected(api_base) from None
        except (TelegramAPIError, ClientDecodeError) as exc:
            if not transient(exc):
                reason = f"the Bot API refused {what}: {explain(exc, api_base)}"
                raise StartRefused(f"{reason}; {hint}" if hint else reason) from None
            if attempts is not None and attempt >= attempts:
                raise
            wait = float(exc.retry_after) if isinstance(exc, TelegramRetryAfter) else delay
            delay = min(delay * 2, MAX_DELAY)
            log.warning("%s failed: %s; trying again in %g s", what, explain(exc, api_base), wait)
            await sleep(wait)
            continue
        if attempt > 1:
            log.info("%s succeeded at attempt %d", what, attempt)
        return result


class BackgroundTasks:
    """Tasks that run beside answering; kept so they finish, and cancelled at shutdown."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, work: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def cancel(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


@contextlib.contextmanager
def stop_on_signals(stop: asyncio.Event) -> Iterator[None]:
    """SIGINT and SIGTERM set `stop` for as long as the process runs: during a start-up that
    waits out an outage as much as while answering (one handler throughout, so a signal that
    comes as start-up ends is not lost between two handlers)."""
    loop = asyncio.get_running_loop()
    installed = []

    def received(sig: signal.Signals) -> None:
        log.info("received %s: stopping", sig.name)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, received, sig)
            installed.append(sig)
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


async def unless_stopped(work: Awaitable[object], stop: asyncio.Event) -> bool:
    """Await `work`, or cancel it when `stop` is set first; True when it ran to its end."""
    task = asyncio.ensure_future(work)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
    if not task.done():
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        log.info("stopped during start-up")
        return False
    task.result()  # its exception, if it failed
    return True


async def run_until(
    running: Awaitable[object], stop_now: Callable[[], Awaitable[None]], *events: asyncio.Event
) -> None:
    """Await `running`; when one of `events` is set first, `stop_now()` and let it end."""
    main = asyncio.ensure_future(running)
    # Let it begin first: aiogram's start_polling can only be stopped once it holds its lock.
    await asyncio.sleep(0)
    waits = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait({main, *waits}, return_when=asyncio.FIRST_COMPLETED)
        if not main.done():
            await stop_now()
        await main
    finally:
        for task in (main, *waits):
            task.cancel()
        await asyncio.gather(main, *waits, return_exceptions=True)
