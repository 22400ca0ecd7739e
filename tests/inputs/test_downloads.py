"""Files fetched through aiogram from a local Bot API server: sizes, refusals, failures."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web

from bot.inputs.downloads import MAX_DOWNLOAD, download, stated_limit
from bot.inputs.errors import DownloadError
from tests.conftest import TOKEN
from tests.servers.telegram import FakeTelegram

CHAT = 1001


@asynccontextmanager
async def bot_at(base_url: str) -> AsyncIterator[Bot]:
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))
    try:
        yield bot
    finally:
        await bot.session.close()


def sent_document(telegram: FakeTelegram, data: bytes) -> dict[str, Any]:
    message_id = telegram.add_document(CHAT, data, file_name="notes.txt", mime_type="text/plain")
    message = telegram.message(CHAT, message_id)
    assert message is not None
    document: dict[str, Any] = message["document"]
    return document


async def test_a_file_arrives_whole(telegram: FakeTelegram) -> None:
    data = os.urandom(300_000)
    document = sent_document(telegram, data)
    async with bot_at(telegram.base_url) as bot:
        got = await download(bot, document["file_id"], size=document["file_size"])
    assert got == data and len(telegram.downloads) == 1


async def test_a_file_reported_too_big_is_refused_before_any_request(
    telegram: FakeTelegram,
) -> None:
    document = sent_document(telegram, b"small")
    async with bot_at(telegram.base_url) as bot:
        with pytest.raises(DownloadError) as caught:
            await download(bot, document["file_id"], size=MAX_DOWNLOAD + 1)
    assert caught.value.reason == "too_big" and caught.value.limit == MAX_DOWNLOAD
    assert telegram.calls_for("getFile") == [] and telegram.downloads == []


async def test_telegram_refusing_a_file_as_too_big_is_too_big(telegram: FakeTelegram) -> None:
    # The message said nothing of its size (as for some forwarded files), so getFile decides.
    document = sent_document(telegram, bytes(MAX_DOWNLOAD + 1))
    async with bot_at(telegram.base_url) as bot:
        with pytest.raises(DownloadError) as caught:
            await download(bot, document["file_id"], size=None)
    assert caught.value.reason == "too_big"
    assert caught.value.limit == MAX_DOWNLOAD  # Telegram states none: the known one
    assert telegram.downloads == []


async def test_an_unknown_file_is_unreadable(telegram: FakeTelegram) -> None:
    async with bot_at(telegram.base_url) as bot:
        with pytest.raises(DownloadError) as caught:
            await download(bot, "no-such-file", size=10)
    assert caught.value.reason == "unreadable" and "invalid file_id" in caught.value.detail


# A self-hosted Bot API server behaves differently: it can state its limit, allow more than
# 20 MB, report no size, or stall. A small stand-in plays each.

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@asynccontextmanager
async def file_server(get_file: Handler, serve: Handler) -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_route("*", "/bot{token}/getFile", get_file)
    app.router.add_get("/file/bot{token}/{path:.+}", serve)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def found(request: web.Request) -> web.Response:
    return web.json_response(
        {"ok": True, "result": {"file_id": "f", "file_unique_id": "u", "file_path": "docs/f"}}
    )


def refused_with(description: str) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        body = {"ok": False, "error_code": 400, "description": description}
        return web.json_response(body, status=400)

    return handler


async def test_a_limit_the_server_states_is_the_limit_reported() -> None:
    get_file = refused_with("Bad Request: file is too big (max 50 MB)")
    async with file_server(get_file, found) as url, bot_at(url) as bot:
        with pytest.raises(DownloadError) as caught:
            await download(bot, "f", size=None, limit=None)
    assert caught.value.reason == "too_big" and caught.value.limit == 50 * 1024 * 1024


async def test_bytes_past_the_limit_stop_the_download_when_no_size_was_reported() -> None:
    served = bytes(3 * 1024 * 1024)

    async def serve(request: web.Request) -> web.Response:
        return web.Response(body=served)

    async with file_server(found, serve) as url, bot_at(url) as bot:
        with pytest.raises(DownloadError) as caught:
            await download(bot, "f", size=None, limit=1024 * 1024)
        assert caught.value.reason == "too_big" and caught.value.limit == 1024 * 1024
        assert await download(bot, "f", size=None, limit=None) == served


async def test_a_file_url_that_fails_is_unreadable() -> None:
    async def gone(request: web.Request) -> web.Response:
        return web.Response(status=404, text="Not Found")

    async with file_server(found, gone) as url, bot_at(url) as bot:
        with pytest.raises(DownloadError) as caught:
            await download(bot, "f", size=100)
    assert caught.value.reason == "unreadable"


async def test_a_stalled_download_ends_unreadable_at_the_timeout() -> None:
    release = asyncio.Event()

    async def stall(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        await response.write(b"partial")
        await release.wait()
        return response

    async with file_server(found, stall) as url, bot_at(url) as bot:
        started = asyncio.get_running_loop().time()
        with pytest.raises(DownloadError) as caught:
            await download(bot, "f", size=100, timeout=0.5)
        elapsed = asyncio.get_running_loop().time() - started
        release.set()
    assert caught.value.reason == "unreadable" and "0.5 s" in caught.value.detail
    assert elapsed < 10


@pytest.mark.parametrize(
    ("message", "limit"),
    [
        ("Bad Request: file is too big", None),
        ("Bad Request: file is too big (max 2000 MB)", 2000 * 1024**2),
        ("file is too big: limit 512 KB", 512 * 1024),
        ("file is too big, at most 1.5 GB", int(1.5 * 1024**3)),
        ("too big: 1048576 bytes allowed", 1048576),
    ],
)
def test_a_stated_limit_is_read_in_any_unit(message: str, limit: int | None) -> None:
    assert stated_limit(message) == limit
