"""The provider interface every streaming backend implements, and the errors they raise.

The shape follows g4f (`AsyncGeneratorProvider.create_async_generator`), so a provider written
for g4f reads the same here; `Backend` binds a provider to the bot's settings and session.
"""

from __future__ import annotations

import asyncio
import codecs
import errno
import re
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import aiohttp

from bot.webpages import page_title

Message = Mapping[str, Any]
"""One chat turn: `{"role": "user" | "assistant" | "system", "content": "..."}`; a user turn
with pictures has OpenAI content parts (`[{"type": "text", ...}, {"type": "image_url", ...}]`)
as its content."""
Messages = Sequence[Message]


@dataclass(frozen=True, slots=True)
class Reasoning:
    """A piece of the model's thinking (`reasoning_content`, or text inside `<think>`), as g4f
    yields it beside the answer's text; shown collapsed, never part of the answer."""

    text: str


@dataclass(frozen=True, slots=True)
class FinishReason:
    """Why the model stopped (`stop`, `length`, `content_filter`...), as g4f yields it."""

    reason: str


@dataclass(frozen=True, slots=True)
class ThinkingClosed:
    """A `</think>` closed a block that the chat template opened in the prompt (DeepSeek-R1
    style): all the answer text streamed before it was the model's thinking."""


@dataclass(frozen=True, slots=True)
class ToolCallDelta:
    """A piece of a tool call as an OpenAI-compatible stream sends it (`delta.tool_calls[i]`):
    calls are told apart by `index`; `id` and `name` usually come only in the first piece,
    `arguments` is a JSON string split across many pieces."""

    index: int
    id: str | None = None
    name: str | None = None
    arguments: str = ""


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens one request cost, as the server reported them (`usage`), or estimated from
    characters when it did not (`estimated`)."""

    prompt_tokens: int
    completion_tokens: int
    estimated: bool = False


Chunk = str | Reasoning | FinishReason | ThinkingClosed | ToolCallDelta | Usage
"""What a provider's stream yields: answer text, thinking, the finish reason, the mark that
earlier text was thinking, pieces of tool calls, and the request's token usage."""
AsyncResult = AsyncGenerator[Chunk, None]
"""A provider's stream: an async generator, so whoever stops reading early closes it
(`contextlib.aclosing`) and its HTTP response is released at once."""

DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_IDLE_TIMEOUT = 60.0


class BackendError(Exception):
    """A backend failed; the message says what failed and where, in plain words."""

    reason = "failed"
    retriable = False

    def __init__(self, message: str, *, backend: str = "", url: str = "") -> None:
        super().__init__(message)
        self.backend = backend
        self.url = url


class BackendUnavailable(BackendError):
    """Connection refused, DNS failure, dropped connection or a 5xx answer."""

    reason = "unavailable"
    retriable = True


class BackendRejected(BackendError):
    """The backend answered 4xx (bad key, bad request, unknown model)."""

    reason = "rejected"


class BackendMisconfigured(BackendRejected):
    """The backend refuses the bot's own configuration (HTTP 401/403: the key; an unknown
    model; 404: the address): no retry can pass until the operator changes `setting`."""

    reason = "misconfigured"

    def __init__(self, message: str, *, setting: str, backend: str = "", url: str = "") -> None:
        super().__init__(message, backend=backend, url=url)
        self.setting = setting


class BackendEmpty(BackendError):
    """The backend answered, but with no text at all."""

    reason = "empty"


class BackendTimeout(BackendError):
    """No connection, or no chunk, within the configured time."""

    reason = "timeout"
    retriable = True


def format_prompt(messages: Messages, add_special_tokens: bool = False) -> str:
    """g4f's prompt format: one message is sent as is, several as `Role: content` lines."""
    if not add_special_tokens and len(messages) <= 1:
        return turn_text(messages[0]) if messages else ""
    lines = [f"{message['role'].capitalize()}: {turn_text(message)}" for message in messages]
    return "\n".join(lines) + "\nAssistant:"


def turn_text(message: Message) -> str:
    """A turn's text; a text-only protocol gets the text parts of content parts."""
    content = message["content"]
    if isinstance(content, str):
        return content
    return "\n".join(
        str(part.get("text", ""))
        for part in content
        if isinstance(part, dict) and part.get("type") == "text"
    )


class AsyncGeneratorProvider:
    """Base of every streaming backend: a class whose `create_async_generator` yields text."""

    url: ClassVar[str] = ""
    label: ClassVar[str] = ""
    working: ClassVar[bool] = False
    supports_stream: ClassVar[bool] = True
    supports_message_history: ClassVar[bool] = False
    supports_gpt_35_turbo: ClassVar[bool] = False
    supports_gpt_4: ClassVar[bool] = False
    supports_vision: ClassVar[bool] = False
    """Reads pictures sent as OpenAI content parts (a text-only provider gets their text)."""

    @classmethod
    def create_async_generator(
        cls,
        model: str,
        messages: Messages,
        proxy: str | None = None,
        **kwargs: Any,
    ) -> AsyncResult:
        """Return an async iterator of text chunks for the conversation `messages`."""
        raise NotImplementedError

    @classmethod
    def name(cls) -> str:
        return cls.label or cls.__name__.lower()


@asynccontextmanager
async def open_session(
    session: aiohttp.ClientSession | None, headers: Mapping[str, str] | None = None
) -> AsyncIterator[aiohttp.ClientSession]:
    """Use the caller's shared session, or a private one closed afterwards (g4f style calls)."""
    if session is not None:
        yield session
        return
    async with aiohttp.ClientSession(headers=headers) as own:
        yield own


def client_timeout(connect: float) -> aiohttp.ClientTimeout:
    """No total limit (answers may be long) and a bounded connect; silence between reads is
    bounded by `SilenceWatch`, not aiohttp's `sock_read`."""
    return aiohttp.ClientTimeout(total=None, connect=connect, sock_connect=connect)


class SilenceWatch:
    """Ends a `asyncio.timeout` block once the bytes received stood still for `idle` seconds.

    aiohttp's `sock_read` does the same by cancelling and re-arming a timer on every network
    read: with 1,000 answers streaming at once that was a tenth of the bot's CPU. This looks
    at the byte count every `idle / CHECKS` seconds instead, so silence is noticed between
    `idle` and `idle * (1 + 1 / CHECKS)` seconds after the last byte, whatever the chunk rate.
    """

    CHECKS = 8

    def __init__(self, deadline: asyncio.Timeout, idle: float) -> None:
        self.deadline = deadline
        self.idle = idle
        self.received: Callable[[], int] = lambda: 0
        """Bytes received so far; set once the response exists (0 while waiting for it)."""
        self._loop = asyncio.get_running_loop()
        self._seen = 0
        self._since = self._loop.time()
        self._handle = self._loop.call_later(idle / self.CHECKS, self._check)

    def _check(self) -> None:
        now = self._loop.time()
        seen = self.received()
        if seen != self._seen:
            self._seen, self._since = seen, now
        elif now - self._since >= self.idle:
            self.deadline.reschedule(now)  # the block ends in TimeoutError
            return
        self._handle = self._loop.call_at(
            min(now + self.idle / self.CHECKS, self._since + self.idle), self._check
        )

    def close(self) -> None:
        self._handle.cancel()


_UNKNOWN_MODEL = re.compile(
    r"model\b.{0,80}\b(not found|does ?n[o']t exist|not exist|unknown|no such|not available"
    r"|invalid|not supported)|\b(unknown|invalid|no such) model|model_not_found",
    re.IGNORECASE | re.DOTALL,
)
"""How servers say the model named in the request is not theirs (OpenAI: 404
`model_not_found`; vLLM, LiteLLM, Ollama: 400/404 "model ... does not exist/not found")."""


def misconfiguration(status: int, detail: str, settings: Mapping[str, str]) -> str | None:
    """The setting (from `settings`: "key", "model", "url" -> its name) a refusal points at, or
    None when the refusal may be about this one request (too long, a picture, a bad turn)."""
    if status in (401, 403):
        return settings.get("key")
    if status in (400, 404, 422) and _UNKNOWN_MODEL.search(detail) and "image" not in detail:
        return settings.get("model")
    if status == 404:
        return settings.get("url")
    return None


def http_error(
    status: int,
    body: str,
    *,
    backend: str,
    url: str,
    hint: str = "",
    settings: Mapping[str, str] | None = None,
) -> BackendError:
    """Map a non-2xx answer to a typed error that quotes the server's own words (and `hint`,
    what the operator should probably change). A refusal of the bot's own configuration
    (`misconfiguration`, with the provider's `settings`) is a `BackendMisconfigured`."""
    detail = " ".join(body.split())[:200]
    message = f"HTTP {status} from {url}" + (f": {detail}" if detail else "")
    message += f" ({hint})" if hint else ""
    if status >= 500 or status in (408, 429):
        return BackendUnavailable(message, backend=backend, url=url)
    setting = misconfiguration(status, detail, settings or {})
    if setting is not None:
        return BackendMisconfigured(message, setting=setting, backend=backend, url=url)
    return BackendRejected(message, backend=backend, url=url)


def transport_error(exc: BaseException, *, backend: str, url: str, idle: float) -> BackendError:
    """Map aiohttp/asyncio failures to typed errors with the address that failed."""
    if isinstance(exc, BackendError):
        return exc
    if isinstance(exc, aiohttp.ServerTimeoutError | asyncio.TimeoutError | TimeoutError):
        if isinstance(exc, aiohttp.ConnectionTimeoutError):
            return BackendTimeout(f"no connection to {url} in time", backend=backend, url=url)
        return BackendTimeout(f"no chunk from {url} within {idle:g} s", backend=backend, url=url)
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return BackendUnavailable(f"cannot resolve the host of {url}", backend=backend, url=url)
    if isinstance(exc, aiohttp.ClientSSLError):
        return BackendUnavailable(f"TLS with {url} failed: {exc}", backend=backend, url=url)
    if isinstance(exc, aiohttp.ClientConnectorError):
        if exc.errno == errno.ECONNREFUSED:
            return BackendUnavailable(f"connection refused at {url}", backend=backend, url=url)
        reason = exc.strerror or str(exc.os_error) or "connection failed"
        return BackendUnavailable(f"cannot connect to {url}: {reason}", backend=backend, url=url)
    if isinstance(exc, aiohttp.ClientPayloadError | aiohttp.ServerDisconnectedError):
        message = f"connection to {url} dropped mid-answer"
        return BackendUnavailable(message, backend=backend, url=url)
    if isinstance(exc, aiohttp.ClientError):
        return BackendUnavailable(f"request to {url} failed: {exc}", backend=backend, url=url)
    return BackendUnavailable(f"request to {url} failed: {exc!r}", backend=backend, url=url)


async def decode_stream(chunks: AsyncIterator[bytes]) -> AsyncGenerator[str, None]:
    """Decode UTF-8 incrementally: a character split across network reads comes out whole."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    async for raw in chunks:
        text = decoder.decode(raw)
        if text:
            yield text
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


@dataclass(frozen=True, slots=True)
class StreamOptions:
    """The keyword arguments every provider accepts, read once, so providers agree on defaults."""

    base_url: str
    session: aiohttp.ClientSession | None
    idle: float
    connect: float

    @classmethod
    def parse(cls, kwargs: Mapping[str, Any], default_url: str) -> StreamOptions:
        """`url`, `session`, `timeout` (idle seconds) and `connect_timeout`; falsy -> default."""
        return cls(
            base_url=str(kwargs.get("url") or default_url).rstrip("/"),
            session=kwargs.get("session"),
            idle=float(kwargs.get("timeout") or DEFAULT_IDLE_TIMEOUT),
            connect=float(kwargs.get("connect_timeout") or DEFAULT_CONNECT_TIMEOUT),
        )


def _as_is(body: str) -> str:
    return body


@asynccontextmanager
async def open_stream(
    endpoint: str,
    payload: Any,
    options: StreamOptions,
    *,
    backend: str,
    headers: Mapping[str, str],
    proxy: str | None = None,
    error_detail: Callable[[str], str] = _as_is,
    hints: Mapping[int, str] | None = None,
    settings: Mapping[str, str] | None = None,
) -> AsyncIterator[aiohttp.ClientResponse]:
    """POST `payload` as JSON and hand over the 2xx response to read inside the block.

    One place maps failures for every provider: a non-2xx answer becomes `http_error` (quoting
    `error_detail(body)`, and `hints[status]` if any), and aiohttp/timeout errors, even those
    raised while the caller reads the body inside the block, become typed `BackendError`s
    naming `endpoint`.
    """
    watch: SilenceWatch | None = None
    try:
        async with asyncio.timeout(None) as deadline:
            watch = SilenceWatch(deadline, options.idle)  # the wait for headers counts too
            async with (
                open_session(options.session, headers) as http,
                http.post(
                    endpoint,
                    json=payload,
                    headers=dict(headers),
                    proxy=proxy,
                    timeout=client_timeout(options.connect),
                ) as response,
            ):
                watch.received = lambda: response.content.total_bytes
                if response.status >= 300:
                    body = await response.text(errors="replace")
                    detail = error_detail(body)
                    hint = (hints or {}).get(response.status, "")
                    raise http_error(
                        response.status,
                        detail,
                        backend=backend,
                        url=endpoint,
                        hint=hint,
                        settings=settings,
                    )
                if response.content_type == "text/html":
                    # An error page with status 200 (a proxy, a captive portal, a dead
                    # service's parking page) is not an answer: showing it, or keeping it in
                    # history, is wrong.
                    page = (await response.content.read(65536)).decode(errors="replace")
                    what = page_title(page) or "no title"
                    message = f"{endpoint} answered with an HTML page ({what}) instead of a stream"
                    raise BackendUnavailable(message, backend=backend, url=endpoint)
                yield response
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise transport_error(exc, backend=backend, url=endpoint, idle=options.idle) from exc
    finally:
        if watch is not None:
            watch.close()


class ChatBackend(Protocol):
    """Anything the bot can stream an answer from: one provider, or a failover chain."""

    @property
    def name(self) -> str: ...

    def stream(self, messages: Messages) -> AsyncResult: ...


@dataclass(frozen=True, slots=True)
class Backend:
    """A provider bound to its settings: what the bot calls to stream one answer."""

    provider: type[AsyncGeneratorProvider]
    model: str
    url: str | None = None
    proxy: str | None = None
    session: aiohttp.ClientSession | None = None
    timeout: float = DEFAULT_IDLE_TIMEOUT
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.provider.name()

    @property
    def address(self) -> str:
        return self.url or self.provider.url

    def stream(self, messages: Messages) -> AsyncResult:
        return self.provider.create_async_generator(
            self.model,
            messages,
            proxy=self.proxy,
            url=self.url,
            session=self.session,
            timeout=self.timeout,
            connect_timeout=self.connect_timeout,
            **self.options,
        )
