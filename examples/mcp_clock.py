"""A small MCP server anyone can run to try the bot's tools: the time, in any time zone.

    python examples/mcp_clock.py                  # stdio: what examples/mcp.json starts
    python examples/mcp_clock.py --http --port 8931   # streamable HTTP at 127.0.0.1:8931/mcp

It needs only the `mcp` package the bot installs. Time zones are IANA names (Europe/Oslo,
America/New_York); the system's time zone database must be present (the `tzdata` package).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

clock = MCPServer("clock", instructions="The current time and time-zone conversions.")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ToolError(
            f"unknown time zone {name!r}: use an IANA name such as Europe/Oslo"
        ) from None


@clock.tool()
def now(timezone: str = "UTC") -> str:
    """The current date and time in a time zone (an IANA name such as Europe/Oslo)."""
    moment = datetime.now(UTC).astimezone(_zone(timezone))
    return moment.strftime("%A %d %B %Y, %H:%M:%S %Z (UTC%z)")


@clock.tool()
def convert(time: str, from_zone: str, to_zone: str) -> str:
    """Convert a time of day or a date and time (ISO 8601, e.g. 14:30 or 2025-06-01T14:30)
    from one time zone to another."""
    try:
        parsed = datetime.fromisoformat(
            time if "T" in time or "-" in time else f"{datetime.now(UTC).date()}T{time}"
        )
    except ValueError:
        raise ToolError(
            f"{time!r} is not an ISO 8601 time such as 14:30 or 2025-06-01T14:30"
        ) from None
    moment = parsed.replace(tzinfo=_zone(from_zone)).astimezone(_zone(to_zone))
    return moment.strftime("%Y-%m-%d %H:%M %Z")


@clock.tool()
def zones(search: str) -> list[str]:
    """Time-zone names containing `search` (case-insensitive), at most 20."""
    found = sorted(name for name in available_timezones() if search.lower() in name.lower())
    return found[:20]


def main() -> None:
    parser = argparse.ArgumentParser(description="An MCP server telling the time.")
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP, not stdio")
    parser.add_argument("--port", type=int, default=8931)
    args = parser.parse_args()
    if args.http:
        clock.run("streamable-http", host="127.0.0.1", port=args.port)
    else:
        clock.run("stdio")


if __name__ == "__main__":
    main()
