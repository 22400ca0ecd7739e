"""`python -m bot check`: is every part the bot needs reachable? One line per check (and one
per MCP server of MCP_CONFIG).

It is what an operator runs when the bot does not answer, so it never ends in a traceback:
whatever a server answers (an HTML page, the wrong JSON, nothing), the line says what came.
Each line is printed as soon as its check ends, so a slow check shows where it waits.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from contextlib import aclosing

from bot.app import backend_session, build_backends, build_bot
from bot.config import Settings
from bot.inputs.speech import build_transcriber
from bot.providers.base import Backend, BackendError
from bot.replicas.runtime import connect, safe_url
from bot.session import explain

PROBE = [{"role": "user", "content": "Hi"}]


async def _timed(
    check: Callable[[], Awaitable[str]], fail: Callable[[Exception], str]
) -> tuple[bool, str, float]:
    started = time.perf_counter()
    try:
        detail = await check()
    except Exception as exc:  # the boundary: every failure becomes a line
        return False, fail(exc), time.perf_counter() - started
    return True, detail, time.perf_counter() - started


def _backend_failure(exc: Exception) -> str:
    """A BackendError says what failed and where; anything else (a bug) by its type."""
    return str(exc) if isinstance(exc, BackendError) else f"{type(exc).__name__}: {exc}"


async def _probe(backend: Backend) -> str:
    async with aclosing(backend.stream(PROBE)) as stream:
        async for chunk in stream:
            if isinstance(chunk, str) and chunk.strip():
                return f"answered at {backend.address}"
    raise BackendError(f"{backend.address} answered with no text", url=backend.address)


def _line(ok: bool, name: str, detail: str, seconds: float) -> str:
    mark = "✓" if ok else "✗"
    return f"{mark} {name}: {detail} ({seconds * 1000:.0f} ms)"


async def run_checks(settings: Settings) -> int:
    """Print one line per check; 0 when all pass, 1 otherwise."""
    print("✓ settings: valid", flush=True)
    results: list[bool] = []

    bot = build_bot(settings)
    try:

        async def get_me() -> str:
            me = await bot.get_me()
            return f"@{me.username} at {settings.api_base}"

        ok, detail, seconds = await _timed(get_me, lambda exc: explain(exc, settings.api_base))
    finally:
        await bot.session.close()
    results.append(ok)
    print(_line(ok, "Bot API", detail, seconds), flush=True)

    if settings.redis_url is not None:
        url = settings.redis_url.get_secret_value()

        async def ping() -> str:
            client = await connect(url)  # StoreUnavailable says what failed, in plain words
            try:
                info = await client.info("server")
            finally:
                await client.aclose()
            return f"Redis {info.get('redis_version', '?')} at {safe_url(url)}"

        ok, detail, seconds = await _timed(ping, str)
        results.append(ok)
        print(_line(ok, "REDIS_URL", detail, seconds), flush=True)

    async with backend_session() as session:
        for backend in build_backends(settings, session):
            ok, detail, seconds = await _timed(lambda b=backend: _probe(b), _backend_failure)  # type: ignore[misc]
            results.append(ok)
            print(_line(ok, f"backend {backend.name}", detail, seconds), flush=True)
        transcriber = build_transcriber(settings, session)
        started = time.perf_counter()
        ok, detail = await transcriber.check()  # says what failed; never raises
        results.append(ok)
        print(_line(ok, "speech-to-text", detail, time.perf_counter() - started), flush=True)

    if settings.mcp is not None and settings.mcp.servers:
        # The MCP SDK takes a second or more to import: only where MCP_CONFIG asks for it.
        from bot.tools.servers import State, ToolServers  # noqa: PLC0415

        async with ToolServers(settings.mcp) as servers:
            for status in servers.status():
                ok = status.state is State.UP
                results.append(ok)
                seconds = status.attempt_seconds or 0.0
                print(_line(ok, status.title, status.summary, seconds), flush=True)
    return 0 if all(results) else 1
