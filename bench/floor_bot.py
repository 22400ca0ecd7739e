"""The least a bot on this stack must do per answer, to compare the real bot against.

`python -m bench.streaming --bot floor` runs this instead of `python -m bot`, under the same
load. Per question it does only what no streaming bot can skip on aiogram and aiohttp: poll
and parse the update, dispatch it to one handler, POST the question to Cromicle, read the
streamed reply to the end, and send the answer in one sendMessage, paced to Telegram's 30
messages a second. No drafts or edits while the answer grows, no history, no Markdown, no
retries: its CPU per answer is a floor, not a rival, and the gap between the two is what the
bot's own features cost.

Reads the same environment as the bot (BOT_TOKEN, TELEGRAM_API_URL, CROMICLE_URL).
"""

from __future__ import annotations

import asyncio
import hashlib
import os

import aiohttp
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message

RATE = 30.0
"""Messages a second for the whole bot: Telegram's limit, as the bench's server enforces it."""


class Pace:
    """Hands out send times `1 / RATE` seconds apart, in the order they are asked for."""

    def __init__(self) -> None:
        self._next = 0.0

    async def wait(self) -> None:
        now = asyncio.get_running_loop().time()
        slot = max(now, self._next)
        self._next = slot + 1 / RATE
        await asyncio.sleep(slot - now)


async def answer(message: Message, bot: Bot, http: aiohttp.ClientSession, pace: Pace) -> None:
    """Stream Cromicle's reply to the question and send it whole."""
    question = message.text or ""
    payload = {
        "message": question,
        "token": "abc",
        "hash": hashlib.sha256(("abc" + question).encode()).hexdigest(),
    }
    parts = []
    async with http.post(os.environ["CROMICLE_URL"].rstrip("/") + "/chat", json=payload) as reply:
        async for raw in reply.content.iter_any():
            parts.append(raw)
    await pace.wait()
    await bot.send_message(message.chat.id, b"".join(parts).decode())


async def main() -> None:
    api = TelegramAPIServer.from_base(os.environ["TELEGRAM_API_URL"].rstrip("/"))
    bot = Bot(os.environ["BOT_TOKEN"], session=AiohttpSession(api=api, limit=1000))
    dispatcher = Dispatcher()
    dispatcher.message.register(answer)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        await dispatcher.start_polling(bot, http=http, pace=Pace(), handle_signals=True)


if __name__ == "__main__":
    asyncio.run(main())
