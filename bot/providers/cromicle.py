"""Cromicle: POST `{url}/chat` with a hashed prompt, read a streamed plain-text reply.

The original public service (cromicle.top) is gone; the protocol lives on in compatible servers,
so the base URL is configurable (`CROMICLE_URL`).
"""

from __future__ import annotations

from contextlib import aclosing
from hashlib import sha256
from typing import Any

from bot.providers.base import (
    AsyncGeneratorProvider,
    AsyncResult,
    Messages,
    StreamOptions,
    decode_stream,
    format_prompt,
    open_stream,
)


class Cromicle(AsyncGeneratorProvider):
    """The Cromicle chat service (GPT-3.5 Turbo behind a token + sha256 hash handshake)."""

    url = "https://cromicle.top"
    label = "cromicle"
    working = True
    supports_gpt_35_turbo = True

    @classmethod
    async def create_async_generator(
        cls,
        model: str,
        messages: Messages,
        proxy: str | None = None,
        **kwargs: Any,
    ) -> AsyncResult:
        """Stream the reply to `messages`; chunks are yielded as they arrive, UTF-8 intact.

        Keyword arguments: `url` (base URL, default `cls.url`), `session` (a shared
        aiohttp.ClientSession), `timeout` (seconds of silence allowed between chunks) and
        `connect_timeout`. Failures raise a `BackendError` subclass naming the address.
        """
        options = StreamOptions.parse(kwargs, cls.url)
        endpoint = f"{options.base_url}/chat"
        payload = _create_payload(format_prompt(messages))
        async with (
            open_stream(
                endpoint,
                payload,
                options,
                backend=cls.name(),
                headers=_create_header(),
                proxy=proxy,
                settings={"url": "CROMICLE_URL"},
            ) as response,
            aclosing(decode_stream(response.content.iter_any())) as texts,
        ):
            async for text in texts:
                yield text


def _create_header() -> dict[str, str]:
    return {"accept": "*/*", "content-type": "application/json"}


def _create_payload(message: str) -> dict[str, str]:
    return {
        "message": message,
        "token": "abc",
        "hash": sha256(b"abc" + message.encode()).hexdigest(),
    }
