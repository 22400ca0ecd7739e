"""OpenAI-compatible provider: SSE parsing by the WHATWG rules, the request, and stream errors."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
from aioresponses import aioresponses

from bot.providers.base import BackendRejected, BackendUnavailable
from bot.providers.openai import EventStreamParser, OpenAI, ServerSentEvent, error_message
from tests.servers.backends import FakeOpenAI, MockResponse, Script, echo_answer

HISTORY = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "hi"},
    {"role": "assistant", "content": "hello"},
    {"role": "user", "content": "Как дела?"},
]
MIXED = "Привет, 世界! 🎉👍🏽"


@pytest.fixture
async def server() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as fake:
        yield fake


def user(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


async def collect(
    messages: Sequence[dict[str, str]], model: str = "gpt-test", **kwargs: Any
) -> list[str]:
    async with asyncio.timeout(10):
        stream = OpenAI.create_async_generator(model, messages, **kwargs)
        return [chunk async for chunk in stream if isinstance(chunk, str)]


def delta(content: str) -> str:
    return json.dumps({"choices": [{"index": 0, "delta": {"content": content}}]})


# --- the parser ------------------------------------------------------------------------------


def parse(*pieces: str) -> list[ServerSentEvent]:
    parser = EventStreamParser()
    return [event for piece in pieces for event in parser.feed(piece)]


def test_multi_line_data_is_joined_with_newlines() -> None:
    assert parse("data: one\ndata:two\ndata:  three\n\n") == [ServerSentEvent("one\ntwo\n three")]


def test_comments_and_unknown_fields_are_ignored() -> None:
    stream = ": keep-alive\nid: 7\nretry: 100\nfoo: bar\ndata: x\n: more\n\n"
    assert parse(stream) == [ServerSentEvent("x")]


def test_event_field_names_the_event_and_resets_after_dispatch() -> None:
    assert parse("event: error\ndata: a\n\ndata: b\n\n") == [
        ServerSentEvent("a", "error"),
        ServerSentEvent("b"),
    ]


def test_blank_line_without_data_dispatches_nothing() -> None:
    assert parse("\n\n: c\n\nevent: x\n\n") == []


def test_field_without_colon_is_an_empty_value() -> None:
    assert parse("data\ndata\n\n") == [ServerSentEvent("\n")]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_line_ending(newline: str) -> None:
    stream = f"data: a{newline}data: b{newline}{newline}data: c{newline}{newline}"
    assert parse(stream) == [ServerSentEvent("a\nb"), ServerSentEvent("c")]


def test_incomplete_event_is_not_dispatched() -> None:
    assert parse("data: a\n\ndata: half") == [ServerSentEvent("a")]


def test_leading_bom_is_skipped() -> None:
    assert parse("\ufeffdata: a\n\n") == [ServerSentEvent("a")]


def test_split_at_every_position_gives_the_same_events() -> None:
    stream = "\ufeff: hi\r\ndata: Привет\r\ndata: 🎉\r\rdata:x\n\nevent: e\ndata: y\r\n\r\n"
    expected = [ServerSentEvent("Привет\n🎉"), ServerSentEvent("x"), ServerSentEvent("y", "e")]
    assert parse(stream) == expected
    for cut in range(len(stream) + 1):
        assert parse(stream[:cut], stream[cut:]) == expected, cut
    assert parse(*stream) == expected


def test_error_message_prefers_the_json_error_message() -> None:
    assert error_message('{"error": {"message": "invalid API key"}}') == "invalid API key"
    assert error_message('{"error": "nope"}') == "nope"
    assert error_message("<html>bad gateway</html>") == "<html>bad gateway</html>"


# --- the request -----------------------------------------------------------------------------


async def test_body_has_model_history_and_stream(server: FakeOpenAI) -> None:
    chunks = await collect(HISTORY, model="gpt-4o-mini", url=server.url)
    assert "".join(chunks) == echo_answer("Как дела?")
    (request,) = server.requests
    assert request.path == "/v1/chat/completions"
    assert request.json == {"model": "gpt-4o-mini", "messages": HISTORY, "stream": True}
    assert request.headers["accept"] == "text/event-stream"
    assert request.headers["content-type"] == "application/json"


async def test_authorization_header_only_with_a_key(server: FakeOpenAI) -> None:
    await collect(user("a"), url=server.url, api_key="sk-test")
    await collect(user("b"), url=server.url)
    await collect(user("c"), url=server.url, api_key="")
    assert server.requests[0].headers["authorization"] == "Bearer sk-test"
    assert "authorization" not in server.requests[1].headers
    assert "authorization" not in server.requests[2].headers


async def test_default_url_and_proxy() -> None:
    done = f"data: {delta('ok')}\n\ndata: [DONE]\n\n"
    endpoint = "https://api.openai.com/v1/chat/completions"
    with aioresponses() as mock:
        mock.post(endpoint, body=done, response_class=MockResponse)
        chunks = await collect(user("x"), proxy="http://127.0.0.1:3128", api_key="k")
        ((_, url), calls) = next(iter(mock.requests.items()))
    assert chunks == ["ok"]
    assert str(url) == endpoint
    assert calls[0].kwargs["proxy"] == "http://127.0.0.1:3128"
    assert calls[0].kwargs["headers"]["Authorization"] == "Bearer k"


# --- the stream ------------------------------------------------------------------------------


async def test_chunks_are_yielded_one_per_event(server: FakeOpenAI) -> None:
    server.push(Script(chunks=["Hel", "lo", ", ", "world"]))
    assert await collect(user("x"), url=server.url) == ["Hel", "lo", ", ", "world"]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
async def test_multi_line_data_and_any_line_ending_split_into_bytes(
    server: FakeOpenAI, newline: str
) -> None:
    script = Script(
        chunks=[MIXED, "!"], data_lines=True, newline=newline, split_writes=3, split_delay=0.0005
    )
    server.push(script)
    assert "".join(await collect(user("x"), url=server.url)) == MIXED + "!"


async def test_comments_no_space_and_usage_chunks_between_events(server: FakeOpenAI) -> None:
    usage = json.dumps({"choices": [], "usage": {"total_tokens": 3}})
    raw = f": ping\r\ndata:{delta('b')}\r\n\r\ndata: {usage}\n\n".encode()
    server.push(Script(chunks=["a", raw, "c"]))
    assert await collect(user("x"), url=server.url) == ["a", "b", "c"]


async def test_done_ends_the_stream_even_if_the_connection_stays_open(
    server: FakeOpenAI,
) -> None:
    server.push(Script(chunks=["a", "b"], hold_open=True))
    # An idle timeout of 30 s: only [DONE], not the end of the body, can finish this in time.
    assert await collect(user("x"), url=server.url, timeout=30) == ["a", "b"]


async def test_events_after_done_are_ignored(server: FakeOpenAI) -> None:
    server.push(Script(chunks=["a", b"data: [DONE]\n\n", "never"]))
    assert await collect(user("x"), url=server.url) == ["a"]


@pytest.mark.parametrize(
    ("kind", "text", "error"),
    [
        ("server_error", "Something broke", BackendUnavailable),
        ("overloaded_error", "Try later", BackendUnavailable),
        ("", "The model is overloaded", BackendUnavailable),
        ("invalid_request_error", "Bad request", BackendRejected),
    ],
)
async def test_error_event_after_chunks(
    server: FakeOpenAI, kind: str, text: str, error: type[Exception]
) -> None:
    server.push(Script(chunks=["a", "b"], sse_error=text, sse_error_type=kind))
    seen: list[object] = []
    with pytest.raises(error) as caught:
        async for chunk in OpenAI.create_async_generator("m", user("x"), url=server.url):
            seen.append(chunk)
    assert seen == ["a", "b"]
    assert str(caught.value) == f"error from {server.url}/chat/completions: {text}"


async def test_rejected_error_event_without_transient_words(server: FakeOpenAI) -> None:
    server.push(Script(sse_error="content policy", sse_error_type="invalid_request_error"))
    with pytest.raises(BackendRejected, match="content policy"):
        await collect(user("x"), url=server.url)


async def test_malformed_event_is_unavailable(server: FakeOpenAI) -> None:
    server.push(Script(chunks=["a", b"data: {not json\n\n"]))
    with pytest.raises(BackendUnavailable) as caught:
        await collect(user("x"), url=server.url)
    assert str(caught.value) == f"malformed event from {server.url}/chat/completions"


async def test_http_401_quotes_the_error_message(server: FakeOpenAI) -> None:
    server.push(Script(status=401, error_body="invalid API key"))
    with pytest.raises(BackendRejected) as caught:
        await collect(user("x"), url=server.url, api_key="bad")
    assert str(caught.value) == f"HTTP 401 from {server.url}/chat/completions: invalid API key"


async def test_non_json_error_body_is_quoted_raw(server: FakeOpenAI) -> None:
    server.push(Script(status=502, error_body="Bad Gateway", error_json=False))
    with pytest.raises(BackendUnavailable, match=r"HTTP 502 from .*: Bad Gateway$"):
        await collect(user("x"), url=server.url)


async def test_body_ending_without_done_or_finish_is_unavailable() -> None:
    url = "http://openai.example/v1"
    with aioresponses() as mock:
        body = f"data: {delta('cut')}\n\n"
        mock.post(f"{url}/chat/completions", body=body, response_class=MockResponse)
        seen: list[object] = []
        with pytest.raises(BackendUnavailable, match="ended before the answer finished"):
            async for text in OpenAI.create_async_generator("m", user("x"), url=url):
                seen.append(text)
    assert seen == ["cut"]


async def test_body_ending_after_finish_reason_without_done_is_complete() -> None:
    url = "http://openai.example/v1"
    finish = json.dumps({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    with aioresponses() as mock:
        body = f"data: {delta('whole')}\n\ndata: {finish}\n\n"
        mock.post(f"{url}/chat/completions", body=body, response_class=MockResponse)
        assert await collect(user("x"), url=url) == ["whole"]


async def test_a_404_from_a_base_url_without_v1_says_to_add_it(server: FakeOpenAI) -> None:
    root = server.url.removesuffix("/v1")
    with pytest.raises(BackendRejected) as error:
        await collect(user("hi"), url=root)
    assert f"HTTP 404 from {root}/chat/completions" in str(error.value)
    assert f"OPENAI_BASE_URL usually ends in /v1: try {root}/v1" in str(error.value)
    server.push(Script(status=404, error_body="model 'x' not found"))
    with pytest.raises(BackendRejected) as error:
        await collect(user("hi"), url=server.url)  # with /v1, a 404 is about something else
    assert "/v1:" not in str(error.value) and "model 'x' not found" in str(error.value)
