"""The MCP servers of MCP_CONFIG, connected, and the tools they offer the model: one
Connection per server (connection.py), the names the model calls them by, and the calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import replace
from types import TracebackType
from typing import Any, Self

from bot.tools.calls import ToolResult, failure, parse_arguments
from bot.tools.config import McpConfig
from bot.tools.connection import (
    DEFAULT_CONNECT_TIMEOUT,
    Backoff,
    Connection,
    ServerStatus,
    State,
)
from bot.tools.errors import ArgumentsError
from bot.tools.events import Outcome
from bot.tools.specs import ToolSpec, openai_name

__all__ = ["Backoff", "ServerStatus", "State", "ToolServers"]

log = logging.getLogger(__name__)


class ToolServers:
    """Every configured MCP server, connected, and the tools they offer.

    `start()` connects to all at once and logs one line per server; `close()` stops them
    (no subprocess left behind). `tools(private)` is what the model may call in a private chat
    or a group; `call()` runs one call and always returns a ToolResult, whatever happened."""

    def __init__(
        self,
        config: McpConfig | None,
        *,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        backoff: Backoff | None = None,
    ) -> None:
        pauses = backoff or Backoff()
        self._servers = {
            server.name: Connection(server, connect_timeout=connect_timeout, backoff=pauses)
            for server in (config.servers if config is not None else ())
        }
        self._connect_timeout = connect_timeout
        self._names: dict[tuple[str, str], str] = {}
        self._targets: dict[str, tuple[str, str]] = {}

    async def start(self) -> None:
        """Connect to every server (in parallel), and log one line per server: its tools, or why
        it is not connected. A server that fails is retried in the background."""
        for server in self._servers.values():
            server.start()
        if not self._servers:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._connect_timeout + 5):
                await asyncio.gather(*(s.first_attempt() for s in self._servers.values()))
        self._assign()
        for server in self._servers.values():
            status = server.status()
            if status.state is State.UP:
                log.info("%s: %s", status.title, status.summary)
            else:
                log.warning("%s: %s; retrying in the background", status.title, status.summary)
            server.announced = True

    async def close(self) -> None:
        """Stop every server and wait for them to be gone."""
        await asyncio.gather(*(server.close() for server in self._servers.values()))

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def tools(self, private: bool) -> list[ToolSpec]:
        """The tools a chat may use now: those of servers that are up (or being restarted after
        a lost session), without `private_only` servers in groups; config order."""
        self._assign()
        specs = []
        for server in self._servers.values():
            if not server.offered() or (server.config.private_only and not private):
                continue
            for tool in server.tools:
                name = self._names[(server.config.name, tool.name)]
                description = tool.description or tool.title or ""
                schema = tool.input_schema or {}
                specs.append(ToolSpec(name, server.config.name, tool.name, description, schema))
        return specs

    def status(self, private: bool | None = None) -> list[ServerStatus]:
        """Every server (only those a private chat or a group may use, when `private` is
        given), in the config's order."""
        return [
            server.status()
            for server in self._servers.values()
            if private is None or private or not server.config.private_only
        ]

    async def call(
        self,
        name: str,
        arguments: str | Mapping[str, Any],
        *,
        timeout: float,  # noqa: ASYNC109 (a default: the server's own `timeout` wins; enforced inside)
        private: bool = True,
    ) -> ToolResult:
        """Run the tool the model calls `name` with `arguments` (the model's JSON text, or an
        object); never raises but CancelledError. `timeout` is TOOL_TIMEOUT in seconds; a
        server's own `timeout` wins. The result's text is not capped yet."""
        started = time.monotonic()
        self._assign()
        target = self._targets.get(name)
        server = self._servers.get(target[0]) if target is not None else None
        known = {tool.name: tool for tool in server.tools} if server is not None else {}
        if server is None or target is None or target[1] not in known:
            return self._unknown(name, private)
        if server.config.private_only and not private:
            reason = f"the tool {name!r} is not available in group chats"
            return failure(Outcome.UNKNOWN_TOOL, reason)
        text = arguments if isinstance(arguments, str) else json.dumps(dict(arguments))
        try:
            values = parse_arguments(text, known[target[1]].input_schema)
        except ArgumentsError as exc:
            return failure(Outcome.INVALID_ARGUMENTS, str(exc))
        limit = server.config.timeout or timeout
        result = await server.call(target[1], values, limit)
        return replace(result, seconds=time.monotonic() - started)

    def _unknown(self, name: str, private: bool) -> ToolResult:
        listed = ", ".join(spec.name for spec in self.tools(private)) or "none"
        reason = f"there is no tool named {name!r}; the tools are: {listed}"
        return failure(Outcome.UNKNOWN_TOOL, reason)

    def _assign(self) -> None:
        """Give every tool seen so far its OpenAI name, once: servers in config order, so the
        first server listing a name keeps it, and a name never changes while the bot runs."""
        for server in self._servers.values():
            for tool in server.tools:
                key = (server.config.name, tool.name)
                if key not in self._names:
                    name = openai_name(key[0], key[1], self._targets)
                    self._names[key] = name
                    self._targets[name] = key
