"""A local OpenAI-compatible `GET /v1/models` on 127.0.0.1, whose answer a test sets: a list,
an HTTP status, a body that is not a list, or an answer held until the test lets it go."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from tests.support.process import free_port


class ModelLists:
    """`url` is the API base (ends in /v1); `models`, `status` (with `error`, the message of an
    error answer), `body` and `hold` shape the next answers; `requests` counts them and `keys`
    records the Authorization headers."""

    def __init__(self, models: list[str] | None = None) -> None:
        self.models = list(models or [])
        self.status = 200
        self.error = "no"
        self.body: bytes | None = None
        self.hold: asyncio.Event | None = None
        self.requests = 0
        self.keys: list[str | None] = []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self._runner: web.AppRunner | None = None
        self._arrived = asyncio.Condition()

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_get("/v1/models", self._models)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.hold is not None:
            self.hold.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def wait_for_requests(self, count: int, timeout: float = 10) -> None:
        async with asyncio.timeout(timeout), self._arrived:
            await self._arrived.wait_for(lambda: self.requests >= count)

    async def _models(self, request: web.Request) -> web.Response:
        self.requests += 1
        self.keys.append(request.headers.get("Authorization"))
        async with self._arrived:
            self._arrived.notify_all()
        if self.hold is not None:
            await self.hold.wait()
        if self.status != 200:
            return web.json_response({"error": {"message": self.error}}, status=self.status)
        if self.body is not None:
            return web.Response(body=self.body, content_type="application/json")
        data: list[dict[str, Any]] = [
            {"id": name, "object": "model", "owned_by": "tests"} for name in self.models
        ]
        return web.json_response({"object": "list", "data": data})
