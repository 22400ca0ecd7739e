"""Tools offered in answers: which backends take them, and one answer's tool loop.

Kept apart from servers.py so that importing it does not load the MCP SDK: the conversation
only needs a `ToolRunner` (ToolServers is one) and the backend.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator, AsyncIterator, Mapping, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any

from bot.plan import Note
from bot.providers.base import Backend, ChatBackend, Chunk, Messages
from bot.providers.chain import FailoverChain
from bot.providers.openai import OpenAI
from bot.reasoning import split_thinking
from bot.tools.loop import StreamRequest, ToolLimits, ToolLoop, ToolRunner


def with_tools(backend: ChatBackend, tools: Sequence[Mapping[str, Any]] | None) -> ChatBackend:
    """`backend` sending `tools` in its requests; backends without tool calling (Cromicle, in
    a failover chain) are left as they are, so a fallback answers without tools."""
    if not tools:
        return backend
    if isinstance(backend, FailoverChain):
        inner = [with_tools(b, tools) for b in backend.backends]
        return FailoverChain(inner, retries=backend.retries, backoff=backend.backoff)
    if isinstance(backend, Backend) and backend.provider is OpenAI:
        return dataclasses.replace(backend, options={**backend.options, "tools": list(tools)})
    wrapped: ChatBackend | None = getattr(backend, "inner", None)
    if dataclasses.is_dataclass(backend) and wrapped is not None:
        # A wrapper around one backend (bot/accounting.py counts requests, asks for usage):
        # the tools go to the backend inside it.
        return dataclasses.replace(backend, inner=with_tools(wrapped, tools))
    return backend


def requests(backend: ChatBackend) -> StreamRequest:
    """The loop's `stream(messages, tools)`: one backend request, its inline thinking split
    out per request (each turn of a reasoning model starts with its own `<think>`)."""

    async def stream(
        messages: Messages, tools: Sequence[Mapping[str, Any]] | None
    ) -> AsyncIterator[Chunk]:
        chunks: AsyncGenerator[Chunk | Note, None] = with_tools(backend, tools).stream(messages)
        async with aclosing(split_thinking(chunks)) as split:
            async for chunk in split:
                if not isinstance(chunk, Note):  # the backend sends none; for the types
                    yield chunk

    return stream


@dataclass(frozen=True, slots=True)
class ToolOffer:
    """The MCP servers whose tools answers may use, and the limits they obey."""

    servers: ToolRunner
    limits: ToolLimits

    def loop(self, backend: ChatBackend, messages: Messages, *, private: bool) -> ToolLoop:
        """One answer's tool loop over `backend`; `private`: a private chat (servers marked
        `private_only` are left out in groups)."""
        return ToolLoop(
            requests(backend), messages, self.servers, private=private, limits=self.limits
        )
