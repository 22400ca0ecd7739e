"""The errors of the tools package; each has a `reason` key, as the backends' errors do."""

from __future__ import annotations


class ToolsError(Exception):
    """Base of every error raised by `bot.tools`."""

    reason = "tools"


class McpConfigError(ToolsError, ValueError):
    """MCP_CONFIG cannot be used; the message is one sentence naming the file, server and key.

    A ValueError too, so the settings validator can raise it as the readable reason."""

    reason = "mcp_config"


class ArgumentsError(ToolsError, ValueError):
    """The model's arguments cannot be sent to the tool; the message says why, for the model."""

    reason = "invalid_arguments"


class ServerUnavailable(ToolsError):
    """The MCP server is down and the attempt made for this call failed too; the message says
    why, in plain words."""

    reason = "unavailable"
