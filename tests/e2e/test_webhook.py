"""The real process in webhook mode, posted to like Telegram (and like anyone else) would."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from yarl import URL

from tests.servers.backends import FakeCromicle, echo_answer
from tests.servers.telegram import FakeTelegram
from tests.support.process import BotProcess, base_env, free_port, start_bot, webhook_env
from tests.support.updates import private_message

CHAT = 1001
SECRET = "s" * 40
RIGHT = {"X-Telegram-Bot-Api-Secret-Token": SECRET}


@dataclass
class Webhook:
    bot: BotProcess
    url: str
    http: aiohttp.ClientSession

    async def post(self, body: bytes | dict[str, Any], **headers: str) -> int:
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        async with self.http.post(self.url, data=data, headers={**RIGHT, **headers}) as answer:
            return answer.status


@pytest.fixture
async def webhook(
    telegram: FakeTelegram, cromicle: FakeCromicle, workdir: Path
) -> AsyncIterator[Webhook]:
    port = free_port()
    bot = await start_bot(base_env(telegram, cromicle, **webhook_env(port, SECRET)), workdir)
    await telegram.wait_for(lambda: telegram.webhook is not None, timeout=30)
    async with aiohttp.ClientSession() as http:
        yield Webhook(bot, f"http://127.0.0.1:{port}/hook", http)
    await bot.stop()


async def test_bodies_that_are_not_updates_get_400_and_one_line_each(
    webhook: Webhook, telegram: FakeTelegram, cromicle: FakeCromicle
) -> None:
    assert await webhook.post(b"not json at all") == 400
    assert await webhook.post(b"[1, 2, 3]") == 400
    assert await webhook.post({"hello": "world"}) == 400
    assert await webhook.post(b"\xff\xfe") == 400
    assert await webhook.post(private_message(7, CHAT, "the real one")) == 200
    await telegram.wait_for(
        lambda: telegram.visible_texts(CHAT) == [echo_answer("the real one")], timeout=30
    )
    assert await webhook.bot.stop() == 0
    log = webhook.bot.stderr.decode()
    assert "Traceback" not in log
    assert len([line for line in log.splitlines() if "not an update" in line]) == 4
    assert len(cromicle.requests) == 1


async def test_an_oversized_body_is_refused_before_it_is_read_whole(webhook: Webhook) -> None:
    # It announces 100 MiB and sends 1 KiB: the answer must come without waiting for the rest.
    url = URL(webhook.url)
    assert url.host is not None and url.port is not None
    reader, writer = await asyncio.open_connection(url.host, url.port)
    head = (
        f"POST {url.path} HTTP/1.1\r\nHost: {url.host}\r\n"
        f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {100 * 1024 * 1024}\r\n\r\n"
    )
    writer.write(head.encode() + b'{"update_id": 1, "padding": "' + b"x" * 1024)
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), timeout=10)
    writer.close()
    assert status_line.startswith(b"HTTP/1.1 413")

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while read
        for _ in range(64):
            yield b"x" * 65536
            await asyncio.sleep(0)

    async with webhook.http.post(webhook.url, data=chunks(), headers=RIGHT) as answer:
        assert answer.status == 413
    assert await webhook.bot.stop() == 0
    log = webhook.bot.stderr.decode()
    assert "Traceback" not in log
    assert len([line for line in log.splitlines() if "refused a body" in line]) == 2


async def test_an_update_aiogram_cannot_read_is_acknowledged_and_skipped(
    webhook: Webhook, telegram: FakeTelegram
) -> None:
    assert await webhook.post(private_message(5, CHAT, {"secret": "my private words"})) == 200
    assert await webhook.post(private_message(6, CHAT, "next")) == 200
    await telegram.wait_for(lambda: telegram.visible_texts(CHAT) == [echo_answer("next")], 30)
    assert await webhook.bot.stop() == 0
    log = webhook.bot.stderr.decode()
    assert "skipped update 5" in log
    assert "private words" not in log and "Traceback" not in log
