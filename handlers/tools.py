"""/tools: the MCP servers and tools the model can use in this chat, and which are down."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot import texts
from bot.config import Settings
from bot.delivery import Delivery
from handlers.context import is_group, language, reply_target

ERROR_CHARS = 200
"""Longest reason shown for a server that is down."""

if TYPE_CHECKING:  # the MCP SDK loads with it, only when MCP_CONFIG is set
    from bot.tools.servers import ServerStatus, ToolServers


async def tools(
    message: Message,
    settings: Settings,
    delivery: Delivery,
    tool_servers: ToolServers | None,
) -> None:
    """One line per server this chat may use (a group does not see `private_only` ones): its
    tools, or why it is down. Never a server's command, URL, env or headers."""
    lang = language(message)
    configured = settings.mcp is not None and bool(settings.mcp.servers)
    if tool_servers is None:
        await delivery.say(
            reply_target(message),
            texts.t(lang, "tools_not_offered" if configured else "tools_none"),
        )
        return
    statuses = tool_servers.status(private=not is_group(message))
    if not statuses:
        await delivery.say(reply_target(message), texts.t(lang, "tools_none"))
        return
    lines = [texts.t(lang, "tools_list"), *(_line(lang, status) for status in statuses)]
    await delivery.say(reply_target(message), "\n".join(lines))


def _line(lang: str, status: ServerStatus) -> str:
    from bot.tools.servers import State  # noqa: PLC0415  (loaded already: servers exist)

    if status.state is State.UP:
        if not status.tools:
            return texts.t(lang, "tools_server_empty", name=status.name)
        return texts.t(lang, "tools_server_up", name=status.name, tools=", ".join(status.tools))
    # The server's own last words stay in the log: users get the reason, not its stderr.
    error = status.error.split(" (its last words:", 1)[0][:ERROR_CHARS] or status.state.value
    return texts.t(lang, "tools_server_down", name=status.name, error=error)


def create_router() -> Router:
    """A fresh router (a router attaches to one Dispatcher only)."""
    router = Router(name=__name__)
    router.message.register(tools, Command("tools"))
    return router
