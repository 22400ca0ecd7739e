"""A forwarding HTTP proxy on 127.0.0.1 that records who went through it, for PROXY tests.

It serves plain-http targets only (absolute-form requests, as aiohttp sends them to a proxy):
enough to prove that backend calls take the configured proxy with its credentials.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Self

import aiohttp
from aiohttp import web

HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-authorization", "proxy-connection", "transfer-encoding"}
)


@dataclass(frozen=True)
class Passage:
    """One request the proxy forwarded."""

    method: str
    url: str
    proxy_authorization: str | None


class FakeProxy:
    """`async with FakeProxy() as proxy:` then PROXY=proxy.url_with(user, password)."""

    def __init__(self) -> None:
        self.passages: list[Passage] = []
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None

    def url_with(self, user: str, password: str) -> str:
        return f"http://{user}:{password}@127.0.0.1:{self.port}"

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._client = aiohttp.ClientSession(auto_decompress=False)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        assert self._client is not None
        url = str(request.url)
        self.passages.append(
            Passage(request.method, url, request.headers.get("Proxy-Authorization"))
        )
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        body = await request.read()
        async with self._client.request(
            request.method, url, headers=headers, data=body, allow_redirects=False
        ) as upstream:
            response = web.StreamResponse(status=upstream.status)
            for key, value in upstream.headers.items():
                if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                    response.headers[key] = value
            await response.prepare(request)
            async for chunk in upstream.content.iter_any():
                await response.write(chunk)
            await response.write_eof()
            return response
