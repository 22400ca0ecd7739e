"""OpenAI-compatible chat completions: POST `{base}/chat/completions`, read a server-sent stream.

Works with api.openai.com and the many servers that speak the same protocol (vLLM, llama.cpp,
Ollama, LiteLLM, ...), so the base URL is configurable (`OPENAI_BASE_URL`).
"""

from __future__ import annotations

import json
import re
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any

from bot.providers.base import (
    AsyncGeneratorProvider,
    AsyncResult,
    BackendError,
    BackendRejected,
    BackendUnavailable,
    FinishReason,
    Messages,
    Reasoning,
    StreamOptions,
    decode_stream,
    open_stream,
)

DONE = "[DONE]"
_LINE_END = re.compile(r"\r\n|\r|\n")
_UNAVAILABLE_WORDS = ("server_error", "overloaded", "unavailable", "rate_limit", "timeout")


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
        `timeout`, `connect_timeout`) plus `api_key`, sent as a Bearer token when given.
        Failures raise a `BackendError` subclass naming the endpoint.
        """
        options = StreamOptions.parse(kwargs, cls.url)
        endpoint = f"{options.base_url}/chat/completions"
        headers = {"accept": "text/event-stream", "content-type": "application/json"}
        api_key = kwargs.get("api_key")
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
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
        parser = EventStreamParser()
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
            ) as response,
            aclosing(decode_stream(response.content.iter_any())) as texts,
        ):
            async for text in texts:
                for event in parser.feed(text):
                    if event.data == DONE:
                        return
                    delta = _read_event(event.data, backend=cls.name(), url=endpoint)
                    if delta.reasoning:
                        yield Reasoning(delta.reasoning)
                    if delta.content:
                        yield delta.content
                    if delta.finish_reason is not None:
                        # The answer is complete here, even if the server keeps the
                        # connection open (some send usage or nothing at all after it).
                        yield FinishReason(delta.finish_reason)
                        return
        # A clean end of body without [DONE] or a finish_reason means a cut-off answer.
        message = f"stream from {endpoint} ended before the answer finished"
        raise BackendUnavailable(message, backend=cls.name(), url=endpoint)


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


@dataclass(frozen=True, slots=True)
class Delta:
    """What one chunk event adds: answer text, thinking, and the finish reason if it ends."""

    content: str = ""
    reasoning: str = ""
    finish_reason: str | None = None


def _read_event(data: str, *, backend: str, url: str) -> Delta:
    """Read one chunk event; raise on error events and garbage.

    Thinking arrives as `reasoning_content` (DeepSeek, vLLM, llama.cpp) or `reasoning`
    (OpenRouter, Ollama, gpt-oss servers) beside `content`.
    """
    try:
        event = json.loads(data)
    except ValueError:
        event = None
    if not isinstance(event, dict):
        raise BackendUnavailable(f"malformed event from {url}", backend=backend, url=url)
    if event.get("error"):
        raise _stream_error(event["error"], backend=backend, url=url)
    choices = event.get("choices")
    if not choices:
        return Delta()  # e.g. a usage-only chunk
    choice = choices[0] if isinstance(choices, list) else None
    if not isinstance(choice, dict):
        raise BackendUnavailable(f"malformed event from {url}", backend=backend, url=url)
    delta = choice.get("delta")
    if not isinstance(delta, dict):
        delta = {}
    content = delta.get("content")
    reasoning = delta.get("reasoning_content") or delta.get("reasoning")
    finish = choice.get("finish_reason")
    return Delta(
        content=content if isinstance(content, str) else "",
        reasoning=reasoning if isinstance(reasoning, str) else "",
        finish_reason=str(finish) if finish is not None else None,
    )


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
