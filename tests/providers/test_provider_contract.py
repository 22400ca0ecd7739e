"""The behaviour every provider promises the bot, checked for each against its local server."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.providers.base import (
    AsyncGeneratorProvider,
    AsyncResult,
    BackendRejected,
    BackendTimeout,
    BackendUnavailable,
)
from bot.providers.cromicle import Cromicle
from bot.providers.openai import OpenAI
from tests.servers.backends import FakeCromicle, FakeOpenAI, Lockstep, Script, echo_answer

MIXED = "Ёжик 世界 🎉👍🏽 done"


@dataclass
class Harness:
    """One provider wired to its fake server."""

    provider: type[AsyncGeneratorProvider]
    server: FakeCromicle | FakeOpenAI
    endpoint: str

    def stream(self, text: str = "hello", **kwargs: Any) -> AsyncResult:
        kwargs.setdefault("url", self.server.url)
        messages = [{"role": "user", "content": text}]
        return self.provider.create_async_generator("gpt-test", messages, **kwargs)

    async def collect(self, text: str = "hello", **kwargs: Any) -> list[str]:
        async with asyncio.timeout(10):
            return [chunk async for chunk in self.stream(text, **kwargs) if isinstance(chunk, str)]


@pytest.fixture(params=["cromicle", "openai"])
async def harness(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    if request.param == "cromicle":
        async with FakeCromicle() as cromicle:
            yield Harness(Cromicle, cromicle, f"{cromicle.url}/chat")
    else:
        async with FakeOpenAI() as openai:
            yield Harness(OpenAI, openai, f"{openai.url}/chat/completions")


async def test_unscripted_request_gets_the_echo(harness: Harness) -> None:
    assert "".join(await harness.collect("Привет")) == echo_answer("Привет")


async def test_chunks_arrive_in_order_one_by_one(harness: Harness) -> None:
    chunks = ["alpha ", "beta ", "gamma ", "delta"]
    lock = Lockstep(chunks)
    harness.server.push(Script(chunks=list(chunks), gate=lock.gate))
    async with asyncio.timeout(10):
        async for text in harness.stream():
            if isinstance(text, str):
                lock.received(text)
    assert lock.texts == chunks


@pytest.mark.parametrize("size", [1, 2, 3, 7])
async def test_utf8_survives_arbitrary_byte_splits(harness: Harness, size: int) -> None:
    # Each slice is read on its own (split_delay), so characters really arrive in pieces.
    script = Script(chunks=[MIXED[:7], MIXED[7:]], split_writes=size, split_delay=0.0005)
    harness.server.push(script)
    assert "".join(await harness.collect()) == MIXED


async def test_http_500_is_unavailable(harness: Harness) -> None:
    harness.server.push(Script(status=500, error_body="internal error"))
    with pytest.raises(BackendUnavailable) as caught:
        await harness.collect()
    assert str(caught.value) == f"HTTP 500 from {harness.endpoint}: internal error"
    assert caught.value.url == harness.endpoint
    assert caught.value.backend == harness.provider.name()


async def test_http_400_is_rejected_with_the_servers_message(harness: Harness) -> None:
    harness.server.push(Script(status=400, error_body="context length exceeded"))
    with pytest.raises(BackendRejected) as caught:
        await harness.collect()
    assert str(caught.value) == f"HTTP 400 from {harness.endpoint}: context length exceeded"
    assert not caught.value.retriable


async def test_stall_is_a_timeout(harness: Harness) -> None:
    harness.server.push(Script(chunks=["before ", "after"], stall_after=1))
    seen: list[object] = []
    with pytest.raises(BackendTimeout) as caught:
        async with asyncio.timeout(10):
            async for text in harness.stream(timeout=0.3):
                seen.append(text)
    assert seen == ["before "]
    assert str(caught.value) == f"no chunk from {harness.endpoint} within 0.3 s"


async def test_stall_before_any_chunk_is_a_timeout(harness: Harness) -> None:
    harness.server.push(Script(chunks=["never"], stall_after=0))
    with pytest.raises(BackendTimeout):
        await harness.collect(timeout=0.3)


async def test_drop_mid_stream_yields_partial_chunks_then_unavailable(harness: Harness) -> None:
    chunks = ["one ", "two "]
    lock = Lockstep(chunks)
    harness.server.push(Script(chunks=[*chunks, "three"], drop_after=2, gate=lock.gate))
    with pytest.raises(BackendUnavailable) as caught:
        async with asyncio.timeout(10):
            async for text in harness.stream():
                lock.received(text)
    assert lock.texts == chunks
    assert str(caught.value) == f"connection to {harness.endpoint} dropped mid-answer"


async def test_refused_connection_is_unavailable(harness: Harness) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}" + ("/v1" if harness.provider is OpenAI else "")
    endpoint = harness.endpoint.replace(harness.server.url, base)
    with pytest.raises(BackendUnavailable) as caught:
        await harness.collect(url=base)
    assert str(caught.value) == f"connection refused at {endpoint}"


async def test_stopping_early_releases_the_connection(harness: Harness) -> None:
    harness.server.push(Script(chunks=["first", "second"], stall_after=1))
    stream = harness.stream()
    assert await anext(stream) == "first"
    await harness.server.wait_for_active(1)
    await stream.aclose()
    await harness.server.wait_for_active(0, timeout=5)
