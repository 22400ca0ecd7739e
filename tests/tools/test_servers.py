"""ToolServers against real MCP servers (the SDK's own server code, tests/servers/mcp_tools.py),
over stdio subprocesses and streamable HTTP on 127.0.0.1: connecting, listing, calling, every
way a call fails, timeouts, cancellation, restarts, and what the log says."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp import web

from bot.tools.calls import ToolResult
from bot.tools.events import Outcome
from bot.tools.servers import Backoff, State, ToolServers
from tests.support.mcp import (
    MODULE,
    ROOT,
    HttpMcp,
    config_of,
    http_server,
    running,
    stdio_entry,
    wait_until_gone,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

HEADER_SECRET = "Bearer test-header-secret-42"
ENV_SECRET = "env-secret-value-17"
FAST = Backoff(first=0.2, cap=1.0)


class Records(logging.Handler):
    """Every record of `bot.tools` while it is attached, formatted."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname} {record.getMessage()}")


class Shared:
    """One stdio server and one HTTP server, shared by the tests that only call tools."""

    def __init__(self, servers: ToolServers, http: HttpMcp, log: Records) -> None:
        self.servers, self.http, self.log = servers, http, log


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def shared() -> AsyncIterator[Shared]:
    log = Records()
    logger = logging.getLogger("bot.tools")
    logger.addHandler(log)
    logger.setLevel(logging.DEBUG)
    async with http_server() as http:
        config = config_of(
            local=stdio_entry(SECRET=ENV_SECRET),
            remote={"url": http.url, "headers": {"Authorization": HEADER_SECRET}, "timeout": 2},
        )
        servers = ToolServers(config, backoff=FAST)
        try:
            await servers.start()
            yield Shared(servers, http, log)
        finally:
            await servers.close()
            logger.removeHandler(log)


async def test_both_transports_connect_list_and_answer(shared: Shared) -> None:
    servers = shared.servers
    local, remote = servers.status()
    assert (local.name, local.kind, local.state) == ("local", "stdio", State.UP)
    assert (remote.name, remote.kind, remote.state) == ("remote", "http", State.UP)
    assert remote.where == shared.http.url
    assert "add" in local.tools and "garbled" in remote.tools
    names = [spec.name for spec in servers.tools(private=True)]
    # The same tools on both: the first server keeps the plain names.
    assert "add" in names and "remote__add" in names and len(names) == len(set(names))
    local_add = await servers.call("add", '{"a": 2, "b": 3}', timeout=10)
    remote_add = await servers.call("remote__add", {"a": 4, "b": 5}, timeout=10)
    assert (local_add.outcome, local_add.text) == (Outcome.DONE, "5")
    assert (remote_add.outcome, remote_add.text) == (Outcome.DONE, "9")
    # The config's env reaches the stdio server.
    secret = await servers.call("secret", "{}", timeout=10)
    assert secret.text == f"SECRET has {len(ENV_SECRET)} characters"


async def test_start_logs_one_line_per_server_and_never_a_secret(shared: Shared) -> None:
    started = [line for line in shared.log.lines if line.startswith("INFO MCP server")]
    assert started[0].startswith('INFO MCP server "local" (stdio: ') and started[0].endswith(
        ": 17 tools"
    )
    assert started[1] == f'INFO MCP server "remote" (http: {shared.http.url}): 17 tools'
    everything = "\n".join(shared.log.lines)
    assert ENV_SECRET not in everything and "test-header-secret-42" not in everything


@pytest.mark.parametrize("prefix", ["", "remote__"])
async def test_every_way_a_call_ends_is_a_result_the_model_reads(
    shared: Shared, prefix: str
) -> None:
    servers = shared.servers
    cases: list[tuple[str, str, Outcome, str]] = [
        (
            "fail",
            '{"message": "disk full"}',
            Outcome.FAILED,
            "Error: Error executing tool fail: disk full",
        ),
        ("crash", "{}", Outcome.FAILED, "Error: Error executing tool crash"),
        ("errored", "{}", Outcome.FAILED, "Error: quota exceeded"),
        (
            "garbled",
            "{}",
            Outcome.INVALID_RESULT,
            "Error: the tool's answer is not a valid MCP result",
        ),
        (
            "add",
            '{"a": 1, "b": ',
            Outcome.INVALID_ARGUMENTS,
            "Error: the arguments are not valid JSON",
        ),
        ("add", '{"a": 1}', Outcome.INVALID_ARGUMENTS, "'b' is a required property"),
        ("add", "[1, 2]", Outcome.INVALID_ARGUMENTS, "must be a JSON object, not array"),
        (
            "nothing_like_it",
            "{}",
            Outcome.UNKNOWN_TOOL,
            "Error: there is no tool named 'nothing_like_it'",
        ),
        ("picture", "{}", Outcome.DONE, "one transparent pixel\n[image: image/png, 66 bytes"),
        ("sound", "{}", Outcome.DONE, "[audio: audio/wav, 12 bytes"),
        (
            "document",
            "{}",
            Outcome.DONE,
            "[resource file:///notes.txt: text/plain, 17 characters]",
        ),
        (
            "structured",
            '{"city": "Oslo"}',
            Outcome.DONE,
            '{\n  "city": "Oslo",\n  "celsius": 5.0\n}',
        ),
        ("big", '{"chars": 50000}', Outcome.DONE, "0123456789" * 7),
    ]
    for tool, arguments, outcome, words in cases:
        name = tool if tool == "nothing_like_it" else prefix + tool
        result = await servers.call(name, arguments, timeout=10)
        assert (result.outcome, words in result.text) == (outcome, True), (tool, result)
        assert "\n" not in result.detail and len(result.detail) <= 120
    big = await servers.call(prefix + "big", '{"chars": 50000}', timeout=10)
    assert len(big.text) == 50000  # capped by the loop, not here


async def test_a_hanging_call_is_cut_at_the_timeout_while_other_calls_go_on(
    shared: Shared,
) -> None:
    servers = shared.servers
    before = await servers.call("pid", "{}", timeout=10)
    hang = asyncio.create_task(servers.call("hang", "{}", timeout=3))
    quick = [await servers.call("add", '{"a": 1, "b": 1}', timeout=10) for _ in range(5)]
    assert all(r.text == "2" for r in quick) and not hang.done()
    result = await hang
    assert result.outcome is Outcome.TIMED_OUT
    assert result.text == "Error: the tool did not answer within 3 s, so the call was cancelled"
    assert 2.9 < result.seconds < 10
    after = await servers.call("pid", "{}", timeout=10)
    assert after.text == before.text  # the same server process answers on


async def test_a_servers_own_timeout_wins_over_tool_timeout(shared: Shared) -> None:
    result = await shared.servers.call("remote__hang", "{}", timeout=60)
    assert result.outcome is Outcome.TIMED_OUT and "within 2 s" in result.text
    assert (await shared.servers.call("remote__add", '{"a": 1, "b": 2}', timeout=5)).text == "3"


async def test_a_cancelled_call_stops_on_the_server_and_the_next_call_works(
    shared: Shared, tmp_path: Path
) -> None:
    servers = shared.servers
    for name in ("stall", "remote__stall"):
        mark = tmp_path / f"{name}.txt"
        call = asyncio.create_task(servers.call(name, {"path": str(mark)}, timeout=60))
        await _until(mark.exists)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        # The SDK sent notifications/cancelled: the server's handler was cancelled.
        await _until(lambda: mark.read_text().startswith("cancelled"))  # noqa: B023 (awaited here)
        again = await servers.call(name.replace("stall", "add"), '{"a": 1, "b": 2}', timeout=10)
        assert again.text == "3"


async def test_private_only_servers_and_tool_filters() -> None:
    config = config_of(
        open={**stdio_entry(), "tools": ["add", "echo", "not_there"]},
        mine={**stdio_entry(TOOL_PREFIX="my_"), "private_only": True, "tools": ["my_pid"]},
    )
    records = Records()
    logging.getLogger("bot.tools").addHandler(records)
    try:
        async with ToolServers(config) as servers:
            assert [s.name for s in servers.tools(private=True)] == ["add", "echo", "my_pid"]
            assert [s.name for s in servers.tools(private=False)] == ["add", "echo"]
            assert [s.name for s in servers.status(private=False)] == ["open"]
            refused = await servers.call("my_pid", "{}", timeout=10, private=False)
            assert refused.outcome is Outcome.UNKNOWN_TOOL
            assert refused.text == "Error: the tool 'my_pid' is not available in group chats"
            pid = await servers.call("my_pid", "{}", timeout=10, private=True)
            assert pid.outcome is Outcome.DONE
            filtered = await servers.call("pid", "{}", timeout=10)
            assert filtered.outcome is Outcome.UNKNOWN_TOOL
            assert "the tools are: add, echo, my_pid" in filtered.text
        assert not running(int(pid.text))
    finally:
        logging.getLogger("bot.tools").removeHandler(records)
    assert any(
        'MCP server "open": `tools` names not_there, which the server does not list' in line
        for line in records.lines
    )


async def test_a_killed_stdio_server_is_started_again_for_the_next_call(tmp_path: Path) -> None:
    counts = tmp_path / "count.txt"
    async with ToolServers(
        config_of(counted=stdio_entry(COUNT_FILE=str(counts))), backoff=FAST
    ) as servers:
        first = await servers.call("count", "{}", timeout=10)
        first_pid = int(first.text.rsplit(" ", 1)[1])
        os.kill(first_pid, signal.SIGKILL)
        await _until(lambda: servers.status()[0].state is not State.UP)
        second = await servers.call("count", "{}", timeout=60)
        assert second.outcome is Outcome.DONE and second.text.startswith("call 2 answered by ")
        second_pid = int(second.text.rsplit(" ", 1)[1])
        assert second_pid != first_pid and not running(first_pid)
        assert counts.read_text().split() == [str(first_pid), str(second_pid)]

        # Killed during a call: that call fails (it may have done its work), the next works.
        mark = tmp_path / "stall.txt"
        stalled = asyncio.create_task(servers.call("stall", {"path": str(mark)}, timeout=60))
        await _until(mark.exists)
        os.kill(second_pid, signal.SIGKILL)
        lost = await stalled
        assert lost.outcome is Outcome.UNAVAILABLE
        assert "stopped during the call; it is being restarted" in lost.text
        third = await servers.call("count", "{}", timeout=60)
        assert third.text.startswith("call 3 answered by ")
        third_pid = int(third.text.rsplit(" ", 1)[1])
    assert not running(third_pid)


async def test_a_call_waits_for_a_restart_no_longer_than_its_timeout(tmp_path: Path) -> None:
    # The first start runs the server; later ones hang without answering.
    script, marker = tmp_path / "flaky-server", tmp_path / "started-once"
    hung = tmp_path / "hung.pid"
    python = stdio_entry()["command"]
    script.write_text(
        f"#!/bin/sh\nif [ -e {marker} ]; then echo $$ > {hung}; exec sleep 60; fi\n"
        f"touch {marker}\ncd {ROOT}\nexec {python} -m {MODULE}\n"
    )
    script.chmod(0o755)
    async with ToolServers(config_of(flaky={"command": str(script)}), backoff=FAST) as servers:
        pid = int((await servers.call("pid", "{}", timeout=10)).text)
        os.kill(pid, signal.SIGKILL)
        await _until(lambda: servers.status()[0].state is not State.UP)
        waited = await servers.call("pid", "{}", timeout=1.5)
        assert waited.outcome is Outcome.TIMED_OUT and 1.4 < waited.seconds < 5
        assert servers.status()[0].state is State.CONNECTING
    # Closed while it was still connecting: the hung process was stopped too.
    await wait_until_gone(int(hung.read_text()), timeout=1)


async def test_an_http_server_that_went_away_is_reconnected_when_it_is_back() -> None:
    async with http_server() as http:
        port = http.port
        servers = ToolServers(config_of(web={"url": http.url}), backoff=FAST)
        await servers.start()
        try:
            assert (await servers.call("add", '{"a": 1, "b": 1}', timeout=10)).text == "2"
            await http.kill()
            gone = await servers.call("add", '{"a": 1, "b": 1}', timeout=10)
            assert gone.outcome is Outcome.UNAVAILABLE, gone
            await _until(lambda: servers.status()[0].state is State.DOWN)
            assert "cannot connect to http://127.0.0.1" in servers.status()[0].error
            async with http_server(port=port):
                back = await _eventually(
                    lambda: servers.call("add", '{"a": 2, "b": 2}', timeout=10)
                )
                assert back.text == "4"
                assert servers.status()[0].state is State.UP
        finally:
            await servers.close()


async def test_a_server_that_cannot_start_is_retried_and_does_not_stop_the_others(
    tmp_path: Path,
) -> None:
    late = tmp_path / "late-server"
    config = config_of(late={"command": str(late)}, fine=stdio_entry())
    records = Records()
    logging.getLogger("bot.tools").addHandler(records)
    try:
        async with ToolServers(config, backoff=FAST) as servers:
            late_status, fine_status = servers.status()
            assert late_status.state is State.DOWN and fine_status.state is State.UP
            assert late_status.error == f"cannot start {str(late)!r}: no such program"
            assert late_status.retry_in is not None and late_status.retry_in <= 1.5
            assert all(spec.server == "fine" for spec in servers.tools(private=True))
            down = await servers.call("late__add", "{}", timeout=5)
            assert (
                down.outcome is Outcome.UNKNOWN_TOOL
            )  # never listed: the model was not offered it
            # The program appears: the next background attempt connects.
            entry = stdio_entry()
            late.write_text(f"#!/bin/sh\ncd {ROOT}\nexec {entry['command']} -m {MODULE}\n")
            late.chmod(0o755)
            await _until(lambda: servers.status()[0].state is State.UP, timeout=60)
            assert (await servers.call("late__add", '{"a": 1, "b": 2}', timeout=10)).text == "3"
    finally:
        logging.getLogger("bot.tools").removeHandler(records)
    warning = f'WARNING MCP server "late" (stdio: {late}): not connected: cannot start'
    assert any(line.startswith(warning) for line in records.lines), records.lines
    assert any(line == 'INFO MCP server "late": connected, 17 tools' for line in records.lines)


async def test_a_server_that_exits_at_once_says_why_from_its_stderr() -> None:
    config = config_of(
        broken={
            "command": stdio_entry()["command"],
            "args": ["-c", "import sys; sys.exit('no API key given')"],
        }
    )
    async with ToolServers(config, backoff=FAST) as servers:
        status = servers.status()[0]
    assert status.state is State.DOWN
    assert status.error == "the server exited (its last words: no API key given)"


async def test_close_leaves_no_server_process(tmp_path: Path) -> None:
    servers = ToolServers(config_of(a=stdio_entry(), b=stdio_entry(TOOL_PREFIX="b_")))
    await servers.start()
    pids = [int((await servers.call(name, "{}", timeout=10)).text) for name in ("pid", "b_pid")]
    mark = tmp_path / "stall.txt"
    stalled = asyncio.create_task(servers.call("stall", {"path": str(mark)}, timeout=60))
    await _until(mark.exists)
    await servers.close()
    assert (await stalled).outcome in (Outcome.UNAVAILABLE, Outcome.FAILED)
    for pid in pids:
        await wait_until_gone(pid, timeout=1)
    assert [s.state for s in servers.status()] == [State.CLOSED, State.CLOSED]


async def _until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


async def _eventually(
    attempt: Callable[[], Awaitable[ToolResult]], timeout: float = 60.0
) -> ToolResult:
    """Repeat a call until it succeeds (the server comes back at its own pace)."""
    async with asyncio.timeout(timeout):
        while True:
            result = await attempt()
            if result.outcome is Outcome.DONE:
                return result
            await asyncio.sleep(0.1)


async def test_an_http_endpoint_that_is_no_mcp_server_is_explained() -> None:
    async def refuse(request: web.Request) -> web.Response:
        return web.Response(status=401, text="bad token")

    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<html><title>Parked</title></html>", content_type="text/html")

    app = web.Application()
    app.router.add_post("/refuse", refuse)
    app.router.add_post("/page", page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        config = config_of(refuse={"url": f"{base}/refuse"}, page={"url": f"{base}/page"})
        async with ToolServers(config, backoff=FAST) as servers:
            refused, paged = servers.status()
    finally:
        await runner.cleanup()
    assert refused.error == "HTTP 401: Server returned an error response"
    assert paged.error == "Unexpected content type: text/html; charset=utf-8"
