"""One MCP server's session, kept up: its owner task connects (stdio or streamable HTTP),
lists the tools, holds the session until it is lost, and connects again.

The SDK is built on anyio: a session's task groups must be entered and left by the same task,
and a transport failure cancels the task that entered them. So each server has one owned task
that opens its session (an `AsyncExitStack` holding the transport and the SDK's `Client`), and
callers only send requests on it: a call cancelled by its caller (the stop button, a timeout)
makes the SDK send `notifications/cancelled`, and the session stays up for the next call.

A stdio server that exits is noticed at once (its stdout ends) and started again; an HTTP
server whose connection fails is reconnected. A server that cannot be reached is retried with
growing pauses (Backoff), and a call to it tries once more right away.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import anyio
import httpx2
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from mcp.types import (
    CONNECTION_CLOSED,
    REQUEST_TIMEOUT,
    CallToolResult,
    Implementation,
    Tool,
    ToolListChangedNotification,
)
from pydantic import ValidationError

from bot.tools.calls import ToolResult, failure
from bot.tools.config import HttpServer, ServerConfig, StdioServer, redact, server_secrets
from bot.tools.errors import ServerUnavailable
from bot.tools.events import Outcome
from bot.tools.results import read_result

log = logging.getLogger(__name__)

CLIENT_INFO = Implementation(name="cromicle-telegram-bot", version="0.1.0")
DEFAULT_CONNECT_TIMEOUT = 30.0
"""Seconds to start or reach a server and list its tools (npx-run servers may download first)."""
STABLE_UPTIME = 10.0
"""A session that lasted less than this before it was lost counts as a failed attempt, so a
server that dies right after starting is retried with pauses, not in a tight loop."""
CLOSE_TIMEOUT = 15.0
"""Seconds close() waits for a server to stop (the SDK gives a stdio server 2 s after its
stdin closes, then 2 s after SIGTERM before SIGKILL)."""
STDERR_LINES = 20
MAX_PAGES = 100


class State(StrEnum):
    """Where a server's session stands."""

    CONNECTING = "connecting"
    UP = "up"
    DOWN = "down"
    """The last attempt failed; the next one comes after a pause, or with the next call."""
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class ServerStatus:
    """One server as /tools and `python -m bot check` show it (never its env or headers)."""

    name: str
    kind: str
    """`stdio` or `http`."""
    where: str
    """The command (stdio) or the URL without credentials or query (http)."""
    state: State
    tools: tuple[str, ...]
    """The tools offered from it (their MCP names), after the config's `tools` filter."""
    private_only: bool
    error: str = ""
    """Why it is down (or why the last session was lost), in plain words."""
    retry_in: float | None = None
    """Seconds until the next attempt, when down."""
    attempt_seconds: float | None = None
    """How long the last connection attempt took."""

    @property
    def summary(self) -> str:
        """`3 tools`, or why it is not connected: what the start log and `check` say."""
        if self.state is State.UP:
            return f"{len(self.tools)} tool{'' if len(self.tools) == 1 else 's'}"
        return f"not connected: {self.error or 'still connecting'}"

    @property
    def title(self) -> str:
        return f'MCP server "{self.name}" ({self.kind}: {self.where})'


@dataclass(frozen=True, slots=True)
class Backoff:
    """Pauses between attempts to reach a server: `first` seconds, times `factor` after each
    failure, at most `cap`, each varied by ±`jitter` (a fraction) so replicas do not retry in
    step."""

    first: float = 1.0
    factor: float = 2.0
    cap: float = 60.0
    jitter: float = 0.2

    def delay(self, failures: int) -> float:
        base = min(self.cap, self.first * self.factor ** max(0, failures - 1))
        return base * (1 + random.uniform(-self.jitter, self.jitter))


class Connection:
    """One server: its owner task, its session while up, and what /tools says about it.

    `start()` launches the owner task, `close()` stops it (and the server with it);
    `call()` runs one call on the session and returns a ToolResult, whatever happened."""

    def __init__(self, config: ServerConfig, *, connect_timeout: float, backoff: Backoff) -> None:
        self.config = config
        self.state = State.CONNECTING
        self.error = ""
        self.tools: tuple[Tool, ...] = ()
        self.announced = False
        self._connect_timeout = connect_timeout
        self._backoff = backoff
        self._client: Client | None = None
        self._retry_at: float | None = None
        self._closing = False
        self._lost = asyncio.Event()
        self._lost_reason = ""
        self._relist = asyncio.Event()
        self._wake = asyncio.Event()
        self._settled: asyncio.Future[None] | None = None
        self._first = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stderr: deque[str] = deque(maxlen=STDERR_LINES)
        self._http_status: str = ""
        self._up_since: float | None = None
        self._attempt_began = 0.0
        self._attempt_seconds: float | None = None
        self._secrets = server_secrets(config)

    # -- the owner task ---------------------------------------------------------------------

    def start(self) -> None:
        self._settled = asyncio.get_running_loop().create_future()
        self._task = asyncio.create_task(self._run(), name=f"mcp server {self.config.name}")

    async def first_attempt(self) -> None:
        await self._first.wait()

    async def _run(self) -> None:
        failures = 0
        while not self._closing:
            self.state, self._retry_at = State.CONNECTING, None
            self._attempt_began = time.monotonic()
            try:
                await self._session()
                reason = self._lost_reason
            except Exception as exc:  # the boundary: every failure becomes a reason
                if self._closing:
                    break
                reason = self._explain(exc)
            finally:
                self._client = None
            if self._closing:
                break
            up_since, self._up_since = self._up_since, None
            if up_since is None:  # the attempt failed: whoever waits for it learns why
                failures += 1
                self._down(reason, failures, settle=True)
            elif time.monotonic() - up_since >= STABLE_UPTIME:
                failures = 0
                log.warning('MCP server "%s" lost: %s; reconnecting', self.config.name, reason)
                self.error = reason
                continue  # at once: a call is probably waiting for it
            else:  # up only briefly: retried after a pause, or by the next call
                failures += 1
                self._down(reason, failures, settle=False)
            await self._pause(self._backoff.delay(failures))
        self.state = State.CLOSED
        self._settle()

    async def _session(self) -> None:
        """Open the session, list the tools, and hold it until it is lost or closed."""
        self._lost.clear()
        self._lost_reason = ""
        self._up_since = None
        self._stderr.clear()
        self._http_status = ""
        async with AsyncExitStack() as stack:
            async with asyncio.timeout(self._connect_timeout):
                client = await stack.enter_async_context(self._client_for(stack))
                tools = await self._list(client)
            self._up(client, tools)
            while not self._closing:
                await _first_of(self._lost, self._relist)
                if self._lost.is_set():
                    break
                self._relist.clear()
                async with asyncio.timeout(self._connect_timeout):
                    self.tools = await self._list(client)
                count = len(self.tools)
                log.info('MCP server "%s": tools changed, %d now', self.config.name, count)

    def _client_for(self, stack: AsyncExitStack) -> Client:
        transport = self.config.transport
        if isinstance(transport, StdioServer):
            opened = self._stdio(transport)
        else:
            opened = self._http(transport, stack)
        return Client(
            opened,
            client_info=CLIENT_INFO,
            cache=None,  # the tools are listed once per session and on list_changed
            message_handler=self._on_message,
        )

    @asynccontextmanager
    async def _stdio(self, transport: StdioServer) -> AsyncIterator[Any]:
        """The SDK's stdio transport, with the server's stderr read into the log (DEBUG) and
        kept for the reason it stopped, and its stdout's end reported as the server exiting."""
        read_fd, write_fd = os.pipe()
        errlog = os.fdopen(write_fd, "w", encoding="utf-8", errors="replace")
        reader = asyncio.create_task(self._read_stderr(read_fd))
        params = StdioServerParameters(
            command=transport.command,
            args=list(transport.args),
            env=dict(transport.env) or None,
            cwd=transport.cwd,
        )
        try:
            async with stdio_client(params, errlog=errlog) as (read, write):
                errlog.close()  # the server holds its own copy: its exit ends the pipe
                yield _Watched(read, self._exited), write
        finally:
            errlog.close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(reader), 1.0)
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    def _http(self, transport: HttpServer, stack: AsyncExitStack) -> Any:
        http = httpx2.AsyncClient(
            headers=dict(transport.headers),
            timeout=httpx2.Timeout(30.0, read=300.0),
            event_hooks={"response": [self._saw_response]},
        )
        stack.push_async_callback(http.aclose)
        return streamable_http_client(transport.url, http_client=http)

    async def _saw_response(self, response: httpx2.Response) -> None:
        """Keep the HTTP status of a failed request: the SDK reports it without the status."""
        if response.status_code >= 400:
            self._http_status = f"HTTP {response.status_code}"

    async def _read_stderr(self, fd: int) -> None:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        pipe = os.fdopen(fd, "rb", buffering=0)
        transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), pipe
        )
        pending = b""
        try:
            while chunk := await reader.read(4096):
                *lines, pending = (pending + chunk).split(b"\n")
                pending = pending[-2000:]
                for line in lines:
                    self._stderr_line(line)
            self._stderr_line(pending)
        finally:
            transport.close()

    def _stderr_line(self, raw: bytes) -> None:
        text = raw.decode(errors="replace").strip()
        if text:
            self._stderr.append(text[:500])
            log.debug('MCP server "%s" stderr: %s', self.config.name, text)

    async def _list(self, client: Client) -> tuple[Tool, ...]:
        listed: list[Tool] = []
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            page = await client.list_tools(cursor=cursor)
            listed += page.tools
            cursor = page.next_cursor
            if cursor is None:
                break
        wanted = self.config.tools
        if wanted is None:
            return tuple(listed)
        missing = sorted(wanted - {tool.name for tool in listed})
        if missing and not self.announced:
            log.warning(
                'MCP server "%s": `tools` names %s, which the server does not list',
                self.config.name,
                ", ".join(missing),
            )
        return tuple(tool for tool in listed if tool.name in wanted)

    async def _on_message(self, message: Any) -> None:
        if isinstance(message, ToolListChangedNotification):
            self._relist.set()

    def _up(self, client: Client, tools: tuple[Tool, ...]) -> None:
        self._client, self.tools = client, tools
        self.state, self.error, self._up_since = State.UP, "", time.monotonic()
        if self.announced:
            log.info('MCP server "%s": connected, %d tools', self.config.name, len(tools))
        self._settle()

    def _down(self, reason: str, failures: int, *, settle: bool) -> None:
        """Down after a failure. `settle`: the failure was a connection attempt, so callers
        waiting for it learn it failed; a lost session is not an attempt (waiters keep waiting
        for the next one)."""
        news = self.announced and (failures == 1 or reason != self.error)
        self.state, self.error = State.DOWN, reason
        if settle:
            self._settle()
        if news:
            log.warning('MCP server "%s": not connected: %s', self.config.name, reason)
        else:
            log.debug('MCP server "%s": attempt %d failed: %s', self.config.name, failures, reason)

    async def _pause(self, seconds: float) -> None:
        self._retry_at = time.monotonic() + seconds
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wake.wait()

    def _settle(self) -> None:
        """Tell whoever waits for the current attempt that it ended (up, down or closed)."""
        self._attempt_seconds = time.monotonic() - self._attempt_began
        self._first.set()
        settled, self._settled = self._settled, asyncio.get_running_loop().create_future()
        if settled is not None and not settled.done():
            settled.set_result(None)

    def _exited(self) -> None:
        if not self._lost.is_set() and not self._closing:
            self.lose("the server exited")

    def lose(self, reason: str) -> None:
        """The session is broken: drop it and open a new one."""
        if self.state is State.UP:
            self.state = State.CONNECTING
        if not self._lost.is_set():
            self._lost_reason = redact(reason, self._secrets)
            self._lost.set()

    def _explain(self, exc: BaseException) -> str:
        leaf = _leaf(exc)
        transport = self.config.transport
        if isinstance(leaf, TimeoutError | asyncio.TimeoutError):
            reason = f"no answer within {self._connect_timeout:g} s"
        elif isinstance(leaf, FileNotFoundError) and isinstance(transport, StdioServer):
            reason = f"cannot start {transport.command!r}: no such program"
        elif isinstance(leaf, PermissionError) and isinstance(transport, StdioServer):
            reason = f"cannot start {transport.command!r}: permission denied"
        elif isinstance(leaf, httpx2.TimeoutException):
            reason = f"no answer from {transport.where} in time"
        elif isinstance(leaf, httpx2.HTTPError):
            cause = leaf.__cause__ or leaf
            reason = f"cannot connect to {transport.where}: {_plain(cause)}"
        elif isinstance(leaf, MCPError):
            what = leaf.message
            if what == "Connection closed" and isinstance(transport, StdioServer):
                what = "the server exited"
            reason = f"{self._http_status}: {what}" if self._http_status else what
        elif isinstance(leaf, OSError):
            reason = leaf.strerror or str(leaf)
        else:
            reason = f"{type(leaf).__name__}: {leaf}"
        if self._stderr and isinstance(transport, StdioServer):
            reason += f" (its last words: {self._stderr[-1][:200]})"
        return redact(reason, self._secrets)

    async def close(self) -> None:
        self._closing = True
        self._lost.set()
        self._wake.set()
        task = self._task
        if task is None:
            self.state = State.CLOSED
            return
        if self.state is State.CONNECTING and self._client is None:
            task.cancel()  # stuck in a connect: the SDK cleans up on cancellation
        done, _ = await asyncio.wait({task}, timeout=CLOSE_TIMEOUT)
        if not done:
            log.warning('MCP server "%s" did not stop in %g s', self.config.name, CLOSE_TIMEOUT)
            task.cancel()
        elif not task.cancelled() and task.exception() is not None:
            log.warning('MCP server "%s" stopped badly: %r', self.config.name, task.exception())

    # -- what callers use -------------------------------------------------------------------

    def offered(self) -> bool:
        """Whether its tools are offered: up, or reconnecting after a lost session."""
        return self.state is State.UP or (self.state is State.CONNECTING and bool(self.tools))

    def status(self) -> ServerStatus:
        transport = self.config.transport
        retry = None
        if self.state is State.DOWN and self._retry_at is not None:
            retry = max(0.0, self._retry_at - time.monotonic())
        return ServerStatus(
            name=self.config.name,
            kind=transport.kind,
            where=transport.command if isinstance(transport, StdioServer) else transport.where,
            state=self.state,
            tools=tuple(tool.name for tool in self.tools) if self.offered() else (),
            private_only=self.config.private_only,
            error=self.error,
            retry_in=retry,
            attempt_seconds=self._attempt_seconds,
        )

    async def session(self) -> Client:
        """The session, once up: waits for a connection under way, and makes a server that is
        down try again now; raises ServerUnavailable when that fails."""
        if self.state is State.UP and self._client is not None:
            return self._client
        if self.state is State.CLOSED or self._settled is None:
            raise ServerUnavailable("the bot is shutting down")
        if self.state is State.DOWN:
            self._wake.set()
        settled = self._settled
        await asyncio.wait({settled})
        if self.state is State.UP and self._client is not None:
            return self._client
        raise ServerUnavailable(self.error or "it is not connected")

    async def call(self, tool: str, arguments: dict[str, Any], limit: float) -> ToolResult:
        name = self.config.name
        try:
            async with asyncio.timeout(limit):
                client = await self.session()
                # Cancelled at the deadline, the SDK tells the server to stop (it is the same
                # courtesy notification as for a read timeout of its own).
                result: CallToolResult = await client.call_tool(tool, arguments)
        except TimeoutError:
            return _timed_out(limit)
        except ServerUnavailable as exc:
            return failure(Outcome.UNAVAILABLE, f"the MCP server {name!r} is down: {exc}")
        except MCPError as exc:
            if exc.code == REQUEST_TIMEOUT:
                return _timed_out(limit)
            if exc.code == CONNECTION_CLOSED or exc.message == "Session terminated":
                self.lose("the connection closed during a call")
                return failure(
                    Outcome.UNAVAILABLE,
                    f"the MCP server {name!r} stopped during the call; it is being restarted",
                )
            return failure(Outcome.FAILED, f"the MCP server {name!r} refused the call: {exc}")
        except ValidationError as exc:
            first = exc.errors()[0] if exc.errors() else {"msg": str(exc)}
            return failure(
                Outcome.INVALID_RESULT,
                f"the tool's answer is not a valid MCP result ({exc.error_count()} problems, "
                f"first: {first['msg']})",
            )
        except RuntimeError as exc:  # the SDK's output-schema check
            return failure(Outcome.INVALID_RESULT, f"the tool's answer is not valid: {exc}")
        except (httpx2.HTTPError, OSError) as exc:
            self.lose(_plain(exc))
            return failure(Outcome.UNAVAILABLE, f"the MCP server {name!r} failed: {_plain(exc)}")
        return read_result(result)


def _timed_out(limit: float) -> ToolResult:
    return failure(
        Outcome.TIMED_OUT, f"the tool did not answer within {limit:g} s, so the call was cancelled"
    )


class _Watched:
    """A transport's read stream that reports its end (a stdio server that exited) at once,
    instead of when the next call finds the connection closed."""

    def __init__(self, inner: Any, on_end: Callable[[], None]) -> None:
        self._inner = inner
        self._on_end = on_end

    @property
    def last_context(self) -> Any:
        return getattr(self._inner, "last_context", None)

    async def receive(self) -> Any:
        try:
            return await self._inner.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            self._on_end()
            raise

    async def aclose(self) -> None:
        await self._inner.aclose()

    def __aiter__(self) -> _Watched:
        return self

    async def __anext__(self) -> Any:
        try:
            return await self.receive()
        except anyio.EndOfStream:
            raise StopAsyncIteration from None

    async def __aenter__(self) -> _Watched:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


async def _first_of(*events: asyncio.Event) -> None:
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


def _leaves(exc: BaseException) -> Iterator[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            yield from _leaves(inner)
    else:
        yield exc


def _leaf(exc: BaseException) -> BaseException:
    """The error that explains a failure (anyio wraps them in groups, beside cancellations)."""
    leaves = [leaf for leaf in _leaves(exc) if not isinstance(leaf, asyncio.CancelledError)]
    return leaves[0] if leaves else exc


def _plain(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split())[:200]
