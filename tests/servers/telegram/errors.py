"""Telegram's error answers, worded exactly as the Bot API words them.

A bot tells errors apart by their text as much as by their status (aiogram matches "message is
not modified", "retry after", "migrate_to_chat_id"), so the descriptions here are the Bot API
server's own: tdlib's message with the status's prefix ("Bad Request: ", "Forbidden: ") and its
first letter lowered, as telegram-bot-api's ``fail_query_with_error`` builds it. What the fake
does not imitate: the hundreds of other error texts, and the 5xx answers Telegram gives when it
is itself unwell (``FakeTelegram.fail_next`` injects those).
"""

from __future__ import annotations

import math
from http import HTTPStatus
from typing import Any

__all__ = [
    "CONFLICT_POLL",
    "CONFLICT_WEBHOOK",
    "NOT_MODIFIED",
    "NOT_UTF8",
    "PARSE_MODE_NOT_IMPLEMENTED",
    "UPGRADED",
    "ApiError",
    "bad",
    "bad_entities",
    "blocked",
    "flood",
    "html_error_page",
    "phrase",
]

UPGRADED = "Bad Request: group chat was upgraded to a supergroup chat"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
# tdlib's fix_formatted_text refuses text that is not UTF-8 (a lone surrogate sent as \\ud800).
NOT_UTF8 = "Bad Request: strings must be encoded in UTF-8"
# Not Telegram's: the bot always sends entities, so a parse_mode means something changed and the
# fake, which no longer parses markup, must say so at once rather than show the markup as text.
PARSE_MODE_NOT_IMPLEMENTED = (
    "Bad Request: parse_mode is not implemented by FakeTelegram; send entities instead"
)


class ApiError(Exception):
    """A Telegram error answer; raised anywhere in a method handler, answered by the server."""

    def __init__(
        self, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def bad(description: str) -> ApiError:
    """A 400 "Bad Request: ..." answer."""
    return ApiError(400, f"Bad Request: {description}")


def bad_entities(description: str) -> ApiError:
    """A 400 about the text's entities, which aiogram and bots recognise by this prefix."""
    return bad(f"can't parse entities: {description}")


def flood(wait: float) -> ApiError:
    """A 429 asking to wait ``wait`` seconds, rounded up to whole seconds as Telegram does."""
    seconds = max(1, math.ceil(wait - 1e-9))
    return ApiError(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})


def blocked(chat_id: int, chat_type: str) -> ApiError:
    """The 403 for a user who blocked the bot, or a group that removed it."""
    if chat_id > 0:
        return ApiError(403, "Forbidden: bot was blocked by the user")
    return ApiError(403, f"Forbidden: bot was kicked from the {chat_type} chat")


def phrase(status: int) -> str:
    """The HTTP reason phrase of ``status`` ("Bad Gateway"), or "Error" for unknown codes."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def html_error_page(status: int) -> str:
    """What a reverse proxy in front of the Bot API serves when it fails (nginx's page)."""
    title = f"{status} {phrase(status)}"
    return (
        f"<html>\n<head><title>{title}</title></head>\n<body>\n"
        f"<center><h1>{title}</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n"
    )
