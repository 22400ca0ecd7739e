"""Running the test MCP server (tests/servers/mcp_tools.py) for the tool tests and benchmarks:
as a stdio entry of MCP_CONFIG, or as a streamable HTTP process on a free 127.0.0.1 port."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.tools.config import McpConfig, parse_config

ROOT = Path(__file__).resolve().parents[2]
MODULE = "tests.servers.mcp_tools"


def stdio_entry(**env: str) -> dict[str, Any]:
    """An `mcpServers` entry starting the test server over stdio with `env`."""
    return {"command": sys.executable, "args": ["-m", MODULE], "cwd": str(ROOT), "env": env}


def config_of(**servers: dict[str, Any]) -> McpConfig:
    """MCP_CONFIG with these entries, as the bot reads it."""
    return parse_config({"mcpServers": servers}, path=Path("test-mcp.json"), environ={})


@dataclass
class HttpMcp:
    """The test server serving streamable HTTP in its own process."""

    process: asyncio.subprocess.Process
    url: str

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1].split("/")[0])

    async def kill(self) -> None:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
        await self.process.wait()


@contextlib.asynccontextmanager
async def http_server(port: int = 0, **env: str) -> AsyncIterator[HttpMcp]:
    """`python -m tests.servers.mcp_tools --http` on 127.0.0.1 (`port`, or a free one)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        MODULE,
        "--http",
        "--port",
        str(port),
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
    )
    server = HttpMcp(process, "")
    try:
        assert process.stdout is not None
        async with asyncio.timeout(60):
            line = (await process.stdout.readline()).decode()
        if not line.startswith("listening on "):
            raise RuntimeError(f"the test MCP server did not start: {line!r}")
        server.url = line.split()[-1]
        yield server
    finally:
        await server.kill()


def running(pid: int) -> bool:
    """Whether process `pid` exists (a zombie counts: nobody reaped it, so it leaked)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def wait_until_gone(pid: int, timeout: float = 30.0) -> None:
    """Wait (polling, bounded) for process `pid` to end."""
    async with asyncio.timeout(timeout):
        while running(pid):
            await asyncio.sleep(0.05)
