"""Cromicle: POST `{url}/chat` with a hashed prompt, read a streamed plain-text reply.

The original public service (cromicle.top) is gone; the protocol lives on in compatible servers,
so the base URL is configurable (`CROMICLE_URL`).
"""

from __future__ import annotations

from hashlib import sha256
from typing import Any

import aiohttp

from bot.providers.base import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_IDLE_TIMEOUT,
    AsyncGeneratorProvider,
    AsyncResult,
    BackendError,
    Messages,
    client_timeout,
    decode_stream,
    format_prompt,
    http_error,
    open_session,
    transport_error,
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
        base = (kwargs.get("url") or cls.url).rstrip("/")
        endpoint = f"{base}/chat"
        idle = float(kwargs.get("timeout") or DEFAULT_IDLE_TIMEOUT)
        connect = float(kwargs.get("connect_timeout") or DEFAULT_CONNECT_TIMEOUT)
        session: aiohttp.ClientSession | None = kwargs.get("session")
        payload = _create_payload(format_prompt(messages))
        try:
            async with (
                open_session(session, _create_header()) as http,
                http.post(
                    endpoint,
                    json=payload,
                    headers=_create_header(),
                    proxy=proxy,
                    timeout=client_timeout(connect, idle),
                ) as response,
            ):
                if response.status >= 300:
                    body = await response.text(errors="replace")
                    raise http_error(response.status, body, backend=cls.name(), url=endpoint)
                async for text in decode_stream(response.content.iter_any()):
                    yield text
        except BackendError:
            raise
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise transport_error(exc, backend=cls.name(), url=endpoint, idle=idle) from exc


def _create_header() -> dict[str, str]:
    return {"accept": "*/*", "content-type": "application/json"}


def _create_payload(message: str) -> dict[str, str]:
    return {
        "message": message,
        "token": "abc",
        "hash": sha256(b"abc" + message.encode()).hexdigest(),
    }
