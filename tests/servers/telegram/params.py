"""A Bot API call's parameters, decoded the way the Bot API server reads them.

aiogram sends a multipart form whose values are all strings (structures JSON-encoded); other
clients send JSON bodies or query strings. The server decodes each known field into the type
Telegram expects, so method handlers and tests see structures and numbers whatever the body.
Not imitated: Telegram's own wording for every malformed field (a few common ones are kept),
and file uploads (their fields are recorded as ``<file name>``).
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from tests.servers.telegram.errors import bad

__all__ = ["chat_id_of", "decode", "flag", "is_int", "json_param", "opt_int", "require_chat"]

# Fields aiogram sends as JSON strings inside form data; decoded so tests see structures.
_JSON_FIELDS = frozenset(
    {
        "entities",
        "caption_entities",
        "reply_parameters",
        "link_preview_options",
        "reply_markup",
        "commands",
        "scope",
        "allowed_updates",
        "menu_button",
    }
)
_INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "message_thread_id",
        "draft_id",
        "offset",
        "limit",
        "timeout",
        "reply_to_message_id",
        "max_connections",
        "user_id",
    }
)
_BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "allow_paid_broadcast",
        "can_stop",
        "keep_on_stop",
        "drop_pending_updates",
        "disable_web_page_preview",
    }
)
_TRUE_STRINGS = frozenset({"true", "1", "yes", "on"})


def decode(raw: dict[str, Any]) -> dict[str, Any]:
    """Decode form strings into the JSON types Telegram would see (best effort)."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        decoded: Any = value
        if isinstance(value, str):
            if key in _JSON_FIELDS:
                with contextlib.suppress(ValueError):
                    decoded = json.loads(value)
            elif key in _INT_FIELDS:
                with contextlib.suppress(ValueError):
                    decoded = int(value)
            elif key in _BOOL_FIELDS:
                decoded = value.strip().lower() in _TRUE_STRINGS
        out[key] = decoded
    return out


def is_int(value: Any) -> bool:
    """An integer that is not a bool (JSON's ``true`` is no chat id)."""
    return isinstance(value, int) and not isinstance(value, bool)


def opt_int(params: dict[str, Any], key: str) -> int | None:
    """An optional integer field; a value that is not one is a 400, as on Telegram."""
    value = params.get(key)
    if value is None or value == "":
        return None
    if is_int(value):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise bad(f"wrong parameter {key} specified")


def flag(value: Any) -> bool:
    """A boolean field, from JSON or from a form's "true"/"1"."""
    if isinstance(value, str):
        return value.strip().lower() in _TRUE_STRINGS
    return bool(value)


def chat_id_of(value: Any) -> int | None:
    """The numeric chat id in a ``chat_id`` field, or None (usernames are not supported)."""
    if is_int(value):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def require_chat(params: dict[str, Any]) -> int:
    """The call's chat id; Telegram's 400s when it is missing or names no chat."""
    value = params.get("chat_id")
    if value is None or value == "":
        raise bad("chat_id is empty")
    chat_id = chat_id_of(value)
    if chat_id is None or chat_id == 0:
        raise bad("chat not found")
    return chat_id


def json_param(params: dict[str, Any], key: str, what: str) -> Any:
    """A JSON field; one still a string after decoding was not JSON: Telegram's 400."""
    value = params.get(key)
    if isinstance(value, str):
        raise bad(f"can't parse {what} JSON object")
    return value
