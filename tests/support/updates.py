"""Updates as Telegram sends them, for tests that post or queue raw updates themselves."""

from __future__ import annotations

from typing import Any


def private_message(update_id: int, chat: int, text: Any) -> dict[str, Any]:
    """A user's message in their private chat with the bot (`text` may be of a wrong type)."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": chat, "type": "private"},
            "from": {"id": chat, "is_bot": False, "first_name": "Alice"},
            "text": text,
        },
    }
