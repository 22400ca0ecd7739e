"""Cromicle provider: the exact request it sends, and how it streams and fails against a server."""

from __future__ import annotations

import asyncio
import itertools
import socket
from collections.abc import AsyncIterator, Sequence
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses
from yarl import URL

from bot.providers.base import (
    BackendError,
    BackendRejected,
    BackendTimeout,
    BackendUnavailable,
    decode_stream,
    format_prompt,
)
from bot.providers.cromicle import Cromicle, _create_header, _create_payload
from tests.servers.backends import FakeCromicle, Lockstep, MockResponse, Script, echo_answer

DEFAULT_CHAT = URL("https://cromicle.top/chat")
HISTORY = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "hi"},
    {"role": "assistant", "content": "hello"},
    {"role": "user", "content": "how are you?"},
]
MIXED = "Привет, 世界! 🎉👍🏽 ok"


@pytest.fixture
async def server() -> AsyncIterator[FakeCromicle]:
    async with FakeCromicle() as fake:
        yield fake


async def collect(messages: Sequence[dict[str, str]], **kwargs: Any) -> list[str]:
    stream = Cromicle.create_async_generator("", messages, **kwargs)
    return [chunk async for chunk in stream if isinstance(chunk, str)]


def user(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


# --- the request, checked without a network --------------------------------------------------


def test_create_header_is_exact() -> None:
    assert _create_header() == {"accept": "*/*", "content-type": "application/json"}


@pytest.mark.parametrize(
    ("message", "digest"),
    [
        # sha256 of "abc" + message, computed outside Python (`printf 'abc...' | sha256sum`).
        ("hello", "2cb9c710242d0e384bb068a76a664a10f3970c7e81d58059378cfd5f5ba12b0f"),
        ("Привет, мир!", "86db71f5f22d63c0dd20c53a1605c744922100d39ae9f45e3906d3982e918b4f"),
        ("", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    ],
)
def test_create_payload_is_exact(message: str, digest: str) -> None:
    assert _create_payload(message) == {"message": message, "token": "abc", "hash": digest}


def test_prompt_of_one_message_is_its_content() -> None:
    assert format_prompt(user("Привет")) == "Привет"


def test_prompt_of_a_history_is_role_lines_ending_with_assistant() -> None:
    assert format_prompt(HISTORY) == (
        "System: Be brief.\nUser: hi\nAssistant: hello\nUser: how are you?\nAssistant:"
    )


async def test_request_goes_to_default_url_with_exact_headers_payload_and_hash() -> None:
    with aioresponses() as mock:
        mock.post(str(DEFAULT_CHAT), body="ok", response_class=MockResponse)
        assert await collect(HISTORY[1:]) == ["ok"]
        (call,) = mock.requests[("POST", DEFAULT_CHAT)]
    prompt = "User: hi\nAssistant: hello\nUser: how are you?\nAssistant:"
    assert call.kwargs["headers"] == {"accept": "*/*", "content-type": "application/json"}
    assert call.kwargs["json"] == {
        "message": prompt,
        "token": "abc",
        "hash": "46837fffa059e40768076872146f7ad616948daf88dfc116ab8f80f10484c790",
    }
    assert call.kwargs["proxy"] is None


async def test_url_override_and_proxy_are_passed_through() -> None:
    with aioresponses() as mock:
        mock.post("http://cromicle.example/base/chat", body="ok", response_class=MockResponse)
        chunks = await collect(
            user("hi"), url="http://cromicle.example/base/", proxy="http://127.0.0.1:3128"
        )
        (call,) = mock.requests[("POST", URL("http://cromicle.example/base/chat"))]
    assert chunks == ["ok"]
    assert call.kwargs["proxy"] == "http://127.0.0.1:3128"
    assert call.kwargs["json"]["message"] == "hi"


async def test_decode_stream_keeps_characters_split_anywhere() -> None:
    data = MIXED.encode()

    async def pieces(cuts: tuple[int, ...]) -> AsyncIterator[bytes]:
        bounds = (0, *cuts, len(data))
        for start, end in itertools.pairwise(bounds):
            yield data[start:end]

    for first in range(len(data) + 1):
        for second in range(first, len(data) + 1):
            text = "".join([t async for t in decode_stream(pieces((first, second)))])
            assert text == MIXED, (first, second)


# --- against a real local server -------------------------------------------------------------


async def test_echo_answer_by_default(server: FakeCromicle) -> None:
    assert "".join(await collect(user("Привет"), url=server.url)) == echo_answer("Привет")
    assert server.requests[0].path == "/chat"
    assert server.requests[0].json == _create_payload("Привет")


async def test_each_chunk_is_yielded_before_the_server_sends_the_next(
    server: FakeCromicle,
) -> None:
    chunks = ["one ", "two ", "three"]
    lock = Lockstep(chunks)
    # The server only sends chunk i after the consumer has seen chunk i-1; a provider that
    # buffered would deadlock here and hit the timeout.
    server.push(Script(chunks=list(chunks), gate=lock.gate))
    async with asyncio.timeout(5):
        async for text in Cromicle.create_async_generator("", user("x"), url=server.url):
            assert server.requests[0].sent == len(lock.texts) + 1
            lock.received(text)
    assert lock.texts == chunks


async def test_utf8_split_at_every_byte_position_comes_out_intact(server: FakeCromicle) -> None:
    data = MIXED.encode()
    async with aiohttp.ClientSession() as session:
        for cut in range(1, len(data)):
            server.push(Script(chunks=[data[:cut], data[cut:]], delay=0.002))
            text = "".join(await collect(user("x"), url=server.url, session=session))
            assert text == MIXED, cut
    assert len(server.requests) == len(data) - 1


async def test_http_500_is_unavailable_naming_url_and_status(server: FakeCromicle) -> None:
    server.push(Script(status=500, error_body="internal trouble"))
    with pytest.raises(BackendUnavailable) as caught:
        await collect(user("x"), url=server.url)
    assert f"HTTP 500 from {server.url}/chat" in str(caught.value)
    assert caught.value.url == f"{server.url}/chat"
    assert caught.value.backend == "cromicle"


async def test_http_400_is_rejected_quoting_the_body(server: FakeCromicle) -> None:
    server.push(Script(status=400, error_body="prompt too long"))
    with pytest.raises(BackendRejected) as caught:
        await collect(user("x"), url=server.url)
    assert str(caught.value) == f"HTTP 400 from {server.url}/chat: prompt too long"


async def test_stall_past_idle_timeout_is_a_timeout(server: FakeCromicle) -> None:
    server.push(Script(chunks=["partial"], stall_after=1))
    seen: list[object] = []
    with pytest.raises(BackendTimeout, match=r"no chunk from .* within 0\.3 s"):
        async with asyncio.timeout(5):
            async for text in Cromicle.create_async_generator(
                "", user("x"), url=server.url, timeout=0.3
            ):
                seen.append(text)
    assert seen == ["partial"]


async def test_drop_mid_stream_yields_the_chunks_then_unavailable(server: FakeCromicle) -> None:
    chunks = ["first ", "second "]
    lock = Lockstep(chunks)
    server.push(Script(chunks=[*chunks, "never"], drop_after=2, gate=lock.gate))
    with pytest.raises(BackendUnavailable, match="dropped mid-answer"):
        async with asyncio.timeout(5):
            async for text in Cromicle.create_async_generator("", user("x"), url=server.url):
                lock.received(text)
    assert lock.texts == chunks


async def test_connection_refused_is_unavailable() -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(BackendUnavailable) as caught:
        await collect(user("x"), url=url)
    assert str(caught.value) == f"connection refused at {url}/chat"
    assert caught.value.retriable


async def test_shared_session_is_used_and_left_open(server: FakeCromicle) -> None:
    async with aiohttp.ClientSession(headers={"x-shared": "yes"}) as session:
        await collect(user("a"), url=server.url, session=session)
        server.push(Script(status=503, error_body="busy"))
        with pytest.raises(BackendError):
            await collect(user("b"), url=server.url, session=session)
        assert not session.closed
        await collect(user("c"), url=server.url, session=session)
    assert [r.headers.get("x-shared") for r in server.requests] == ["yes"] * 3


async def test_stopping_early_releases_the_connection(server: FakeCromicle) -> None:
    lock = Lockstep(["a", "b"])
    server.push(Script(chunks=["a", "b"], stall_after=1, gate=lock.gate))
    stream = Cromicle.create_async_generator("", user("x"), url=server.url)
    assert await anext(stream) == "a"
    await server.wait_for_active(1)
    await stream.aclose()
    await server.wait_for_active(0, timeout=5)


async def test_a_server_that_takes_the_request_and_never_answers_is_a_timeout() -> None:
    # It accepts the connection and reads the request, but sends no status line, no headers.
    requests: list[bytes] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        requests.append(await reader.read(65536))
        await asyncio.sleep(30)
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        with pytest.raises(BackendTimeout, match=r"within 0\.3 s"):
            async with asyncio.timeout(5):
                async for _ in Cromicle.create_async_generator(
                    "", user("x"), url=f"http://127.0.0.1:{port}", timeout=0.3
                ):
                    pass
    finally:
        server.close()
    assert requests and requests[0].startswith(b"POST /chat ")
