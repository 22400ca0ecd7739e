"""A real MCP server for the tool tests, written with the SDK the bot's client uses.

`python -m tests.servers.mcp_tools` serves it over stdio; `python -m tests.servers.mcp_tools
--http` serves streamable HTTP on 127.0.0.1 (a free port unless `--port` names one) and prints
`listening on http://127.0.0.1:PORT/mcp` on stdout once it accepts connections.

Its tools cover every way a tool call can end: answers (`add`, `echo`, `weather`, `pid`,
`count`), failures (`fail` raises), hangs (`hang` sleeps until cancelled, `stall` touches a
file first), large text (`big`), content that is not text (`picture`, `sound`, `document`,
`structured`), and a result no client can read (`garbled`, rewritten by a middleware into a
content block of an unknown type). `count` appends a line to the file named by `COUNT_FILE`
and reports the process id, so a test can see a restart. `secret` echoes the `SECRET` variable's
length, never the value (the config's `env` reaches the server). `TOOL_PREFIX` renames every
tool with a prefix, so two servers can offer clashing or distinct names.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio
import uvicorn
from mcp.server.context import CallNext, ServerRequestContext
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.utilities.types import Audio, Image
from mcp.types import (
    CallToolResult,
    EmbeddedResource,
    TextContent,
    TextResourceContents,
)
from pydantic import BaseModel

HOST = "127.0.0.1"
Handler = TypeVar("Handler", bound=Callable[..., Any])
# The smallest valid PNG: one transparent pixel.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class Forecast(BaseModel):
    """What `structured` returns: typed data the client receives as structured content."""

    city: str
    celsius: float


def _note(path: str, text: str) -> None:
    """Replace the file's text (synchronously: a cancelled task may not await)."""
    Path(path).write_text(text, encoding="utf-8")


async def _garble(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> Any:
    """Answer `garbled` with a content block of a type no MCP revision defines."""
    params = ctx.params if isinstance(ctx.params, dict) else {}
    if ctx.method == "tools/call" and str(params.get("name", "")).endswith("garbled"):
        return {"content": [{"type": "hologram", "frequency": 7}], "isError": False}
    return await call_next(ctx)


def build(prefix: str = "") -> MCPServer:
    """The server with every tool; names get `prefix` in front."""
    server: MCPServer = MCPServer("test-tools", middleware=[_garble], log_level="WARNING")

    def tool(name: str, description: str) -> Callable[[Handler], Handler]:
        return server.tool(name=prefix + name, description=description)

    @tool("add", "Add two integers.")
    def add(a: int, b: int) -> int:
        return a + b

    @tool("echo", "Return the text unchanged.")
    def echo(text: str) -> str:
        return text

    @tool("weather", "Today's weather in a city.")
    def weather(city: str) -> str:
        return f"{city}: 5 °C, light rain"

    @tool("pid", "The server's process id.")
    def pid() -> str:
        return str(os.getpid())

    @tool("count", "Count this call in COUNT_FILE; say which process answered.")
    def count() -> str:
        path = Path(os.environ["COUNT_FILE"])
        with path.open("a", encoding="utf-8") as file:
            file.write(f"{os.getpid()}\n")
        calls = len(path.read_text(encoding="utf-8").splitlines())
        return f"call {calls} answered by {os.getpid()}"

    @tool("secret", "How long the SECRET variable is.")
    def secret() -> str:
        return f"SECRET has {len(os.environ.get('SECRET', ''))} characters"

    @tool("fail", "Always raises, with a message the model may read.")
    def fail(message: str = "the tool broke") -> str:
        raise ToolError(message)

    @tool("crash", "Always raises an unexpected exception (the SDK hides its message).")
    def crash() -> str:
        raise RuntimeError("internal detail")

    @tool("hang", "Never answers.")
    async def hang() -> str:
        await anyio.sleep_forever()
        return ""  # pragma: no cover

    @tool("stall", "Write `started` to the file `path`, never answer; `cancelled` when cancelled.")
    async def stall(path: str) -> str:
        _note(path, f"started {os.getpid()}")
        try:
            await anyio.sleep_forever()
        except anyio.get_cancelled_exc_class():
            _note(path, f"cancelled {os.getpid()}")
            raise
        return ""  # pragma: no cover

    @tool("big", "Return `chars` characters of text.")
    def big(chars: int) -> str:
        line = "0123456789" * 7 + "\n"
        return (line * (chars // len(line) + 1))[:chars]

    @tool("picture", "A one-pixel PNG with a caption.")
    def picture() -> CallToolResult:
        caption = TextContent(type="text", text="one transparent pixel")
        return CallToolResult(content=[caption, Image(data=PIXEL).to_image_content()])

    @tool("sound", "A short WAV clip.")
    def sound() -> Audio:
        return Audio(data=b"RIFF\x00\x00\x00\x00WAVE", format="wav")

    @tool("document", "A text file as an embedded resource.")
    def document() -> CallToolResult:
        resource = TextResourceContents(
            uri="file:///notes.txt", mime_type="text/plain", text="remember the milk"
        )
        return CallToolResult(content=[EmbeddedResource(type="resource", resource=resource)])

    @tool("structured", "Weather as typed data.")
    def structured(city: str) -> Forecast:
        return Forecast(city=city, celsius=5.0)

    @tool("garbled", "Answers with content no client understands.")
    def garbled() -> str:
        return "never sent: the middleware answers first"

    @tool("errored", "Returns a result flagged as an error, without raising.")
    def errored() -> CallToolResult:
        said = TextContent(type="text", text="quota exceeded")
        return CallToolResult(content=[said], is_error=True)

    return server


async def serve_http(server: MCPServer, port: int) -> None:
    """Streamable HTTP on 127.0.0.1:`port` (0: any free port); prints the address when ready."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    app = server.streamable_http_app(host=HOST)
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    web = uvicorn.Server(config)
    started = asyncio.create_task(web.serve(sockets=[sock]))
    while not web.started:
        if started.done():
            await started
            return
        await asyncio.sleep(0.01)
    print(f"listening on http://{HOST}:{sock.getsockname()[1]}/mcp", flush=True)
    await started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP, not stdio")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    server = build(os.environ.get("TOOL_PREFIX", ""))
    if args.http:
        asyncio.run(serve_http(server, args.port))
    else:
        server.run("stdio")


if __name__ == "__main__":
    main(sys.argv[1:])
