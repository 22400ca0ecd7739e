"""An OpenAI-compatible `/v1/chat/completions` server whose "model" calls tools, streamed over
real HTTP on 127.0.0.1 in the shapes OpenAI, vLLM and llama.cpp send (see the docstring of
tests/tools/test_loop.py for where each shape is documented).

The model is a rule: given tools and a user's question it calls `plan` (one turn, every call
at once); given tool results it answers `Results: ` and the results. `reader(url)` is a small
streaming client for it, yielding the bot's chunk types (text, ToolCallDelta, FinishReason,
Usage), so the tool loop can be driven through a real socket before the provider itself sends
tools.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

import aiohttp
from aiohttp import web

from bot.providers.base import Chunk, FinishReason, Messages, ToolCallDelta, Usage
from bot.providers.openai import DONE, EventStreamParser
from bot.tools.loop import StreamRequest

HOST = "127.0.0.1"
SHAPES = ("openai", "vllm", "llama.cpp")


@dataclass
class ToolBackend:
    """The server; `requests` holds every request body, in order."""

    plan: Sequence[tuple[str, Mapping[str, Any]]]
    shape: str = "openai"
    rounds: int = 1
    """Turns in which the model calls `plan` again after reading results (a large number: a
    model that never stops calling tools)."""
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    _runner: web.AppRunner | None = None

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._answer)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, HOST, 0).start()
        self.url = f"http://{HOST}:{self._runner.addresses[0][1]}/v1"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(body)
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        for delta, finish in self._deltas(body):
            event = {
                "id": "chatcmpl-test",
                "object": "chat.completion.chunk",
                "model": body.get("model", "test"),
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            await response.write(f"data: {json.dumps(event)}\n\n".encode())
        if (body.get("stream_options") or {}).get("include_usage"):
            usage = {"prompt_tokens": 20, "completion_tokens": 5, "total_tokens": 25}
            await response.write(
                f"data: {json.dumps({'choices': [], 'usage': usage})}\n\n".encode()
            )
        await response.write(f"data: {DONE}\n\n".encode())
        return response

    def _deltas(self, body: Mapping[str, Any]) -> list[tuple[dict[str, Any], str | None]]:
        messages = body["messages"]
        first: dict[str, Any] = {"role": "assistant", "content": ""}
        called = sum(1 for m in messages if m["role"] == "assistant" and m.get("tool_calls"))
        calling = body.get("tools") and called < self.rounds
        if messages[-1]["role"] == "tool" and not calling:
            results = [m["content"] for m in messages if m["role"] == "tool"]
            text = "Results: " + "; ".join(results)
            pieces = [text[i : i + 7] for i in range(0, len(text), 7)]
            return [(first, None), *(({"content": p}, None) for p in pieces), ({}, "stop")]
        if not body.get("tools"):
            return [(first, None), ({"content": "No tools, no answer."}, None), ({}, "stop")]
        deltas: list[tuple[dict[str, Any], str | None]] = [(first, None)]
        for index, (name, arguments) in enumerate(self.plan):
            deltas += self._call(
                index, f"call_{index}_{len(self.requests)}", name, json.dumps(arguments)
            )
        return [*deltas, ({}, "stop" if self.shape == "vllm" else "tool_calls")]

    def _call(
        self, index: int, call_id: str, name: str, arguments: str
    ) -> list[tuple[dict[str, Any], str | None]]:
        def piece(part: str, head: bool = False) -> tuple[dict[str, Any], str | None]:
            call: dict[str, Any] = {"index": index, "function": {"arguments": part}}
            if head:
                call |= {"id": call_id, "type": "function"}
                call["function"]["name"] = name
            return {"tool_calls": [call]}, None

        parts = [arguments[i : i + 5] for i in range(0, len(arguments), 5)]
        if self.shape == "openai":  # id and name first with empty arguments, then pieces
            return [piece("", head=True), *(piece(p) for p in parts)]
        if self.shape == "vllm":  # the last piece repeats the call's id, type and name
            return [piece("", head=True), *(piece(p) for p in parts[:-1]), piece(parts[-1], True)]
        return [piece(parts[0], head=True), *(piece(p) for p in parts[1:])]  # llama.cpp


def reader(url: str, session: aiohttp.ClientSession) -> StreamRequest:
    """`stream(messages, tools)` for the tool loop: one streamed request to `url`."""

    async def stream(
        messages: Messages, tools: Sequence[Mapping[str, Any]] | None
    ) -> AsyncIterator[Chunk]:
        payload: dict[str, Any] = {
            "model": "test",
            "messages": [dict(m) for m in messages],
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if tools:
            payload["tools"] = list(tools)
        parser = EventStreamParser()
        async with session.post(f"{url}/chat/completions", json=payload) as response:
            response.raise_for_status()
            async for raw in response.content.iter_any():
                for event in parser.feed(raw.decode()):
                    if event.data == DONE:
                        return
                    for chunk in _chunks(json.loads(event.data)):
                        yield chunk

    return stream


def _chunks(event: Mapping[str, Any]) -> list[Chunk]:
    found: list[Chunk] = []
    if event.get("usage"):
        usage = event["usage"]
        found.append(Usage(usage["prompt_tokens"], usage["completion_tokens"]))
    for choice in event.get("choices") or []:
        delta = choice.get("delta") or {}
        if delta.get("content"):
            found.append(delta["content"])
        for call in delta.get("tool_calls") or []:
            function = call.get("function") or {}
            found.append(
                ToolCallDelta(
                    call["index"],
                    call.get("id"),
                    function.get("name"),
                    function.get("arguments") or "",
                )
            )
        if choice.get("finish_reason"):
            found.append(FinishReason(choice["finish_reason"]))
    return found
