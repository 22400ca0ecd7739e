"""Every recorded server dialect in tests/providers/dialects/, replayed through the real provider.

Each NAME.sse is a response body as a real server sends it (recorded, or written from the
server's documentation and source: NAME.json says which) and NAME.json says what the bot must
get out of it. The body is served by a local aiohttp server on 127.0.0.1 whole, line by line
and byte by byte, with its own line endings and with CRLF; and fed to the pure reader one byte
at a time, so every split inside a UTF-8 sequence and between CR and LF is seen.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.plan import Note
from bot.providers.base import (
    BackendError,
    Chunk,
    FinishReason,
    Reasoning,
    ThinkingClosed,
    ToolCallDelta,
    Usage,
    decode_stream,
)
from bot.providers.openai import OpenAI, StreamReader
from bot.reasoning import split_thinking

HERE = Path(__file__).parent / "dialects"
NAMES = sorted(path.stem for path in HERE.glob("*.sse"))
USER = [{"role": "user", "content": "hi"}]


@dataclass(frozen=True)
class Fixture:
    """One recorded body and what must come out of it."""

    name: str
    body: bytes
    status: int
    expect: dict[str, Any]
    split: dict[str, Any] | None

    @classmethod
    def load(cls, name: str) -> Fixture:
        sidecar = json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))
        assert sidecar["server"] and sidecar["source"], f"{name}.json must say where it is from"
        return cls(
            name=name,
            body=(HERE / f"{name}.sse").read_bytes(),
            status=int(sidecar.get("status", sidecar["expect"].get("status", 200))),
            expect=sidecar["expect"],
            split=sidecar.get("split"),
        )

    def crlf(self) -> bytes:
        """The body with CRLF line endings (unchanged if it already has CRs)."""
        return self.body if b"\r" in self.body else self.body.replace(b"\n", b"\r\n")


@dataclass
class Outcome:
    """What a consumer saw: text, thoughts, tool calls merged by index, usage, ending."""

    text: str = ""
    thoughts: str = ""
    calls: dict[int, dict[str, Any]] = field(default_factory=dict)
    usage: list[int] | None = None
    ending: str | None = None
    error: str | None = None
    kinds: list[str] = field(default_factory=list)

    def add(self, chunk: Chunk) -> None:
        self.kinds.append(type(chunk).__name__)
        if isinstance(chunk, str):
            self.text += chunk
        elif isinstance(chunk, Reasoning):
            self.thoughts += chunk.text
        elif isinstance(chunk, ToolCallDelta):
            merged = self.calls.setdefault(
                chunk.index, {"index": chunk.index, "id": None, "name": None, "arguments": ""}
            )
            merged["id"] = merged["id"] or chunk.id
            merged["name"] = merged["name"] or chunk.name
            merged["arguments"] += chunk.arguments
        elif isinstance(chunk, FinishReason):
            assert self.ending is None, "a second finish reason"
            self.ending = chunk.reason
        elif isinstance(chunk, Usage):
            assert self.usage is None, "a second usage"
            self.usage = [chunk.prompt_tokens, chunk.completion_tokens]

    def check(self, fixture: Fixture) -> None:
        expect = fixture.expect
        assert self.error == expect.get("error"), fixture.name
        assert self.text == expect.get("text", ""), fixture.name
        if "error" in expect:
            return
        assert self.thoughts == expect["thoughts"], fixture.name
        calls = [self.calls[index] for index in sorted(self.calls)]
        assert calls == expect["tool_calls"], fixture.name
        assert self.usage == expect["usage"], fixture.name
        assert self.ending == expect["ending"], fixture.name
        # Order: the finish reason ends the answer, usage (if any) comes last.
        if "FinishReason" in self.kinds:
            after = self.kinds[self.kinds.index("FinishReason") + 1 :]
            assert set(after) <= {"Usage"}, (fixture.name, self.kinds)
        if "Usage" in self.kinds:
            assert self.kinds[-1] == "Usage", (fixture.name, self.kinds)


def pieces(body: bytes, how: str) -> Iterator[bytes]:
    """The body cut as a server might write it."""
    if how == "whole":
        yield body
    elif how == "lines":
        start = 0
        for position, byte in enumerate(body):
            lone_cr = byte == ord("\r") and body[position + 1 : position + 2] != b"\n"
            if byte == ord("\n") or lone_cr:
                yield body[start : position + 1]
                start = position + 1
        if start < len(body):
            yield body[start:]
    else:
        yield from (body[i : i + 1] for i in range(len(body)))


class Replay:
    """A local server answering every chat request with one fixture, cut as told."""

    def __init__(self) -> None:
        self.body = b""
        self.status = 200
        self.how = "whole"
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> Replay:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._answer)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/v1"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        await request.read()
        if self.status != 200:
            return web.Response(
                status=self.status, body=self.body, content_type="application/json"
            )
        response = web.StreamResponse(headers={"content-type": "text/event-stream"})
        await response.prepare(request)
        for piece in pieces(self.body, self.how):
            await response.write(piece)
        await response.write_eof()
        return response


@pytest.fixture(scope="module")
def fixtures() -> dict[str, Fixture]:
    return {name: Fixture.load(name) for name in NAMES}


async def provider_outcome(server: Replay, **kwargs: Any) -> tuple[Outcome, list[Chunk]]:
    outcome, chunks = Outcome(), []
    try:
        async with asyncio.timeout(20):
            async for chunk in OpenAI.create_async_generator("m", USER, url=server.url, **kwargs):
                chunks.append(chunk)
                outcome.add(chunk)
    except BackendError as exc:
        outcome.error = type(exc).__name__
    return outcome, chunks


def test_the_corpus_covers_the_servers_the_brief_names() -> None:
    prefixes = {name.split(".")[0] for name in NAMES}
    wanted = {
        "llama-server", "vllm", "sglang", "ollama", "lmstudio", "litellm", "mistral",
        "deepseek", "openrouter", "groq", "openai",
    }  # fmt: skip
    assert wanted <= prefixes, wanted - prefixes
    captured = {
        name.split(".")[0]
        for name in NAMES
        if json.loads((HERE / f"{name}.json").read_text("utf-8"))["source"].startswith(
            "real capture"
        )
    }
    assert {"litellm", "llama-server"} <= captured, captured


@pytest.mark.parametrize("how", ["whole", "lines", "bytes"])
@pytest.mark.parametrize("name", NAMES)
async def test_replayed_over_tcp(fixtures: dict[str, Fixture], name: str, how: str) -> None:
    fixture = fixtures[name]
    async with Replay() as server:
        server.body, server.status, server.how = fixture.body, fixture.status, how
        outcome, chunks = await provider_outcome(server)
        outcome.check(fixture)
        if how == "lines" and fixture.status == 200:
            server.body = fixture.crlf()
            crlf, _ = await provider_outcome(server)
            crlf.check(fixture)
    if how == "whole" and "error" not in fixture.expect:
        await check_split(fixture, chunks)


async def check_split(fixture: Fixture, chunks: Sequence[Chunk]) -> None:
    """Through split_thinking: inline thoughts as the sidecar says, anything else unchanged."""

    async def replay() -> AsyncGenerator[Chunk | Note, None]:
        for chunk in chunks:
            yield chunk

    thoughts, answer, closed = "", "", False
    async for piece in split_thinking(replay()):
        if isinstance(piece, ThinkingClosed):
            thoughts, answer, closed = thoughts + answer, "", True
        elif isinstance(piece, Reasoning):
            thoughts += piece.text
        elif isinstance(piece, str):
            answer += piece
    expected = fixture.split or {
        "thoughts": fixture.expect["thoughts"],
        "answer": fixture.expect["text"],
        "closed": False,
    }
    assert (thoughts, answer, closed) == (
        expected["thoughts"],
        expected["answer"],
        expected["closed"],
    ), fixture.name


@pytest.mark.parametrize("ending", ["as-is", "crlf"])
@pytest.mark.parametrize("name", NAMES)
async def test_fed_byte_by_byte_to_the_reader(
    fixtures: dict[str, Fixture], name: str, ending: str
) -> None:
    """Every split point at once: one byte per read, through the provider's own decoder."""
    fixture = fixtures[name]
    if fixture.status != 200:
        pytest.skip("an HTTP error is not a stream")
    body = fixture.body if ending == "as-is" else fixture.crlf()

    async def one_byte_reads() -> AsyncIterator[bytes]:
        for index in range(len(body)):
            yield body[index : index + 1]

    reader = StreamReader(backend="openai", url="http://127.0.0.1/v1/chat/completions")
    outcome = Outcome()
    try:
        async for text in decode_stream(one_byte_reads()):
            for chunk in reader.feed(text):
                outcome.add(chunk)
    except BackendError as exc:
        outcome.error = type(exc).__name__
    if reader.usage is not None and outcome.error is None:
        outcome.add(reader.usage)
    if outcome.error is None:
        assert reader.done or reader.finished, name
    outcome.check(fixture)
