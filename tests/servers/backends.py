"""Scripted local stand-ins for the Cromicle and OpenAI-compatible backends.

End-to-end tests and the benchmark drive the real providers against these over real TCP on
127.0.0.1, so chunking, stalls, dropped connections and error answers are exercised exactly as
the network delivers them, without the real services. Each request is answered by a `Script`.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import json
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace, TracebackType
from typing import Any, ClassVar, Self

import aiohttp
from aiohttp import web

HOST = "127.0.0.1"
ECHO_PREFIX = "Echo: "


@dataclass
class Script:
    """How the server answers one request.

    The stream is played as positions 0..len(chunks): at each position the server pauses
    (`first_delay` before position 0, `delay` between chunks), awaits `gate(position)` if set,
    then stalls or drops if `stall_after`/`drop_after` equals the position, else sends the chunk
    (or, at the last position, ends the stream).
    """

    chunks: Sequence[bytes | str] = field(default_factory=list)
    """Body pieces, each written and flushed separately (str is encoded UTF-8). For OpenAI a str
    becomes one chunk event; bytes are written raw into the event stream (for SSE edge cases)."""
    delay: float = 0.0
    """Seconds between chunks."""
    first_delay: float = 0.0
    """Seconds before the first chunk (headers are already sent)."""
    status: int = 200
    """Non-2xx: answer `error_body` with that status instead of a stream."""
    error_body: str = ""
    stall_after: int | None = None
    """After this many chunks stop sending and hold the connection open until close()."""
    drop_after: int | None = None
    """After this many chunks close the connection without finishing the chunked body."""
    sse_error: str | None = None
    """OpenAI only: after the chunks send an `{"error": {...}}` event instead of finishing."""
    sse_error_type: str = "server_error"
    """OpenAI only: the `type` of the `sse_error` event."""
    error_json: bool = True
    """OpenAI only: wrap `error_body` as `{"error": {"message": ...}}`; False sends it raw."""
    data_lines: bool = False
    """OpenAI only: spread each event's JSON over several `data:` lines (joined by newlines)."""
    newline: str = "\n"
    """OpenAI only: the line ending of the event stream ("\\n", "\\r\\n" or "\\r")."""
    split_writes: int | None = None
    """Write every piece in slices of this many bytes, each flushed separately."""
    split_delay: float = 0.0
    """Seconds between those slices, so the client reads them one by one."""
    hold_open: bool = False
    """After the stream ended (OpenAI: after `[DONE]`), keep the connection open until close()."""
    gate: Callable[[int], Awaitable[None]] | None = None
    """Awaited before acting at each position; keeps the server in lock step with a consumer."""
    content_type: str | None = None
    """Override the stream's Content-Type (say, text/html for an error page sent with 200)."""
    reasoning: Sequence[str] = ()
    """OpenAI only: thinking deltas sent before the chunks, in the field `reasoning_field`."""
    reasoning_field: str = "reasoning_content"
    finish_reason: str = "stop"
    """OpenAI only: the finish_reason of the last event ("length" for a token-limit cut)."""
    done: bool = True
    """OpenAI only: send `data: [DONE]` after the finish event (False: nothing after it)."""


ScriptSource = Script | Callable[[dict[str, Any]], Script] | None


@dataclass
class RecordedRequest:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]
    """Header names lower-cased."""
    json: Any
    """The parsed JSON body, or None when it was not JSON."""
    time: float
    """Arrival, by the event loop clock (`asyncio.get_running_loop().time()`)."""
    sent: int = 0
    """Chunks written so far."""
    chunk_times: list[float] = field(default_factory=list)
    """When each chunk was written, by the event loop clock (the benchmark's latency base)."""


def echo_answer(text: str) -> str:
    """The default answer, so tests can predict what an unscripted request streams back."""
    return ECHO_PREFIX + text


def echo_chunks(answer: str, pieces: int = 3) -> list[str]:
    """Split `answer` into up to `pieces` deterministic chunks, so the default answer streams."""
    size = max(1, -(-len(answer) // pieces))
    return [answer[i : i + size] for i in range(0, len(answer), size)] or [""]


def _slices(data: bytes, size: int | None) -> Iterator[bytes]:
    if not size or size >= len(data):
        yield data
        return
    for start in range(0, len(data), size):
        yield data[start : start + size]


class Lockstep:
    """Gate a `Script` on what a consumer has received, so ordering is tested without sleeps.

    Use `Script(..., gate=lock.gate)` and call `lock.received(text)` for every yield: the server
    only acts at position i once the consumer has seen the text of the first i chunks.
    """

    def __init__(self, chunks: Sequence[str]) -> None:
        self.chunks = list(chunks)
        self.texts: list[str] = []
        self._changed = asyncio.Event()

    def received(self, chunk: object) -> None:
        """Record one yield of text (finish reasons are not text) and wake the server's gate."""
        if isinstance(chunk, str):
            self.texts.append(chunk)
            self._changed.set()

    async def gate(self, position: int) -> None:
        """Hold the server at `position` until the consumer has the text of the chunks before."""
        expected = "".join(self.chunks[:position])
        while not "".join(self.texts).startswith(expected):
            self._changed.clear()
            await self._changed.wait()


class MockResponse(aiohttp.ClientResponse):
    """Pass as `response_class=` to aioresponses mocks: aioresponses 0.7.9 does not give
    aiohttp 3.14's new required `stream_writer` argument (pnuckowski/aioresponses#289)."""

    def __init__(self, method: str, url: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stream_writer", SimpleNamespace(output_size=0))
        super().__init__(method, url, **kwargs)


class _FakeBackend:
    """Server plumbing shared by both fakes: scripts, recording, waiting, clean shutdown."""

    route: ClassVar[str] = ""
    prefix: ClassVar[str] = ""
    content_type: ClassVar[str] = "text/plain; charset=utf-8"

    def __init__(self, script: ScriptSource = None) -> None:
        self.script: ScriptSource = script
        self.scripts: collections.deque[Script] = collections.deque()
        self.requests: list[RecordedRequest] = []
        self.active = 0
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()
        self._change = asyncio.Event()

    # lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1 and set `url`."""
        app = web.Application()
        app.router.add_post(self.route, self._handle)
        self.add_routes(app)
        runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=2.0, handler_cancellation=True
        )
        await runner.setup()
        site = web.TCPSite(runner, HOST, 0)
        await site.start()
        self._runner = runner
        port = runner.addresses[0][1]
        self.url = f"http://{HOST}:{port}{self.prefix}"

    async def close(self) -> None:
        """Stop listening; stalled or slow streams are cut off at once, never waited for."""
        self._closing.set()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def add_routes(self, app: web.Application) -> None:
        """Endpoints a server has besides its chat route (none by default)."""

    # scripting -------------------------------------------------------------------------------

    def push(self, *scripts: Script) -> None:
        """Queue scripts for the next requests, one each, before the default applies."""
        self.scripts.extend(scripts)

    def set_default(self, script: ScriptSource) -> None:
        """Answer requests with `script` once the queue is empty (None: the echo answer)."""
        self.script = script

    def _next_script(self, body: dict[str, Any]) -> Script:
        if self.scripts:
            return self.scripts.popleft()
        if isinstance(self.script, Script):
            return self.script
        if self.script is not None:
            return self.script(body)
        return Script(chunks=list(echo_chunks(echo_answer(self.prompt(body)))))

    # waiting ---------------------------------------------------------------------------------

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 10) -> None:
        """Wait until `predicate()` holds; it is re-checked whenever a request changes state."""
        try:
            async with asyncio.timeout(timeout):
                while not predicate():
                    event = self._change
                    await event.wait()
        except TimeoutError:
            raise TimeoutError(
                f"condition not met within {timeout} s: {len(self.requests)} requests,"
                f" {self.active} streaming"
            ) from None

    async def wait_for_requests(self, n: int, timeout: float = 10) -> None:
        """Wait until at least `n` requests have arrived."""
        await self.wait_until(lambda: len(self.requests) >= n, timeout)

    async def wait_for_active(self, n: int, timeout: float = 10) -> None:
        """Wait until exactly `n` requests are streaming (e.g. 1 once a stream is open)."""
        await self.wait_until(lambda: self.active == n, timeout)

    def _changed(self) -> None:
        event, self._change = self._change, asyncio.Event()
        event.set()

    # serving ---------------------------------------------------------------------------------

    def prompt(self, body: dict[str, Any]) -> str:
        """The text the echo answer repeats."""
        raise NotImplementedError

    def problem(self, body: Any) -> str | None:
        """Why a request is malformed (answered 400), or None."""
        raise NotImplementedError

    def error_response(self, script: Script) -> web.Response:
        """The non-2xx answer; each protocol words its errors its own way."""
        return web.Response(status=script.status, text=script.error_body)

    def prologue(self, script: Script, body: dict[str, Any]) -> list[bytes]:
        """Bytes sent before the first chunk (protocol framing, not counted as chunks)."""
        return []

    def encode_chunk(self, chunk: bytes | str, script: Script, body: dict[str, Any]) -> bytes:
        """The bytes one script chunk becomes on the wire."""
        return chunk if isinstance(chunk, bytes) else chunk.encode()

    def epilogue(self, script: Script, body: dict[str, Any]) -> list[bytes]:
        """Bytes that end a stream that was neither stalled nor dropped."""
        return []

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        record = RecordedRequest(
            path=request.path,
            headers={name.lower(): value for name, value in request.headers.items()},
            json=body,
            time=asyncio.get_running_loop().time(),
        )
        self.requests.append(record)
        self._changed()
        problem = self.problem(body)
        if problem is not None:
            return self.error_response(Script(status=400, error_body=problem))
        script = self._next_script(body)
        if not 200 <= script.status < 300:
            return self.error_response(script)
        content_type = script.content_type or self.content_type
        response = web.StreamResponse(
            status=script.status,
            headers={"content-type": content_type, "cache-control": "no-cache"},
        )
        await response.prepare(request)
        self.active += 1
        self._changed()
        try:
            await self._play(request, response, script, body, record)
        except ConnectionError:
            pass  # the client went away; nothing left to send
        finally:
            self.active -= 1
            self._changed()
        return response

    async def _play(
        self,
        request: web.Request,
        response: web.StreamResponse,
        script: Script,
        body: dict[str, Any],
        record: RecordedRequest,
    ) -> None:
        for piece in self.prologue(script, body):
            await self._write(response, piece, script)
        count = len(script.chunks)
        for position in range(count + 1):
            pause = script.first_delay if position == 0 else script.delay
            if position == count and position:
                pause = 0.0
            if pause > 0 and not await self._unless_closing(asyncio.sleep(pause)):
                self._cut(request)
                return
            if script.gate is not None and not await self._unless_closing(script.gate(position)):
                self._cut(request)
                return
            if position == script.stall_after:
                await self._closing.wait()
                self._cut(request)
                return
            if position == script.drop_after:
                self._cut(request)
                return
            if position == count:
                break
            chunk = self.encode_chunk(script.chunks[position], script, body)
            await self._write(response, chunk, script)
            record.sent += 1
            record.chunk_times.append(asyncio.get_running_loop().time())
            self._changed()
        for piece in self.epilogue(script, body):
            await self._write(response, piece, script)
        if script.hold_open:
            await self._closing.wait()
            self._cut(request)

    async def _write(self, response: web.StreamResponse, data: bytes, script: Script) -> None:
        for index, piece in enumerate(_slices(data, script.split_writes)):
            if index and script.split_delay > 0:
                await asyncio.sleep(script.split_delay)
            await response.write(piece)

    def _cut(self, request: web.Request) -> None:
        """Close the connection mid-body: written bytes still go out, the chunked end never."""
        if request.transport is not None:
            request.transport.close()

    async def _unless_closing(self, awaitable: Awaitable[object]) -> bool:
        """Await `awaitable` unless close() comes first; False when the server is closing."""
        work = asyncio.ensure_future(awaitable)
        closing = asyncio.ensure_future(self._closing.wait())
        try:
            await asyncio.wait({work, closing}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (work, closing):
                if not task.done():
                    task.cancel()
            await asyncio.gather(work, closing, return_exceptions=True)
        return work.done() and not work.cancelled() and not self._closing.is_set()


class FakeCromicle(_FakeBackend):
    """A Cromicle server: POST {url}/chat with message/token/hash, streamed plain text back."""

    route = "/chat"

    def prompt(self, body: dict[str, Any]) -> str:
        return str(body.get("message", ""))

    def problem(self, body: Any) -> str | None:
        if not isinstance(body, dict) or not isinstance(body.get("message"), str):
            return "bad request: expected JSON with a message"
        expected = hashlib.sha256(b"abc" + body["message"].encode()).hexdigest()
        if body.get("token") != "abc" or body.get("hash") != expected:
            return "bad request: token or hash does not match"
        return None


class FakeOpenAI(_FakeBackend):
    """An OpenAI-compatible server: POST {url}/chat/completions, answered as server-sent events.

    A stream is: a role event, a `: keep-alive` comment, one chunk event per script chunk, then
    a finish_reason "stop" event and `data: [DONE]` (or the `sse_error` event instead).
    """

    route = "/v1/chat/completions"
    prefix = "/v1"
    content_type = "text/event-stream; charset=utf-8"
    model_lists = 0
    """How many times `GET /v1/models` was asked."""

    def add_routes(self, app: web.Application) -> None:
        """`GET /v1/models`, which every OpenAI-compatible server answers (the bot probes it)."""
        app.router.add_get(f"{self.prefix}/models", self._models)

    async def _models(self, request: web.Request) -> web.Response:
        self.model_lists += 1
        model = {"id": "fake-model", "object": "model", "owned_by": "tests"}
        return web.json_response({"object": "list", "data": [model]})

    def prompt(self, body: dict[str, Any]) -> str:
        for message in reversed(body.get("messages") or []):
            if isinstance(message, dict) and message.get("role") == "user":
                return str(message.get("content", ""))
        return ""

    def problem(self, body: Any) -> str | None:
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return "expected a JSON body with a messages list"
        if not body.get("model"):
            return "you must provide a model parameter"
        return None

    def error_response(self, script: Script) -> web.Response:
        if not script.error_json:
            return web.Response(status=script.status, text=script.error_body)
        kinds = {
            400: "invalid_request_error",
            401: "invalid_api_key",
            404: "model_not_found",
            429: "rate_limit_exceeded",
        }
        kind = kinds.get(script.status, "server_error")
        error = {"message": script.error_body, "type": kind, "param": None, "code": kind}
        return web.json_response({"error": error}, status=script.status)

    def _event(self, payload: Any, script: Script) -> bytes:
        newline = script.newline
        if script.data_lines and isinstance(payload, dict):
            lines = json.dumps(payload, ensure_ascii=False, indent=1).split("\n")
        else:
            lines = [payload if isinstance(payload, str) else _compact(payload)]
        return ("".join(f"data: {line}{newline}" for line in lines) + newline).encode()

    def _chunk(self, body: dict[str, Any], delta: dict[str, str], finish: str | None) -> Any:
        return {
            "id": f"chatcmpl-fake-{len(self.requests)}",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": body.get("model", ""),
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    def prologue(self, script: Script, body: dict[str, Any]) -> list[bytes]:
        role = self._event(self._chunk(body, {"role": "assistant"}, None), script)
        keep_alive = f": keep-alive{script.newline}{script.newline}".encode()
        thoughts = [
            self._event(self._chunk(body, {script.reasoning_field: piece}, None), script)
            for piece in script.reasoning
        ]
        return [role, keep_alive, *thoughts]

    def encode_chunk(self, chunk: bytes | str, script: Script, body: dict[str, Any]) -> bytes:
        if isinstance(chunk, bytes):
            return chunk
        return self._event(self._chunk(body, {"content": chunk}, None), script)

    def epilogue(self, script: Script, body: dict[str, Any]) -> list[bytes]:
        if script.sse_error is not None:
            error = {"message": script.sse_error, "type": script.sse_error_type, "code": None}
            return [self._event({"error": error}, script)]
        finish = self._event(self._chunk(body, {}, script.finish_reason), script)
        return [finish, self._event("[DONE]", script)] if script.done else [finish]


def _compact(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
