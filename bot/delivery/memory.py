"""What the delivery remembers beyond one answer, in one small bounded place.

Three things outlive an answer: a group that became a supergroup has a new id for good; a chat
(or the whole Bot API server) that refuses drafts keeps refusing them; and the ids of the
bot's own recent messages per chat, so that a search for a lost copy of a page never edits
another answer's message. Each is kept for at most `max_chats` chats, least recently used
forgotten first (forgetting costs one refused call or one extra check, never a wrong write).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from bot.delivery.faults import DraftsOffEverywhere, DraftsOffInChat, Effect, Moved

RECENT_IDS = 8
"""Own message ids remembered per chat. A probe looks at most a few ids below a page that was
sent again, and one chat's answers are written one at a time, so only the newest few ids of
our own can ever be in that window."""


class ChatMemory:
    """Migrated chats, chats without drafts, and the bot's recent message ids per chat."""

    def __init__(self, *, drafts: bool = True, max_chats: int = 10_000) -> None:
        self.drafts = drafts
        self.max_chats = max(1, max_chats)
        self._moved: OrderedDict[int, int] = OrderedDict()
        self._no_drafts: OrderedDict[int, None] = OrderedDict()
        self._sent: OrderedDict[int, tuple[int, ...]] = OrderedDict()

    def current_id(self, chat_id: int) -> int:
        """The chat's id now: a group that became a supergroup has a new one."""
        return self._moved.get(chat_id, chat_id)

    def drafts_for(self, chat_id: int) -> bool:
        """Stream this chat by drafts? Private chats only (positive ids), when allowed."""
        return self.drafts and chat_id > 0 and chat_id not in self._no_drafts

    def is_ours(self, chat_id: int, message_id: int) -> bool:
        return message_id in self._sent.get(chat_id, ())

    def sent(self, chat_id: int, message_id: int) -> None:
        """The bot sent `message_id` in `chat_id`."""
        ids = self._sent.pop(chat_id, ())
        self._sent[chat_id] = (*ids[-(RECENT_IDS - 1) :], message_id)
        self._bound(self._sent)

    def apply(self, chat_id: int, effect: Effect) -> None:
        """Keep what a failure taught about the chat (or the server) for later answers."""
        if isinstance(effect, Moved):
            self._moved[chat_id] = effect.chat_id
            self._bound(self._moved)
        elif isinstance(effect, DraftsOffInChat):
            self._no_drafts[chat_id] = None
            self._bound(self._no_drafts)
        elif isinstance(effect, DraftsOffEverywhere):
            self.drafts = False

    def sizes(self) -> dict[str, int]:
        """Entries per structure, for the tests that check memory stays bounded."""
        return {
            "moved": len(self._moved),
            "no_drafts": len(self._no_drafts),
            "sent": len(self._sent),
        }

    def _bound(self, table: OrderedDict[int, Any]) -> None:
        while len(table) > self.max_chats:
            table.popitem(last=False)
