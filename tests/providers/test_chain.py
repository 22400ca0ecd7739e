"""FailoverChain: retries before the first chunk, moves on when it must, never repeats text."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field

import aiohttp
import pytest

from bot.providers.base import (
    Backend,
    BackendEmpty,
    BackendError,
    BackendRejected,
    BackendTimeout,
    BackendUnavailable,
    Chunk,
    Messages,
)
from bot.providers.chain import FailoverChain
from bot.providers.cromicle import Cromicle
from bot.providers.openai import OpenAI
from tests.servers.backends import FakeCromicle, FakeOpenAI, Lockstep, Script, echo_answer

SECRET = "my secret question"
MESSAGES = [{"role": "user", "content": SECRET}]
LOGGER = "bot.providers.chain"


@dataclass
class Attempt:
    """What one call to a scripted backend does: yield `chunks`, then raise `error` if set."""

    chunks: list[str] = field(default_factory=list)
    error: BackendError | None = None


@dataclass
class Scripted:
    """An in-memory ChatBackend that plays one Attempt per call and records what happened."""

    name: str
    attempts: list[Attempt]
    calls: int = 0
    closed: int = 0
    started: asyncio.Event = field(default_factory=asyncio.Event)

    async def stream(self, messages: Messages) -> AsyncGenerator[Chunk, None]:
        attempt = self.attempts[min(self.calls, len(self.attempts) - 1)]
        self.calls += 1
        try:
            for chunk in attempt.chunks:
                yield chunk
                self.started.set()
            if attempt.error is not None:
                raise attempt.error
        finally:
            self.closed += 1


class Sleeps:
    """An injected sleep that records the waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def down(name: str = "x") -> BackendUnavailable:
    return BackendUnavailable(f"connection refused at http://{name}.invalid", backend=name)


async def collect(chain: FailoverChain) -> list[str]:
    """The answer's text chunks (finish reasons and thinking left out)."""
    async with asyncio.timeout(10):
        return [chunk async for chunk in chain.stream(MESSAGES) if isinstance(chunk, str)]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_name_joins_the_backend_names() -> None:
    chain = FailoverChain([Scripted("cromicle", [Attempt()]), Scripted("openai", [Attempt()])])
    assert chain.name == "cromicle,openai"


def test_needs_a_backend() -> None:
    with pytest.raises(ValueError, match="at least one backend"):
        FailoverChain([])


async def test_first_backend_answering_is_used_alone() -> None:
    first = Scripted("a", [Attempt(["x", "y"])])
    second = Scripted("b", [Attempt(["never"])])
    assert await collect(FailoverChain([first, second])) == ["x", "y"]
    assert (first.calls, second.calls) == (1, 0)


async def test_unavailable_is_retried_with_exponential_backoff_then_next_backend() -> None:
    first = Scripted("a", [Attempt(error=down("a"))])
    second = Scripted("b", [Attempt(["ok"])])
    sleeps = Sleeps()
    chain = FailoverChain([first, second], retries=3, backoff=0.5, sleep=sleeps)
    assert await collect(chain) == ["ok"]
    assert first.calls == 4
    assert sleeps.waits == [0.5, 1.0, 2.0]
    assert first.closed == 4  # every failed attempt's generator was closed


async def test_timeout_is_retried_and_a_retry_can_succeed() -> None:
    first = Scripted("a", [Attempt(error=BackendTimeout("no chunk")), Attempt(["late"])])
    sleeps = Sleeps()
    chain = FailoverChain([first, Scripted("b", [Attempt(["never"])])], retries=1, sleep=sleeps)
    assert await collect(chain) == ["late"]
    assert first.calls == 2
    assert sleeps.waits == [0.5]


async def test_zero_retries_moves_on_at_once() -> None:
    first = Scripted("a", [Attempt(error=down("a"))])
    sleeps = Sleeps()
    chain = FailoverChain([first, Scripted("b", [Attempt(["ok"])])], retries=0, sleep=sleeps)
    assert await collect(chain) == ["ok"]
    assert (first.calls, sleeps.waits) == (1, [])


async def test_rejected_is_not_retried() -> None:
    first = Scripted("a", [Attempt(error=BackendRejected("HTTP 401: bad key"))])
    second = Scripted("b", [Attempt(["ok"])])
    sleeps = Sleeps()
    chain = FailoverChain([first, second], retries=3, sleep=sleeps)
    assert await collect(chain) == ["ok"]
    assert (first.calls, second.calls, sleeps.waits) == (1, 1, [])


async def test_error_after_the_first_chunk_propagates_without_retry() -> None:
    error = down("a")
    first = Scripted("a", [Attempt(["shown "], error=error), Attempt(["again"])])
    second = Scripted("b", [Attempt(["other"])])
    sleeps = Sleeps()
    chain = FailoverChain([first, second], retries=2, sleep=sleeps)
    seen: list[object] = []
    with pytest.raises(BackendUnavailable) as caught:
        async for chunk in chain.stream(MESSAGES):
            seen.append(chunk)
    assert caught.value is error
    assert seen == ["shown "]
    assert (first.calls, second.calls, sleeps.waits) == (1, 0, [])


async def test_all_failing_raises_the_last_error_itself() -> None:
    last = BackendRejected("HTTP 404 from http://b.invalid: unknown model", backend="b")
    chain = FailoverChain(
        [Scripted("a", [Attempt(error=down("a"))]), Scripted("b", [Attempt(error=last)])],
        retries=1,
        sleep=Sleeps(),
    )
    with pytest.raises(BackendRejected) as caught:
        await collect(chain)
    assert caught.value is last
    assert str(caught.value) == "HTTP 404 from http://b.invalid: unknown model"


async def test_all_failing_keeps_the_type_of_the_last_error() -> None:
    last = BackendTimeout("no chunk from http://b.invalid within 1 s")
    chain = FailoverChain(
        [
            Scripted("a", [Attempt(error=BackendRejected("no"))]),
            Scripted("b", [Attempt(error=last)]),
        ],
        retries=0,
    )
    with pytest.raises(BackendTimeout) as caught:
        await collect(chain)
    assert caught.value is last


async def test_empty_answer_moves_on_without_retry() -> None:
    first = Scripted("a", [Attempt()])
    sleeps = Sleeps()
    chain = FailoverChain([first, Scripted("b", [Attempt(["ok"])])], retries=2, sleep=sleeps)
    assert await collect(chain) == ["ok"]
    assert (first.calls, sleeps.waits) == (1, [])


async def test_an_empty_answer_is_named_as_such() -> None:
    with pytest.raises(BackendEmpty, match="empty answer from a"):
        await collect(FailoverChain([Scripted("a", [Attempt()])]))


async def test_every_failure_is_logged_without_message_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger=LOGGER)
    chain = FailoverChain(
        [
            Scripted("alpha", [Attempt(error=down("alpha"))]),
            Scripted("beta", [Attempt(error=BackendRejected("HTTP 401: invalid key"))]),
        ],
        retries=1,
        sleep=Sleeps(),
    )
    with pytest.raises(BackendRejected):
        await collect(chain)
    records = [r for r in caplog.records if r.name == LOGGER]
    assert [r.levelno for r in records] == [logging.WARNING] * 3
    messages = [r.getMessage() for r in records]
    assert "alpha" in messages[0] and "attempt 1 of 2" in messages[0]
    assert "retrying in 0.5 s" in messages[0]
    assert "alpha" in messages[1] and "attempt 2 of 2" in messages[1]
    assert "trying beta" in messages[1]
    assert "beta" in messages[2] and "invalid key" in messages[2]
    assert "no backend left" in messages[2]
    assert SECRET not in caplog.text


async def test_closing_the_chain_closes_the_inner_stream() -> None:
    inner = Scripted("a", [Attempt(["one", "two", "three"])])
    stream = FailoverChain([inner]).stream(MESSAGES)
    assert await anext(stream) == "one"
    assert inner.closed == 0
    await stream.aclose()
    assert inner.closed == 1


async def test_cancelling_a_waiting_chain_closes_the_inner_stream() -> None:
    gate = asyncio.Event()

    class Hanging(Scripted):
        async def stream(self, messages: Messages) -> AsyncGenerator[Chunk, None]:
            self.calls += 1
            try:
                self.started.set()
                await gate.wait()
                yield "never"
            finally:
                self.closed += 1

    inner = Hanging("a", [])
    task = asyncio.create_task(collect(FailoverChain([inner])))
    await asyncio.wait_for(inner.started.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert inner.closed == 1


# --- with real servers -------------------------------------------------------------------------


async def test_refused_first_backend_then_real_openai_answers() -> None:
    sleeps = Sleeps()
    async with FakeOpenAI() as openai, aiohttp.ClientSession() as session:
        refused = Backend(Cromicle, "m", url=f"http://127.0.0.1:{closed_port()}", session=session)
        live = Backend(OpenAI, "gpt-test", url=openai.url, session=session)
        chain = FailoverChain([refused, live], retries=1, backoff=0.25, sleep=sleeps)
        assert "".join(await collect(chain)) == echo_answer(SECRET)
    assert sleeps.waits == [0.25]
    assert len(openai.requests) == 1


async def test_real_servers_5xx_retried_then_second_answers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger=LOGGER)
    async with FakeCromicle() as cromicle, FakeOpenAI() as openai:
        cromicle.push(Script(status=503, error_body="busy"), Script(status=502, error_body="bad"))
        chain = FailoverChain(
            [Backend(Cromicle, "m", url=cromicle.url), Backend(OpenAI, "g", url=openai.url)],
            retries=1,
            sleep=Sleeps(),
        )
        assert "".join(await collect(chain)) == echo_answer(SECRET)
        assert (len(cromicle.requests), len(openai.requests)) == (2, 1)
    text = caplog.text
    assert "HTTP 503" in text and "HTTP 502" in text and SECRET not in text


async def test_real_server_drop_after_first_chunk_is_not_retried() -> None:
    lock = Lockstep(["half"])
    async with FakeCromicle() as cromicle, FakeOpenAI() as openai:
        cromicle.push(Script(chunks=["half", "never"], drop_after=1, gate=lock.gate))
        chain = FailoverChain(
            [Backend(Cromicle, "m", url=cromicle.url), Backend(OpenAI, "g", url=openai.url)],
            retries=2,
            sleep=Sleeps(),
        )
        with pytest.raises(BackendUnavailable, match="dropped mid-answer"):
            async with asyncio.timeout(10):
                async for chunk in chain.stream(MESSAGES):
                    lock.received(chunk)
        assert lock.texts == ["half"]
        assert (len(cromicle.requests), len(openai.requests)) == (1, 0)


async def test_closing_the_chain_releases_the_real_connection() -> None:
    async with FakeCromicle() as cromicle:
        cromicle.push(Script(chunks=["a", "b"], stall_after=1))
        stream = FailoverChain([Backend(Cromicle, "m", url=cromicle.url)]).stream(MESSAGES)
        assert await anext(stream) == "a"
        await cromicle.wait_for_active(1)
        await stream.aclose()
        await cromicle.wait_for_active(0, timeout=5)
