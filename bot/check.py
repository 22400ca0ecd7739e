"""`python -m bot check`: is every part the bot needs reachable? One line per check."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramUnauthorizedError

from bot.app import backend_session, build_backends, build_bot
from bot.config import Settings
from bot.providers.base import Backend, BackendError

PROBE = [{"role": "user", "content": "Hi"}]


async def _timed(check: Callable[[], Awaitable[str]]) -> tuple[bool, str, float]:
    started = time.perf_counter()
    try:
        detail = await check()
    except (BackendError, TelegramAPIError, OSError) as exc:
        return False, _explain(exc), time.perf_counter() - started
    return True, detail, time.perf_counter() - started


def _explain(exc: BaseException) -> str:
    if isinstance(exc, TelegramUnauthorizedError):
        return "the Bot API rejected BOT_TOKEN (401 Unauthorized): check the token"
    if isinstance(exc, TelegramNetworkError):
        return f"cannot reach the Bot API server: {exc.message}"
    if isinstance(exc, TelegramAPIError):
        return exc.message
    return str(exc) or type(exc).__name__


async def _probe(backend: Backend) -> str:
    stream = backend.stream(PROBE)
    try:
        async for chunk in stream:
            if isinstance(chunk, str) and chunk.strip():
                return f"answered at {backend.address}"
    finally:
        await stream.aclose()  # type: ignore[attr-defined]
    raise BackendError(f"{backend.address} answered with no text", url=backend.address)


def _line(ok: bool, name: str, detail: str, seconds: float) -> str:
    mark = "✓" if ok else "✗"
    return f"{mark} {name}: {detail} ({seconds * 1000:.0f} ms)"


async def run_checks(settings: Settings) -> int:
    """Print one line per check; 0 when all pass, 1 otherwise."""
    print("✓ settings: valid")
    results: list[bool] = []

    bot = build_bot(settings)
    try:

        async def get_me() -> str:
            me = await bot.get_me()
            return f"@{me.username} at {settings.api_base}"

        ok, detail, seconds = await _timed(get_me)
    finally:
        await bot.session.close()
    results.append(ok)
    print(_line(ok, "Bot API", detail, seconds))

    async with backend_session() as session:
        for backend in build_backends(settings, session):
            ok, detail, seconds = await _timed(lambda b=backend: _probe(b))  # type: ignore[misc]
            results.append(ok)
            print(_line(ok, f"backend {backend.name}", detail, seconds), flush=True)
    return 0 if all(results) else 1
