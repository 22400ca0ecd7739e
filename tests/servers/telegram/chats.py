"""What the fake knows of chats: the chats themselves, their users, members and messages.

Both sides read this store: users' messages are built from it (``messages.py``) and the bot's
writes check it (``writes.py``). Imitated: message ids counted per chat (as in private chats
and supergroups), the last User object seen per id, creators and administrators with their
rights, groups upgraded to supergroups and chats that blocked the bot. Not imitated: channels
as chats the bot writes to, member lists beyond administrators, restricted members, chat
photos, descriptions and permissions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["BotMessage", "Chats", "Stored", "snapshot"]

_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
)


@dataclass
class BotMessage:
    """A message the bot sent, as the user would see it now."""

    chat_id: int
    message_id: int
    text: str
    entities: list[dict[str, Any]]
    reply_to: int | None
    thread_id: int | None
    deleted: bool = False
    versions: list[str] = field(default_factory=list)  # every text it showed, in order


@dataclass
class Stored:
    """Current state of any message in a chat (user's or bot's), indexed by (chat, id)."""

    data: dict[str, Any]
    from_bot: bool
    deleted: bool = False
    bot: BotMessage | None = None
    changed_by_lost_call: bool = False  # the client never learnt its current content


def snapshot(message: dict[str, Any]) -> dict[str, Any]:
    """A message as embedded in reply_to_message: Telegram never nests replies twice."""
    return {k: v for k, v in message.items() if k != "reply_to_message"}


class Chats:
    """Every chat, user and message the fake has seen, and who administers each group."""

    def __init__(self) -> None:
        self.chats: dict[int, dict[str, Any]] = {}
        self.users: dict[int, dict[str, Any]] = {}  # the last User object seen per id
        self.messages: dict[tuple[int, int], Stored] = {}
        self.migrated: dict[int, int] = {}  # old group id -> supergroup id
        self.blocked: set[int] = set()
        self._next_message_id: dict[int, int] = {}
        self._admins: dict[int, list[int]] = {}  # chat -> administrators, creator first
        self._creators: dict[int, int] = {}

    def new_message_id(self, chat_id: int) -> int:
        """The next message id in ``chat_id``: 1, 2, 3... whoever posts."""
        message_id = self._next_message_id.get(chat_id, 0) + 1
        self._next_message_id[chat_id] = message_id
        return message_id

    def message(self, chat_id: int, message_id: int) -> Stored | None:
        """A message by id, deleted or not; None if it never existed."""
        return self.messages.get((chat_id, message_id))

    def chat(self, chat_id: int) -> dict[str, Any]:
        """The Chat object for ``chat_id``; a private chat or supergroup if never seen."""
        chat = self.chats.get(chat_id)
        if chat is None:
            if chat_id > 0:
                chat = {"id": chat_id, "type": "private", "first_name": "User"}
            else:
                chat = {"id": chat_id, "type": "supergroup", "title": f"Group {abs(chat_id)}"}
            self.chats[chat_id] = chat
        return chat

    def register(
        self,
        chat_id: int,
        chat_type: str | None,
        chat_title: str | None,
        first_name: str,
        username: str | None,
        *,
        is_forum: bool,
    ) -> dict[str, Any]:
        """The Chat object a user's message carries, remembered for the bot's writes."""
        kind = chat_type or ("private" if chat_id > 0 else "supergroup")
        chat: dict[str, Any] = {"id": chat_id, "type": kind}
        if kind == "private":
            chat["first_name"] = first_name
            if username is not None:
                chat["username"] = username
        else:
            chat["title"] = chat_title or f"Group {abs(chat_id)}"
            if is_forum:
                chat["is_forum"] = True
        self.chats[chat_id] = chat
        return chat

    def user(
        self,
        chat_id: int,
        user_id: int | None,
        first_name: str,
        username: str | None,
        language_code: str | None,
    ) -> dict[str, Any]:
        """The User who posts in ``chat_id``: by default the chat's own id, 1001 in groups."""
        uid = user_id if user_id is not None else (chat_id if chat_id > 0 else 1001)
        user: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": first_name}
        if username is not None:
            user["username"] = username
        if language_code is not None:
            user["language_code"] = language_code
        self.users[uid] = user
        return user

    def migrate(self, old_chat_id: int, new_chat_id: int) -> None:
        """The group ``old_chat_id`` became the supergroup ``new_chat_id`` (a new chat)."""
        if old_chat_id >= 0 or new_chat_id >= 0 or old_chat_id == new_chat_id:
            raise ValueError("both ids must be distinct group ids (negative)")
        old = self.chats.get(old_chat_id)
        if old is None:
            old = {"id": old_chat_id, "type": "group", "title": f"Group {-old_chat_id}"}
            self.chats[old_chat_id] = old
        title = old.get("title") or f"Group {-old_chat_id}"
        self.chats[new_chat_id] = {"id": new_chat_id, "type": "supergroup", "title": title}
        self.migrated[old_chat_id] = new_chat_id

    def set_admins(self, chat_id: int, user_ids: Iterable[int], creator: int | None) -> None:
        """Who administers a group; ``creator`` (if set) is the owner, listed first."""
        admins = [uid for uid in user_ids if uid != creator]
        self._admins[chat_id] = admins if creator is None else [creator, *admins]
        if creator is None:
            self._creators.pop(chat_id, None)
        else:
            self._creators[chat_id] = creator

    def admins(self, chat_id: int) -> list[int]:
        """The administrators of a group, creator first."""
        return list(self._admins.get(chat_id, []))

    def member(self, chat_id: int, user_id: int, bot_user: dict[str, Any]) -> dict[str, Any]:
        """A ChatMember object: creator, administrator or member, as set_admins configured."""
        if user_id == bot_user["id"]:
            user = bot_user
        else:
            user = self.users.get(user_id) or {
                "id": user_id,
                "is_bot": False,
                "first_name": f"User {user_id}",
            }
        if self._creators.get(chat_id) == user_id:
            return {"status": "creator", "user": user, "is_anonymous": False}
        if user_id not in self._admins.get(chat_id, []):
            return {"status": "member", "user": user}
        return {
            "status": "administrator",
            "user": user,
            "can_be_edited": False,
            "is_anonymous": False,
            "can_promote_members": False,
            "can_post_stories": False,
            "can_edit_stories": False,
            "can_delete_stories": False,
            "can_send_welcome_messages": False,
            **dict.fromkeys(_ADMIN_RIGHTS, True),
        }
