"""An aiogram session that hands every call straight to :meth:`FakeTelegram.dispatch`.

Why: with no sockets in between, a scenario can run on any event loop, including one whose
``time()`` is virtual, so long conversations and flood-control waits cost no real time. The
request is still serialised by aiogram (``prepare_value``, as ``AiohttpSession`` does for its
form) and the answer still goes through aiogram's own ``check_response``, so the bot sees the
same exceptions as over HTTP. File uploads and downloads are out of scope.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any, cast

from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InputFile

from tests.servers.telegram import FakeTelegram

if TYPE_CHECKING:
    from aiogram import Bot

__all__ = ["InProcessSession"]


class InProcessSession(BaseSession):
    """Calls ``server.dispatch`` directly; a lost answer becomes ``TelegramNetworkError``."""

    def __init__(self, server: FakeTelegram, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.server = server

    def build_params(self, bot: Bot, method: TelegramMethod[Any]) -> dict[str, str]:
        """The string fields ``AiohttpSession.build_form_data`` would put in its form."""
        files: dict[str, InputFile] = {}
        params: dict[str, str] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files)
            if not prepared:
                continue
            params[key] = prepared
        if files:
            raise NotImplementedError("InProcessSession does not upload files")
        return params

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,
    ) -> TelegramType:
        params = self.build_params(bot, method)
        try:
            async with asyncio.timeout(self.timeout if timeout is None else timeout):
                reply = await self.server.dispatch(bot.token, method.__api_method__, params)
        except TimeoutError as exc:
            raise TelegramNetworkError(method=method, message="Request timeout error") from exc
        if reply.lost:
            raise TelegramNetworkError(
                method=method, message="ServerDisconnectedError: Server disconnected"
            )
        response = self.check_response(
            bot=bot, method=method, status_code=reply.status, content=reply.body
        )
        return cast(TelegramType, response.result)

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        raise NotImplementedError("InProcessSession does not download files")
        yield b""  # pragma: no cover - makes this an async generator like the base method

    async def close(self) -> None:
        """Nothing to release: there is no connection."""
