"""The OpenAI stream reader chunk by chunk: finish reasons, content parts, tool-call pieces,
usage after the finish, and the request fields the tool loop and usage accounting need."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import pytest
from aiohttp import web

from bot.providers.base import (
    BackendRejected,
    BackendUnavailable,
    Chunk,
    FinishReason,
    Reasoning,
    ToolCallDelta,
    Usage,
)
from bot.providers.openai import EventStreamParser, OpenAI, ServerSentEvent, StreamReader
from tests.servers.backends import FakeOpenAI

URL = "http://127.0.0.1/v1/chat/completions"
USER = [{"role": "user", "content": "hi"}]


def event(delta: Any = None, finish: Any = None, **top: Any) -> str:
    choice: dict[str, Any] = {"index": 0, "finish_reason": finish}
    if delta is not None:
        choice["delta"] = delta
    body: dict[str, Any] = {"object": "chat.completion.chunk", "choices": [choice], **top}
    return f"data: {json.dumps(body)}\n\n"


def read(*texts: str) -> tuple[list[Chunk], StreamReader]:
    reader = StreamReader(backend="openai", url=URL)
    return [chunk for text in texts for chunk in reader.feed(text)], reader


# --- finish reasons ------------------------------------------------------------------------


@pytest.mark.parametrize("placeholder", ["", "null", "NULL", "None", " ", None, 0, False])
def test_a_placeholder_finish_reason_does_not_end_the_answer(placeholder: Any) -> None:
    chunks, reader = read(
        event({"content": "a"}, placeholder), event({"content": "b"}, placeholder)
    )
    assert chunks == ["a", "b"]
    assert reader.finished is None


@pytest.mark.parametrize(
    "reason",
    ["stop", "length", "tool_calls", "content_filter", "function_call", "eos", "eos_token"],
)
def test_a_real_finish_reason_ends_the_answer(reason: str) -> None:
    chunks, reader = read(event({"content": "a"}), event({"content": "b"}, reason))
    assert chunks == ["a", "b", FinishReason(reason)]
    assert reader.finished == FinishReason(reason)


def test_text_after_the_finish_reason_is_dropped_and_usage_still_read() -> None:
    chunks, reader = read(
        event({"content": "done"}, "stop"),
        event({"content": "late"}),
        'data: {"error": {"message": "late trouble", "type": "server_error"}}\n\n',
        'data: {"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 4}}\n\n',
    )
    assert chunks == ["done", FinishReason("stop")]
    assert reader.usage == Usage(3, 4)


def test_finish_reason_error_is_a_failure_not_an_ending() -> None:
    with pytest.raises(BackendUnavailable, match="broke off"):
        read(event({"content": "half"}), event({}, "error"))


# --- content -------------------------------------------------------------------------------


def test_mistral_content_parts_thinking_then_text_in_order() -> None:
    transition = [
        {"type": "thinking", "thinking": [{"type": "text", "text": "done."}], "closed": True},
        {"type": "text", "text": "Hi"},
        {"type": "reference", "reference_ids": [1, 2]},
        {"type": "image_url", "image_url": {"url": "data:,"}},
    ]
    chunks, _ = read(
        event({"role": "assistant", "content": [{"type": "thinking", "thinking": []}]}),
        event({"content": [{"type": "thinking", "thinking": ["bare ", {"text": "untyped"}]}]}),
        event({"content": transition}),
        event({"content": {"type": "text", "text": " there"}}),
        event({"content": "!"}),
    )
    assert chunks == [
        Reasoning("bare "),
        Reasoning("untyped"),
        Reasoning("done."),
        "Hi",
        " there",
        "!",
    ]


def test_mistral_non_streamed_message_shape_inside_a_stream() -> None:
    """A few servers send the whole `message` (Mistral's shape: content parts) in a chunk."""
    message = {
        "role": "assistant",
        "content": [
            {"type": "thinking", "thinking": [{"type": "text", "text": "Count."}], "closed": True},
            {"type": "text", "text": "3"},
        ],
    }
    chunk = {"choices": [{"index": 0, "message": message, "finish_reason": "stop"}]}
    chunks, _ = read(f"data: {json.dumps(chunk)}\n\n")
    assert chunks == [Reasoning("Count."), "3", FinishReason("stop")]


def test_refusal_is_the_answer_text() -> None:
    chunks, _ = read(
        event({"role": "assistant", "content": None, "refusal": ""}),
        event({"refusal": "I can't"}),
        event({"refusal": " help."}, "stop"),
    )
    assert chunks == ["I can't", " help.", FinishReason("stop")]


def test_completion_style_text_and_no_doubling_beside_a_delta() -> None:
    chunks, _ = read(
        'data: {"choices": [{"index": 0, "text": "Par", "finish_reason": null}]}\n\n',
        'data: {"choices": [{"text": "is", "delta": {"content": "is"}}]}\n\n',
        'data: {"choices": [{"text": "", "finish_reason": "stop"}]}\n\n',
    )
    assert chunks == ["Par", "is", FinishReason("stop")]


def test_the_same_thinking_under_both_names_comes_once() -> None:
    chunks, _ = read(event({"reasoning_content": "Hm.", "reasoning": "Hm."}))
    assert chunks == [Reasoning("Hm.")]


def test_the_last_text_and_the_finish_in_one_chunk_come_in_that_order() -> None:
    chunks, _ = read(event({"content": "end"}, "stop"))
    assert chunks == ["end", FinishReason("stop")]


# --- tool calls ----------------------------------------------------------------------------


def test_tool_call_pieces_one_per_element_with_empty_values_absent() -> None:
    first = {
        "index": 0,
        "id": "call_1",
        "type": "function",
        "function": {"name": "get_weather", "arguments": ""},
    }
    blank = {"index": 0, "id": "", "function": {"name": "", "arguments": "{"}}
    chunks, _ = read(
        event({"tool_calls": [first]}),
        event({"tool_calls": [blank]}),
        event({"tool_calls": [{"index": 0, "id": "call_1", "function": {"arguments": "}"}}]}),
        event({"tool_calls": [{"index": 0, "function": {"arguments": ""}}]}),
        event({}, "tool_calls"),
    )
    assert chunks == [
        ToolCallDelta(0, "call_1", "get_weather", ""),
        ToolCallDelta(0, None, None, "{"),
        ToolCallDelta(0, "call_1", None, "}"),
        FinishReason("tool_calls"),
    ]


def test_whole_calls_without_index_take_their_position() -> None:
    calls = [
        {"id": "A1", "function": {"name": "f", "arguments": '{"x": 1}'}},
        {"id": "B2", "function": {"name": "g", "arguments": {"y": "ё"}}},
    ]
    chunks, _ = read(event({"content": None, "tool_calls": calls}, "tool_calls"))
    assert chunks == [
        ToolCallDelta(0, "A1", "f", '{"x": 1}'),
        ToolCallDelta(1, "B2", "g", '{"y": "ё"}'),
        FinishReason("tool_calls"),
    ]


def test_legacy_function_call_is_call_zero() -> None:
    chunks, _ = read(
        event({"function_call": {"name": "f", "arguments": ""}}),
        event({"function_call": {"arguments": "{}"}}, "function_call"),
    )
    assert chunks == [
        ToolCallDelta(0, None, "f", ""),
        ToolCallDelta(0, None, None, "{}"),
        FinishReason("function_call"),
    ]


# --- usage ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        ({"usage": {"prompt_tokens": 5, "completion_tokens": 7}}, Usage(5, 7)),
        ({"x_groq": {"usage": {"prompt_tokens": 1, "completion_tokens": 2}}}, Usage(1, 2)),
        ({"usage": {"input_tokens": 8, "output_tokens": 9}}, Usage(8, 9)),
        ({"usage": None}, None),
        ({"usage": {"total_tokens": 3}}, None),
        ({"usage": {"prompt_tokens": True, "completion_tokens": 1}}, None),
    ],
)
def test_usage_shapes(top: dict[str, Any], expected: Usage | None) -> None:
    _, reader = read(event({}, "stop", **top))
    assert reader.usage == expected


def test_a_running_usage_total_keeps_the_last() -> None:
    _, reader = read(
        event({"content": "a"}, usage={"prompt_tokens": 2, "completion_tokens": 1}),
        event({"content": "b"}, "stop", usage={"prompt_tokens": 2, "completion_tokens": 2}),
    )
    assert reader.usage == Usage(2, 2)


# --- SSE details ---------------------------------------------------------------------------


def test_old_llama_cpp_error_field_is_an_error_event() -> None:
    assert EventStreamParser().feed('error: {"code":500}\n\n') == [
        ServerSentEvent('{"code":500}', "error")
    ]
    with pytest.raises(BackendRejected, match="too long"):
        read('error: {"code":400,"message":"too long","type":"invalid_request_error"}\n\n')


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ('{"error": {"message": "Overloaded", "type": "overloaded_error"}}', BackendUnavailable),
        ('{"message": "bad input", "type": "invalid_request_error"}', BackendRejected),
        ("upstream went away", BackendRejected),  # plain words: not known to be passing
    ],
)
def test_event_error_with_any_body(data: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        read(event({"content": "a"}), f"event: error\ndata: {data}\n\n")


def test_events_without_the_blank_line_between_them() -> None:
    joined = event({"content": "a"}).strip() + "\n" + event({"content": "b"}, "stop")
    chunks, _ = read(joined)
    assert chunks == ["a", "b", FinishReason("stop")]


def test_done_with_trailing_spaces_and_other_named_events() -> None:
    chunks, reader = read(
        "event: ping\ndata: pong\n\n", "data:\n\n", event({"content": "a"}), "data: [DONE]  \n\n"
    )
    assert chunks == ["a"]
    assert reader.done


# --- over the wire: the request, and reading on after the finish -----------------------------


async def test_tools_tool_choice_stream_usage_and_tool_turns_reach_the_server() -> None:
    tool = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
    history: list[dict[str, Any]] = [
        {"role": "user", "content": "weather?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "sunny"},
    ]
    async with FakeOpenAI() as server:
        stream = OpenAI.create_async_generator(
            "m", history, url=server.url, tools=[tool], tool_choice="auto", stream_usage=True
        )
        [chunk async for chunk in stream]
        stream = OpenAI.create_async_generator("m", USER, url=server.url, tools=[])
        [chunk async for chunk in stream]
    first, second = (request.json for request in server.requests)
    assert first["messages"] == history
    assert first["tools"] == [tool]
    assert first["tool_choice"] == "auto"
    assert first["stream_options"] == {"include_usage": True}
    assert "tools" not in second and "tool_choice" not in second
    assert "stream_options" not in second


class Stepped:
    """A server whose stream advances only when the test says so."""

    def __init__(self, steps: Sequence[bytes]) -> None:
        self.steps = list(steps)
        self.go = [asyncio.Event() for _ in steps]
        self.open = asyncio.Event()
        self.closed = asyncio.Event()
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> Stepped:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._answer)
        self._runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=0.5, handler_cancellation=True
        )
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/v1"
        return self

    async def __aexit__(self, *exc: object) -> None:
        for gate in self.go:
            gate.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"content-type": "text/event-stream"})
        await response.prepare(request)
        self.open.set()
        try:
            for step, gate in zip(self.steps, self.go, strict=True):
                await gate.wait()
                if step == b"HOLD":
                    await asyncio.Event().wait()
                await response.write(step)
        finally:
            self.closed.set()
        return response


async def take_until(
    stream: AsyncIterator[Chunk], seen: list[Chunk], stop: Callable[[Chunk], bool]
) -> None:
    async for chunk in stream:
        seen.append(chunk)
        if stop(chunk):
            return


async def test_usage_after_the_finish_reason_is_read_and_comes_last() -> None:
    steps = [
        event({"content": "Hi"}, "stop").encode(),
        b'data: {"choices": [], "usage": {"prompt_tokens": 4, "completion_tokens": 1}}\n\n',
        b"data: [DONE]\n\n",
    ]
    async with Stepped(steps) as server:
        server.go[0].set()
        stream = OpenAI.create_async_generator("m", USER, url=server.url, usage_grace=30)
        seen: list[Chunk] = []
        async with asyncio.timeout(10):
            # The finish reason arrives while the usage chunk is still unsent...
            await take_until(stream, seen, lambda chunk: isinstance(chunk, FinishReason))
            assert seen == ["Hi", FinishReason("stop")]
            server.go[1].set()
            server.go[2].set()
            # ...and the usage sent after it is still read.
            seen.extend([chunk async for chunk in stream])
    assert seen == ["Hi", FinishReason("stop"), Usage(4, 1)]


async def test_a_connection_held_open_after_the_finish_ends_after_the_grace() -> None:
    steps = [event({"content": "Hi"}, "stop").encode(), b"HOLD"]
    async with Stepped(steps) as server:
        for gate in server.go:
            gate.set()
        stream = OpenAI.create_async_generator("m", USER, url=server.url, usage_grace=0.2)
        async with asyncio.timeout(10):
            seen = [chunk async for chunk in stream]
        assert seen == ["Hi", FinishReason("stop")]
        await asyncio.wait_for(server.closed.wait(), 5)  # the generator let the connection go


async def test_a_drop_after_the_finish_loses_nothing() -> None:
    class Dropping(Stepped):
        async def _answer(self, request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse(headers={"content-type": "text/event-stream"})
            await response.prepare(request)
            await response.write(event({"content": "Hi"}, "stop").encode())
            await self.go[0].wait()
            assert request.transport is not None
            request.transport.close()  # mid-body: the chunked ending never comes
            return response

    async with Dropping([b""]) as server:
        stream = OpenAI.create_async_generator("m", USER, url=server.url, usage_grace=30)
        seen: list[Chunk] = []
        async with asyncio.timeout(10):
            await take_until(stream, seen, lambda chunk: isinstance(chunk, FinishReason))
            server.go[0].set()
            seen.extend([chunk async for chunk in stream])
    assert seen == ["Hi", FinishReason("stop")]
