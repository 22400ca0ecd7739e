"""Accounting's pieces that an end-to-end test reaches only by chance: how a backend request
is counted when the reader stops early or nothing comes, and /metrics on the webhook server."""

from __future__ import annotations

import asyncio
from contextlib import aclosing
from typing import Any, ClassVar

import aiohttp
from aiohttp import web

from bot.accounting import Counted
from bot.app import application
from bot.config import Settings
from bot.metrics import Metrics
from bot.providers.base import (
    AsyncGeneratorProvider,
    AsyncResult,
    Backend,
    BackendUnavailable,
    Chunk,
    FinishReason,
    Messages,
)
from bot.webhook import webhook_app
from tests.support.process import free_port

TOKEN = "123456:TEST-TOKEN"


class Scripted(AsyncGeneratorProvider):
    """Yields `chunks`, then raises `error` if set."""

    label = "scripted"
    chunks: ClassVar[list[Chunk]] = []
    error: ClassVar[Exception | None] = None

    @classmethod
    async def create_async_generator(
        cls, model: str, messages: Messages, proxy: str | None = None, **kwargs: Any
    ) -> AsyncResult:
        for chunk in cls.chunks:
            yield chunk
        if cls.error is not None:
            raise cls.error


def outcomes(metrics: Metrics) -> dict[str, float]:
    return {
        sample.labels["outcome"]: sample.value
        for family in metrics.backend_requests.collect()
        for sample in family.samples
        if sample.name.endswith("_total")
    }


async def consume(chunks: list[Chunk], error: Exception | None, read: int | None) -> str:
    """One request through Counted, read whole or only `read` chunks; its outcome."""
    metrics = Metrics()
    Scripted.chunks, Scripted.error = chunks, error
    counted = Counted(Backend(provider=Scripted, model="m"), metrics)
    async with aclosing(counted.stream([])) as stream:
        try:
            seen = 0
            async for _ in stream:
                seen += 1
                if read is not None and seen >= read:
                    break
        except BackendUnavailable:
            pass
    (outcome,) = outcomes(metrics)
    return outcome


async def test_a_request_is_counted_by_how_it_ended() -> None:
    assert await consume(["a", FinishReason("stop")], None, None) == "ok"
    assert await consume([], None, None) == "empty"
    assert await consume(["a"], BackendUnavailable("down"), None) == "unavailable"
    # The reader stopped it before the finish (the user pressed stop, /reset)...
    assert await consume(["a", "b", FinishReason("stop")], None, 1) == "stopped"
    # ...but an answer that finished counts as one, whatever is left unread (a late usage).
    assert await consume(["a", FinishReason("stop"), "usage"], None, 2) == "ok"


async def test_the_webhook_server_serves_metrics() -> None:
    port = free_port()
    settings = Settings(
        _env_file=None,
        bot_token=TOKEN,
        webhook_url="https://bot.example.invalid/hook",
        webhook_secret="s" * 40,
    )
    async with application(settings) as (bot, dispatcher):
        runner = web.AppRunner(webhook_app(settings, bot, dispatcher, asyncio.Event()))
        await runner.setup()
        try:
            await web.TCPSite(runner, "127.0.0.1", port).start()
            url = f"http://127.0.0.1:{port}/metrics"
            async with aiohttp.ClientSession() as http, http.get(url) as answer:
                body = await answer.text()
        finally:
            await runner.cleanup()
    assert answer.status == 200
    assert "bot_answers_in_progress 0.0" in body
