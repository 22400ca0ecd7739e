"""OpenAI-compatible chat completions: POST `{base}/chat/completions`, read a server-sent stream.

Works with api.openai.com and the many servers that speak the same protocol (vLLM, llama.cpp,
Ollama, LiteLLM, Mistral, DeepSeek, OpenRouter, Groq, ...), so the base URL is configurable
(`OPENAI_BASE_URL`). Each of them streams a slightly different dialect; `StreamReader` reads
them all (tests/providers/dialects/ holds one recorded body per server).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.providers.base import (
    AsyncGeneratorProvider,
    AsyncResult,
    BackendError,
    BackendRejected,
    BackendUnavailable,
    Chunk,
    FinishReason,
    Messages,
    Reasoning,
    StreamOptions,
    ToolCallDelta,
    Usage,
    decode_stream,
    open_stream,
)

DONE = "[DONE]"
USAGE_GRACE = 2.0
"""Seconds to keep reading after the finish reason for a usage chunk (some servers send it
after the finish, some keep the connection open and send nothing more)."""
_LINE_END = re.compile(r"\r\n|\r|\n")
_UNAVAILABLE_WORDS = ("server_error", "overloaded", "unavailable", "rate_limit", "timeout")
_NO_REASON = ("", "null", "none")
SETTINGS = {"key": "OPENAI_API_KEY", "model": "MODEL", "url": "OPENAI_BASE_URL"}
"""The settings that fix a refusal of the bot's configuration (base.misconfiguration)."""


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    """One dispatched event: its type (`message` unless an `event:` field said otherwise)."""

    data: str
    event: str = "message"


class EventStreamParser:
    """Incremental `text/event-stream` parser following the WHATWG interpretation rules.

    Text may arrive split anywhere (even between the `\\r` and `\\n` of one line ending), so
    partial lines are buffered until their ending arrives.
    """

    def __init__(self) -> None:
        self._pending = ""
        self._after_cr = False
        self._started = False
        self._data: list[str] = []
        self._event = ""

    def feed(self, text: str) -> list[ServerSentEvent]:
        """Consume decoded text; return the events completed by it, in order."""
        if not text:
            return []
        if not self._started:
            self._started = True
            text = text.removeprefix("\ufeff")
        if self._after_cr and text.startswith("\n"):
            text = text[1:]  # the second half of a "\r\n" split across reads
        buffer = self._pending + text
        events: list[ServerSentEvent] = []
        position = 0
        for match in _LINE_END.finditer(buffer):
            event = self._line(buffer[position : match.start()])
            if event is not None:
                events.append(event)
            position = match.end()
        self._pending = buffer[position:]
        self._after_cr = position == len(buffer) and buffer.endswith("\r")
        return events

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "error":
            # Not an SSE field, but older llama.cpp servers report failures as `error: {json}`:
            # read it as an error event rather than drop it and report a cut-off answer.
            self._event = "error"
            self._data.append(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        data, event = self._data, self._event or "message"
        self._data, self._event = [], ""
        if not data:
            return None
        return ServerSentEvent(data="\n".join(data), event=event)


class OpenAI(AsyncGeneratorProvider):
    """An OpenAI-compatible `/chat/completions` endpoint, streamed (`"stream": true`)."""

    url = "https://api.openai.com/v1"
    label = "openai"
    working = True
    supports_message_history = True
    supports_gpt_35_turbo = True
    supports_gpt_4 = True
    supports_vision = True

    @classmethod
    async def create_async_generator(
        cls,
        model: str,
        messages: Messages,
        proxy: str | None = None,
        **kwargs: Any,
    ) -> AsyncResult:
        """Stream the reply to the role-tagged history `messages`, chunk by chunk.

        Keyword arguments as for Cromicle (`url` is the API base ending in /v1, `session`,
        `timeout`, `connect_timeout`) plus `api_key`, sent as a Bearer token when given, and
        the request fields `build_payload` reads. `usage_grace` (seconds, default 2) bounds
        the wait for a usage chunk after the finish reason.

        Yields answer text, `Reasoning`, `ToolCallDelta`s, then the `FinishReason` as soon as
        it arrives (the answer is complete there), then `Usage` if the server reported it.
        Failures raise a `BackendError` subclass naming the endpoint.
        """
        options = StreamOptions.parse(kwargs, cls.url)
        endpoint = f"{options.base_url}/chat/completions"
        headers = {"accept": "text/event-stream", "content-type": "application/json"}
        api_key = kwargs.get("api_key")
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        payload = build_payload(model, messages, endpoint, kwargs)
        grace = min(float(kwargs.get("usage_grace", USAGE_GRACE)), options.idle)
        reader = StreamReader(backend=cls.name(), url=endpoint)
        async with (
            open_stream(
                endpoint,
                payload,
                options,
                backend=cls.name(),
                headers=headers,
                proxy=proxy,
                error_detail=error_message,
                hints=not_found_hint(options.base_url),
                settings=SETTINGS,
            ) as response,
            aclosing(decode_stream(response.content.iter_any())) as texts,
        ):
            async for text in texts:
                for chunk in reader.feed(text):
                    yield chunk
                if reader.done or reader.finished:
                    break
            if reader.finished and not reader.done and reader.usage is None:
                await _linger(texts, reader, grace)
        if not (reader.done or reader.finished):
            # A clean end of body without [DONE] or a finish_reason means a cut-off answer.
            message = f"stream from {endpoint} ended before the answer finished"
            raise BackendUnavailable(message, backend=cls.name(), url=endpoint)
        if reader.usage is not None:
            yield reader.usage


def build_payload(
    model: str, messages: Messages, endpoint: str, kwargs: dict[str, Any]
) -> dict[str, Any]:
    """The request body: the history as it is (tool turns included), `stream: true`, and
    the optional fields `max_tokens`, `temperature`, `tools` (OpenAI tool schemas),
    `tool_choice` and `stream_usage` (ask for a usage chunk: `stream_options.include_usage`)."""
    payload: dict[str, Any] = {
        "model": model,
        "messages": [dict(m) for m in messages],
        "stream": True,
    }
    if kwargs.get("max_tokens"):
        # OpenAI's own API wants the newer name; compatible servers read the classic one.
        name = "max_completion_tokens" if "api.openai.com" in endpoint else "max_tokens"
        payload[name] = int(kwargs["max_tokens"])
    if kwargs.get("temperature") is not None:
        payload["temperature"] = float(kwargs["temperature"])
    if kwargs.get("tools"):
        # An empty list is left out: several servers reject `"tools": []`.
        payload["tools"] = list(kwargs["tools"])
    if kwargs.get("tool_choice") is not None:
        payload["tool_choice"] = kwargs["tool_choice"]
    if kwargs.get("stream_usage"):
        payload["stream_options"] = {"include_usage": True}
    return payload


async def _linger(texts: AsyncIterator[str], reader: StreamReader, seconds: float) -> None:
    """After the finish reason, read on for up to `seconds` in case a usage chunk follows.

    Nothing is yielded meanwhile (a timeout must never span a yield: it would cancel the
    consumer's own work), and a stall, a drop or a timeout here loses nothing: the answer is
    already complete.
    """
    try:
        async with asyncio.timeout(seconds):
            async for text in texts:
                for _ in reader.feed(text):
                    pass  # after the finish only usage and [DONE] count; the reader drops the rest
                if reader.done or reader.usage is not None:
                    return
    except (TimeoutError, aiohttp.ClientError):
        return


def not_found_hint(base_url: str) -> dict[int, str]:
    """A 404 from a base URL without /v1 is nearly always that /v1 is missing."""
    if base_url.rstrip("/").endswith("/v1"):
        return {}
    return {404: f"OPENAI_BASE_URL usually ends in /v1: try {base_url.rstrip('/')}/v1"}


def error_message(body: str) -> str:
    """The server's own words from an OpenAI error body (`error.message`), else the raw body."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return body
    if isinstance(parsed, dict):
        error = parsed.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])
        if isinstance(error, str):
            return error
        if isinstance(parsed.get("message"), str):
            return str(parsed["message"])
    return body


class StreamReader:
    """Sans-I/O reader of one chat completion stream: decoded text in, chunks out.

    Keeps what the dialects differ in out of the network loop: events split anywhere, the
    finish reason (`finished`), the end marker (`done`) and the last usage report (`usage`;
    some servers repeat a running total on every chunk, so the last one wins). After the
    finish reason only usage and `[DONE]` are read: the answer is complete.
    """

    def __init__(self, *, backend: str, url: str) -> None:
        self.backend = backend
        self.url = url
        self.finished: FinishReason | None = None
        self.done = False
        self.usage: Usage | None = None
        self._parser = EventStreamParser()

    def feed(self, text: str) -> Iterator[Chunk]:
        """Consume decoded text; yield the chunks it completes, in order.

        A stream error raises (a `BackendError`) after the chunks that came before it.
        """
        for event in self._parser.feed(text):
            if self.done:
                return
            if event.data.strip() == DONE:
                self.done = True
                return
            try:
                deltas = _read_events(event, backend=self.backend, url=self.url)
            except BackendError:
                if self.finished is None:
                    raise
                continue  # the answer is complete: trouble after it changes nothing
            for delta in deltas:
                if delta.usage is not None:
                    self.usage = delta.usage
                if self.finished is not None:
                    continue
                yield from delta.chunks
                if delta.finish_reason is not None:
                    self.finished = FinishReason(delta.finish_reason)
                    yield self.finished


@dataclass(frozen=True, slots=True)
class Delta:
    """What one chunk event adds, in the order it is shown: thinking, answer text and
    tool-call pieces; the finish reason if it ends the answer; usage if it reports it."""

    chunks: tuple[str | Reasoning | ToolCallDelta, ...] = ()
    finish_reason: str | None = None
    usage: Usage | None = None


def _read_events(event: ServerSentEvent, *, backend: str, url: str) -> list[Delta]:
    """Read one dispatched event; raise on error events and garbage.

    An `event: error` carries the error as its data (JSON or plain words). A data block that
    is not JSON but whose lines each are (a server that forgot the blank line between events)
    is read as those events. Other kinds of event whose data is not JSON (a named ping, a
    status line) are skipped.
    """
    if event.event == "error":
        raise _stream_error(_error_body(event.data), backend=backend, url=url)
    if not event.data.strip():
        return []  # an empty `data:` keep-alive
    whole = _json_object(event.data)
    if whole is not None:
        return [_read_event(whole, backend=backend, url=url)]
    lines = [_json_object(line) for line in event.data.split("\n")]
    if len(lines) > 1 and all(line is not None for line in lines):
        return [_read_event(line, backend=backend, url=url) for line in lines if line]
    if event.event != "message":
        return []
    raise BackendUnavailable(f"malformed event from {url}", backend=backend, url=url)


def _read_event(event: dict[str, Any], *, backend: str, url: str) -> Delta:
    """Read one chunk event; raise on error events and garbage.

    Thinking arrives as `reasoning_content` (DeepSeek, vLLM, llama.cpp) or `reasoning`
    (OpenRouter, Ollama, Groq, gpt-oss servers) beside `content`, or as `thinking` parts of a
    content list (Mistral). Completion-style servers send `text` instead of a delta, a few
    send a whole `message`.
    """
    if event.get("error"):
        raise _stream_error(event["error"], backend=backend, url=url)
    if event.get("object") == "error":  # vLLM's error chunk: the error is the event itself
        raise _stream_error(event, backend=backend, url=url)
    usage = _usage(event)
    choices = event.get("choices")
    if not choices:
        return Delta(usage=usage)  # e.g. a usage-only chunk
    choice = choices[0] if isinstance(choices, list) else None
    if not isinstance(choice, dict):
        raise BackendUnavailable(f"malformed event from {url}", backend=backend, url=url)
    finish = _finish_reason(choice.get("finish_reason"))
    if finish == "error":  # Mistral, OpenRouter: the model failed mid-answer
        message = f"error from {url}: the answer broke off (finish_reason: error)"
        raise BackendUnavailable(message, backend=backend, url=url)
    delta = choice.get("delta")
    if not isinstance(delta, dict):
        delta = choice.get("message")
    if not isinstance(delta, dict):
        delta = {}
    chunks = _delta_chunks(delta)
    text = choice.get("text")
    if not chunks and isinstance(text, str) and text:
        chunks = [text]  # completion-style: `choices[0].text`
    return Delta(chunks=tuple(chunks), finish_reason=finish, usage=usage)


def _delta_chunks(delta: dict[str, Any]) -> list[str | Reasoning | ToolCallDelta]:
    """The pieces of one delta in reading order: thinking, text, refusal, tool calls."""
    chunks: list[str | Reasoning | ToolCallDelta] = []
    # Some servers send the same thinking under both names: take one.
    reasoning = delta.get("reasoning_content") or delta.get("reasoning")
    if isinstance(reasoning, str) and reasoning:
        chunks.append(Reasoning(reasoning))
    chunks.extend(_content_parts(delta.get("content")))
    refusal = delta.get("refusal")
    if isinstance(refusal, str) and refusal:
        chunks.append(refusal)  # what the model said, shown as its answer
    chunks.extend(_tool_calls(delta))
    return chunks


def _content_parts(content: Any) -> list[str | Reasoning]:
    """`content` as a string, or as a list of parts (Mistral's reasoning models).

    Parts: `{"type": "text", "text": ...}` is answer text; `{"type": "thinking", "thinking":
    [{"type": "text", "text": ...}, ...]}` is thinking; references (`reference`,
    `tool_reference`: citations by id) and pictures have no text and are skipped.
    """
    if isinstance(content, str):
        return [content] if content else []
    if isinstance(content, dict):
        content = [content]
    if not isinstance(content, list):
        return []
    pieces: list[str | Reasoning] = []
    for part in content:
        if isinstance(part, str):
            if part:
                pieces.append(part)
            continue
        if not isinstance(part, dict):
            continue
        kind = part.get("type")
        if kind == "thinking":
            pieces.extend(Reasoning(text) for text in _texts(part.get("thinking")))
        elif kind in ("text", "output_text", None) and _present(part.get("text")):
            pieces.append(part["text"])
    return pieces


def _texts(parts: Any) -> list[str]:
    """The texts of a thinking part's inner parts (text parts, or bare strings)."""
    if isinstance(parts, str):
        return [parts] if parts else []
    if not isinstance(parts, list):
        return []
    texts: list[str] = []
    for part in parts:
        if isinstance(part, str) and part:
            texts.append(part)
        elif isinstance(part, dict) and part.get("type", "text") == "text":
            text = part.get("text")
            if isinstance(text, str) and text:
                texts.append(text)
    return texts


def _tool_calls(delta: dict[str, Any]) -> list[ToolCallDelta]:
    """`delta.tool_calls` (or the legacy `function_call`) as one piece per element.

    Servers differ: `index` may be missing (Mistral sends whole calls without it: the
    position is the index), `id` may repeat on every piece or be `""` after the first,
    `name` may be `""` on later pieces, `arguments` may be a string split anywhere or, from
    a few servers, an object. Empty values are read as absent.
    """
    calls = delta.get("tool_calls")
    if isinstance(calls, dict):
        calls = [calls]
    legacy = delta.get("function_call")
    if not isinstance(calls, list):
        calls = [{"index": 0, "function": legacy}] if isinstance(legacy, dict) else []
    pieces: list[ToolCallDelta] = []
    for position, call in enumerate(calls):
        if not isinstance(call, dict):
            continue
        index = call.get("index")
        function = call.get("function")
        if not isinstance(function, dict):
            function = {}
        arguments = function.get("arguments")
        if isinstance(arguments, dict | list):
            arguments = json.dumps(arguments, ensure_ascii=False)
        piece = ToolCallDelta(
            index=index if isinstance(index, int) and not isinstance(index, bool) else position,
            id=_present(call.get("id")),
            name=_present(function.get("name")),
            arguments=arguments if isinstance(arguments, str) else "",
        )
        if piece.id or piece.name or piece.arguments:
            pieces.append(piece)
    return pieces


def _present(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _finish_reason(value: Any) -> str | None:
    """A real finish reason, or None: several servers send `""` or `"null"` on every chunk
    before the last, and those do not end the answer."""
    if not isinstance(value, str):
        return None
    reason = value.strip()
    return None if reason.lower() in _NO_REASON else reason


def _usage(event: dict[str, Any]) -> Usage | None:
    """`usage` (OpenAI and most servers) or `x_groq.usage` (Groq's older streams)."""
    groq = event.get("x_groq")
    for report in (event.get("usage"), groq.get("usage") if isinstance(groq, dict) else None):
        if not isinstance(report, dict):
            continue
        prompt = _count(report.get("prompt_tokens", report.get("input_tokens")))
        completion = _count(report.get("completion_tokens", report.get("output_tokens")))
        if prompt is not None and completion is not None:
            return Usage(prompt_tokens=prompt, completion_tokens=completion)
    return None


def _count(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def _json_object(data: str) -> dict[str, Any] | None:
    try:
        parsed = json.loads(data)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _error_body(data: str) -> Any:
    """The error an `event: error` carries: `{"error": {...}}`, a bare error object, or words."""
    try:
        parsed = json.loads(data)
    except ValueError:
        return data.strip() or "the server reported an error"
    if isinstance(parsed, dict) and parsed.get("error"):
        return parsed["error"]
    return parsed


def _stream_error(error: Any, *, backend: str, url: str) -> BackendError:
    """An error reported inside the stream: server trouble is retriable, anything else is not."""
    if isinstance(error, dict):
        text = str(error.get("message") or error)
        kind = f"{error.get('type') or ''} {error.get('code') or ''}".lower()
        code = str(error.get("code") or "")
    else:
        text, kind, code = str(error), "", ""
    message = f"error from {url}: {' '.join(text.split())[:200]}"
    transient = any(word in kind for word in _UNAVAILABLE_WORDS) or "overloaded" in text.lower()
    if transient or (code.isdigit() and (int(code) >= 500 or int(code) == 429)):
        return BackendUnavailable(message, backend=backend, url=url)
    return BackendRejected(message, backend=backend, url=url)
