"""The tool loop with real parts only: an OpenAI-compatible server streaming tool calls over
HTTP (tests/servers/tool_backend.py), and the test MCP server as a real stdio subprocess."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from bot.providers.base import FinishReason, Usage
from bot.tools.events import LoopChunk, Outcome, ToolEnded, ToolStarted
from bot.tools.loop import ToolLimits, ToolLoop
from bot.tools.servers import ToolServers
from tests.servers.tool_backend import SHAPES, ToolBackend, reader
from tests.support.mcp import config_of, running, stdio_entry, wait_until_gone

pytestmark = pytest.mark.asyncio(loop_scope="module")

QUESTION = [{"role": "user", "content": "Weather in Oslo, and 2 + 3?"}]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def servers() -> AsyncIterator[ToolServers]:
    async with ToolServers(config_of(local=stdio_entry())) as running_servers:
        yield running_servers


@pytest_asyncio.fixture(loop_scope="module")
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def collect(loop: ToolLoop) -> list[LoopChunk]:
    async with asyncio.timeout(60), contextlib.aclosing(loop.run()) as chunks:
        return [chunk async for chunk in chunks]


@pytest.mark.parametrize("shape", SHAPES)
async def test_a_model_calls_two_tools_over_http_and_answers_with_their_results(
    servers: ToolServers, http: aiohttp.ClientSession, shape: str
) -> None:
    plan: list[tuple[str, dict[str, Any]]] = [
        ("weather", {"city": "Oslo"}),
        ("add", {"a": 2, "b": 3}),
    ]
    async with ToolBackend(plan, shape=shape) as backend:
        loop = ToolLoop(reader(backend.url, http), QUESTION, servers, private=True)
        chunks = await collect(loop)
    started = [c for c in chunks if isinstance(c, ToolStarted)]
    ended = {c.call_id: c for c in chunks if isinstance(c, ToolEnded)}
    assert [(s.server, s.tool, s.preview) for s in started] == [
        ("local", "weather", 'weather: "Oslo"'),
        ("local", "add", "add: a=2, b=3"),
    ]
    assert {e.outcome for e in ended.values()} == {Outcome.DONE}
    assert loop.answer == "Results: Oslo: 5 °C, light rain; 5"
    assert chunks[-2:] == [Usage(40, 10), FinishReason("stop")]
    offered = [tool["function"]["name"] for tool in backend.requests[0]["tools"]]
    assert "weather" in offered and "add" in offered
    assert [m["role"] for m in backend.requests[1]["messages"]] == [
        "user",
        "assistant",
        "tool",
        "tool",
    ]
    assert "weather" in loop.history_text() and "Oslo: 5 °C, light rain" in loop.history_text()


async def test_a_hanging_tool_is_cut_at_tool_timeout_and_the_model_is_told(
    servers: ToolServers, http: aiohttp.ClientSession
) -> None:
    plan: list[tuple[str, dict[str, Any]]] = [("hang", {}), ("add", {"a": 1, "b": 1})]
    async with ToolBackend(plan) as backend:
        limits = ToolLimits(timeout=1.5)
        loop = ToolLoop(reader(backend.url, http), QUESTION, servers, private=True, limits=limits)
        chunks = await collect(loop)
    ended = [c for c in chunks if isinstance(c, ToolEnded)]
    assert [e.outcome for e in ended] == [Outcome.DONE, Outcome.TIMED_OUT]  # add ends first
    assert loop.answer == (
        "Results: Error: the tool did not answer within 1.5 s, so the call was cancelled; 2"
    )


async def test_stopping_the_answer_mid_call_cancels_it_on_the_server(
    servers: ToolServers, http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    mark = tmp_path / "stall.txt"
    async with ToolBackend([("stall", {"path": str(mark)})]) as backend:
        loop = ToolLoop(reader(backend.url, http), QUESTION, servers, private=True)

        async def consume() -> None:
            async with contextlib.aclosing(loop.run()) as chunks:
                async for _ in chunks:
                    pass

        consumer = asyncio.create_task(consume())
        await _until(mark.exists)
        pid = int(mark.read_text().split()[1])
        consumer.cancel()  # the stop button
        with pytest.raises(asyncio.CancelledError):
            await consumer
        await _until(lambda: mark.read_text().startswith("cancelled"))
        assert running(pid)  # the server stays for the next answer...
        again = await servers.call("pid", "{}", timeout=10)
        assert again.text == str(pid)  # ...which it answers


async def test_closing_the_servers_ends_their_processes(servers: ToolServers) -> None:
    pid = int((await servers.call("pid", "{}", timeout=10)).text)
    await servers.close()
    await wait_until_gone(pid, timeout=1)


async def _until(condition: Callable[[], Any], timeout: float = 30.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)
