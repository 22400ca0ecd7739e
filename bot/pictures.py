"""Pictures users send: downloaded from the Bot API, made small enough for a model to read.

A phone photo can be 4,000 px and several MB; vision models scale it down anyway and charge by
size, so it is resized (Pillow) to at most `MAX_SIDE` px before it goes, base64-encoded, into
the request. History keeps only a placeholder, never the bytes.
"""

from __future__ import annotations

import asyncio
import base64
import io
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Document, Message, PhotoSize
from PIL import Image, UnidentifiedImageError

MAX_DOWNLOAD = 20 * 1024 * 1024
"""Bytes; the Bot API lets bots download files of up to 20 MB (getFile)."""
MAX_SIDE = 2048
"""Pixels on the longer side sent to the model."""
MAX_PIXELS = 60_000_000
"""Larger images are refused before decoding (a decompression bomb costs gigabytes)."""
DOWNLOAD_TIMEOUT = 60
# Pillow's own guard only warns below twice its limit; ours refuses before any decoding.
Image.MAX_IMAGE_PIXELS = None
_KEPT_AS_IS = frozenset({"image/jpeg", "image/png", "image/webp"})


class PictureError(Exception):
    """The picture cannot be given to the model; `reason` keys a sentence in bot/texts.py."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Picture:
    """An image ready for an OpenAI-compatible request."""

    data: bytes
    mime: str

    def data_url(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode()}"


def picture_file(message: Message) -> PhotoSize | Document | None:
    """The file to read: the largest photo size under the download limit, or an image
    document; None when the message carries no picture."""
    if message.photo:
        fitting = [p for p in message.photo if (p.file_size or 0) <= MAX_DOWNLOAD]
        return max(fitting or message.photo, key=lambda p: p.width * p.height)
    document = message.document
    if document is not None and (document.mime_type or "").startswith("image/"):
        return document
    return None


async def fetch(bot: Bot, file: PhotoSize | Document) -> Picture:
    """Download `file` and prepare it; raises PictureError("too_big" or "unreadable")."""
    if (file.file_size or 0) > MAX_DOWNLOAD:
        raise PictureError("too_big")
    buffer = io.BytesIO()
    try:
        await bot.download(file.file_id, destination=buffer, timeout=DOWNLOAD_TIMEOUT)
    except TelegramAPIError as exc:
        raise PictureError(
            "too_big" if "too big" in exc.message.lower() else "unreadable"
        ) from exc
    except (OSError, TimeoutError) as exc:
        raise PictureError("unreadable") from exc
    mime = file.mime_type if isinstance(file, Document) and file.mime_type else "image/jpeg"
    return await asyncio.to_thread(prepare, buffer.getvalue(), mime)


def prepare(data: bytes, mime: str) -> Picture:
    """Keep a small JPEG/PNG/WebP as it is; re-encode anything larger or rarer as JPEG."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise PictureError("too_big")
            mime = Image.MIME.get(image.format or "", mime)  # what the bytes are, not a label
            if max(width, height) <= MAX_SIDE and mime in _KEPT_AS_IS:
                image.verify()
                return Picture(data, mime)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=85)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise PictureError("unreadable") from exc
    return Picture(out.getvalue(), "image/jpeg")
