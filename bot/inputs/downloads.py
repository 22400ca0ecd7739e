"""Files users send, fetched from the Bot API with a size limit and a timeout.

Telegram's own Bot API lets bots download files of up to 20 MB (`getFile` answers "file is too
big" past that); a self-hosted Bot API server allows more. So the size Telegram reports is
checked first, the server's refusal is read as `too_big` (with the limit it states, if it
states one), and a server that reports no size is still held to `limit` as bytes arrive.
"""

from __future__ import annotations

import asyncio
import io
import re

import aiohttp
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from bot.inputs.errors import DownloadError

MAX_DOWNLOAD = 20 * 1024 * 1024
"""Bytes: what Telegram's Bot API lets bots download (getFile)."""
DOWNLOAD_TIMEOUT = 60.0
"""Seconds for getFile and the download together."""
_UNITS = {"b": 1, "byte": 1, "bytes": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}
_STATED_LIMIT = re.compile(r"(\d+(?:\.\d+)?)\s*(bytes?|[kmg]b|b)\b", re.IGNORECASE)


class _Bounded(io.BytesIO):
    """A buffer that refuses to grow past `limit` bytes: a server that reported no size (or a
    wrong one) cannot make the bot hold more than the limit in memory."""

    def __init__(self, limit: int | None) -> None:
        super().__init__()
        self.limit = limit

    def write(self, data: bytes) -> int:  # type: ignore[override]
        if self.limit is not None and self.tell() + len(data) > self.limit:
            raise DownloadError("too_big", "more bytes arrived than the limit", limit=self.limit)
        return super().write(data)


def stated_limit(message: str) -> int | None:
    """The size limit a Bot API error states (`file is too big (max 20 MB)`), in bytes, or
    None when it states none (Telegram's own server says only "file is too big")."""
    match = _STATED_LIMIT.search(message)
    if match is None:
        return None
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


async def download(
    bot: Bot,
    file_id: str,
    *,
    size: int | None,
    limit: int | None = MAX_DOWNLOAD,
    timeout: float = DOWNLOAD_TIMEOUT,  # noqa: ASYNC109 (bounds getFile and the download)
) -> bytes:
    """The file's bytes; `size` is what the message said (`file_size`, often absent), `limit`
    the most to accept (None: whatever the Bot API server hands out).

    Raises DownloadError("too_big") before any request when `size` exceeds `limit`, when the
    Bot API refuses the file as too big, or when more than `limit` bytes arrive; and
    DownloadError("unreadable") when the file cannot be fetched (gone, network, timeout).
    """
    if size is not None and limit is not None and size > limit:
        raise DownloadError("too_big", f"{size} bytes reported", size=size, limit=limit)
    buffer = _Bounded(limit)
    try:
        async with asyncio.timeout(timeout):
            await bot.download(file_id, destination=buffer, timeout=int(timeout) or 1)
    except TelegramAPIError as exc:
        if "too big" in exc.message.lower():
            stated = stated_limit(exc.message)
            raise DownloadError("too_big", exc.message, size=size, limit=stated or limit) from exc
        raise DownloadError("unreadable", exc.message, size=size) from exc
    except TimeoutError as exc:
        raise DownloadError("unreadable", f"no file within {timeout:g} s", size=size) from exc
    except (aiohttp.ClientError, OSError) as exc:  # a 404 from the file URL, a dropped link
        raise DownloadError("unreadable", f"{type(exc).__name__}: {exc}", size=size) from exc
    return buffer.getvalue()
