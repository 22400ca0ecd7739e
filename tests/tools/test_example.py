"""The example anyone can run (examples/mcp.json and the clock server) works as documented."""

from __future__ import annotations

import dataclasses
import sys

from bot.tools.config import McpConfig, StdioServer, load_config
from bot.tools.events import Outcome
from bot.tools.servers import ToolServers
from tests.support.mcp import ROOT


async def test_the_example_config_starts_the_clock_and_it_tells_the_time() -> None:
    config = load_config(ROOT / "examples" / "mcp.json", environ={})
    (clock,) = config.servers  # the HTTP one is disabled until someone starts it
    assert clock.transport == StdioServer("python", ("examples/mcp_clock.py",))
    # "python" is whatever PATH finds where the bot runs; here, this environment's.
    here = dataclasses.replace(
        clock, transport=dataclasses.replace(clock.transport, command=sys.executable, cwd=ROOT)
    )
    async with ToolServers(McpConfig(config.path, (here,))) as servers:
        assert [spec.name for spec in servers.tools(private=False)] == ["now", "convert", "zones"]
        oslo = await servers.call("now", '{"timezone": "Europe/Oslo"}', timeout=10)
        assert oslo.outcome is Outcome.DONE and ("CET" in oslo.text or "CEST" in oslo.text)
        moved = await servers.call(
            "convert",
            '{"time": "2025-06-01T12:00", "from_zone": "UTC", "to_zone": "Asia/Tokyo"}',
            timeout=10,
        )
        assert moved.text == "2025-06-01 21:00 JST"
        assert (
            "Europe/Oslo" in (await servers.call("zones", '{"search": "oslo"}', timeout=10)).text
        )
        wrong = await servers.call("now", '{"timezone": "Mars/Olympus"}', timeout=10)
        assert wrong.outcome is Outcome.FAILED and "unknown time zone 'Mars/Olympus'" in wrong.text
