"""Tool-round benchmark: what one round of tool calls adds to an answer, besides the tool's own
time, with an instant tool over stdio and over streamable HTTP.

    python -m bench.tools                 # 40 answers of each kind
    python -m bench.tools --answers 100

Everything is real and local: an OpenAI-compatible server streaming over HTTP on 127.0.0.1
(tests/servers/tool_backend.py: it calls `add` once, then answers with the result), the test MCP
server (the SDK's own server code) as a stdio subprocess or an HTTP process, ToolServers and
the ToolLoop. For each transport it times, one after another:
- a bare `ToolServers.call("add")`: the MCP round trip;
- an answer without tools (one backend request), from the first request to the last chunk;
- an answer with one tool round (two backend requests and the call).
The round's overhead is the difference of the two answers' medians: the second backend request,
the MCP call, and the loop's own work. The tool's own time is nil (`add`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import statistics
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp

from bot.tools.config import McpConfig
from bot.tools.loop import ToolLoop
from bot.tools.servers import ToolServers
from tests.servers.tool_backend import ToolBackend, reader
from tests.support.mcp import config_of, http_server, stdio_entry

QUESTION = [{"role": "user", "content": "What is 2 + 3?"}]
PLAN: list[tuple[str, dict[str, Any]]] = [("add", {"a": 2, "b": 3})]


class NoTools:
    """A ToolRunner offering nothing: the same loop, one request."""

    def tools(self, private: bool) -> list[Any]:
        return []

    async def call(
        self,
        name: str,
        arguments: str,
        *,
        timeout: float,  # noqa: ASYNC109 (ToolRunner's signature)
        private: bool = True,
    ) -> Any:
        raise AssertionError("no tool is offered")


async def answer(loop: ToolLoop) -> float:
    """Milliseconds from the first request to the answer's last chunk."""
    started = time.perf_counter()
    async with contextlib.aclosing(loop.run()) as chunks:
        async for _ in chunks:
            pass
    return (time.perf_counter() - started) * 1000


@contextlib.asynccontextmanager
async def transport(kind: str) -> AsyncIterator[McpConfig]:
    if kind == "stdio":
        yield config_of(bench=stdio_entry())
        return
    async with http_server() as http:
        yield config_of(bench={"url": http.url})


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


async def measure(kind: str, answers: int) -> dict[str, float]:
    async with (
        transport(kind) as config,
        ToolServers(config) as servers,
        ToolBackend(PLAN) as backend,
        aiohttp.ClientSession() as http,
    ):
        stream = reader(backend.url, http)
        for _ in range(3):  # warm up: connections, imports, caches
            await servers.call("add", '{"a": 1, "b": 2}', timeout=30)
            await answer(ToolLoop(stream, QUESTION, servers, private=True))
        calls, plain, rounds = [], [], []
        for _ in range(answers):
            started = time.perf_counter()
            result = await servers.call("add", '{"a": 1, "b": 2}', timeout=30)
            calls.append((time.perf_counter() - started) * 1000)
            assert result.text == "3", result
            plain.append(await answer(ToolLoop(stream, QUESTION, NoTools(), private=True)))
            loop = ToolLoop(stream, QUESTION, servers, private=True)
            rounds.append(await answer(loop))
            assert loop.rounds == 1 and loop.answer == "Results: 5", loop.answer
    return {
        "call p50": statistics.median(calls),
        "call p95": p(calls, 95),
        "plain p50": statistics.median(plain),
        "round p50": statistics.median(rounds),
        "round p95": p(rounds, 95),
        "overhead": statistics.median(rounds) - statistics.median(plain),
    }


async def main(answers: int) -> None:
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs, {answers} answers each\n")
    print(
        "| transport | MCP call p50 / p95 (ms) | answer without tools p50 (ms) "
        "| answer with one round p50 / p95 (ms) | a round adds (ms) |"
    )
    print("|---|---|---|---|---|")
    for kind in ("stdio", "http"):
        r = await measure(kind, answers)
        print(
            f"| {kind} | {r['call p50']:.1f} / {r['call p95']:.1f} | {r['plain p50']:.1f} "
            f"| {r['round p50']:.1f} / {r['round p95']:.1f} | {r['overhead']:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=40)
    asyncio.run(main(parser.parse_args().answers))
