"""The bot's writes to a chat and what they leave on the user's screen.

sendMessage, editMessageText, sendMessageDraft, deleteMessage and sendChatAction, with the
checks Telegram makes before carrying one out: the text's rules (``text.py``), the replied
message, the reply markup, "message is not modified", and flood control (``limits.py``) for
writes that passed them. Every text shown is recorded per chat, so tests assert what the user
saw: the bot's messages with every version of their text, drafts, and one timeline of both.
Imitated beyond the checks: replies inside forum topics, drafts cleared by a sent message and
``keep_on_stop``. Not imitated: media, captions, inline messages, polls, message effects,
business connections, link previews (their options are only checked for JSON) and the
48-hour window for editing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from tests.servers.telegram.chats import BotMessage, Chats, Stored, snapshot
from tests.servers.telegram.errors import NOT_MODIFIED, ApiError, bad
from tests.servers.telegram.limits import FloodControl
from tests.servers.telegram.params import (
    chat_id_of,
    flag,
    json_param,
    opt_int,
    require_chat,
)
from tests.servers.telegram.text import MAX_TEXT_UTF16, text_and_entities

__all__ = ["CHAT_ACTIONS", "Writes"]

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


@dataclass
class _OpenDraft:
    text: str
    keep_on_stop: bool


class Writes:
    """The write methods' handlers, and the record of everything they showed."""

    def __init__(self, chats: Chats, flood: FloodControl, bot_user: dict[str, Any]) -> None:
        self._chats = chats
        self._flood = flood
        self._bot_user = bot_user
        self.max_text_units = MAX_TEXT_UTF16  # longer (cleaned) texts: "message is too long"
        # "message is not modified" although the client saw (or could know) the current text
        self.not_modified_unexplained = 0
        self.bot_messages: dict[int, list[BotMessage]] = {}
        self.timeline: dict[int, list[str]] = {}  # every text shown; drafts as "draft:..."
        self.drafts: dict[int, dict[int, list[str]]] = {}  # chat -> draft_id -> texts
        self._open_drafts: dict[int, dict[int, _OpenDraft]] = {}

    def open_drafts(self, chat_id: int) -> dict[int, str]:
        """Drafts still on screen in a chat: draft_id -> text."""
        return {k: v.text for k, v in self._open_drafts.get(chat_id, {}).items()}

    def stop_draft(self, chat_id: int, draft_id: int) -> None:
        """The user pressed "stop": the draft goes away unless it was sent with keep_on_stop."""
        open_drafts = self._open_drafts.get(chat_id, {})
        draft = open_drafts.get(draft_id)
        if draft is not None and not draft.keep_on_stop:
            del open_drafts[draft_id]

    def _reply_target(self, chat_id: int, params: dict[str, Any]) -> dict[str, Any] | None:
        """Resolve reply_parameters / legacy reply_to_message_id to the replied message."""
        reply = json_param(params, "reply_parameters", "reply parameters")
        if reply is not None:
            if not isinstance(reply, dict):
                raise bad("can't parse reply parameters JSON object")
            target_id = opt_int(reply, "message_id")
            target_chat = chat_id_of(reply.get("chat_id")) or chat_id
            allow = flag(reply.get("allow_sending_without_reply"))
        else:
            target_id = opt_int(params, "reply_to_message_id")
            target_chat = chat_id
            allow = flag(params.get("allow_sending_without_reply"))
        if target_id is None:
            return None
        stored = self._chats.message(target_chat, target_id)
        if stored is None or stored.deleted:
            if allow:
                return None
            raise bad("message to be replied not found")
        return stored.data if target_chat == chat_id else None

    @staticmethod
    def _inline_markup(params: dict[str, Any]) -> dict[str, Any] | None:
        markup = json_param(params, "reply_markup", "reply markup")
        if markup is not None and not isinstance(markup, dict):
            raise bad("can't parse reply keyboard markup JSON object")
        return markup if markup and "inline_keyboard" in markup else None

    async def send_chat_action(self, params: dict[str, Any], at: float) -> Any:
        """sendChatAction: checked, then forgotten (the user's "typing..." is not recorded)."""
        require_chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad("wrong parameter action in request")
        return True

    async def send_message(self, params: dict[str, Any], at: float) -> Any:
        """sendMessage: a new message from the bot; a private chat's open drafts go."""
        chat_id = require_chat(params)
        text, entities = text_and_entities(params, max_units=self.max_text_units)
        thread_id = opt_int(params, "message_thread_id")
        replied = self._reply_target(chat_id, params)
        markup = self._inline_markup(params)
        json_param(params, "link_preview_options", "link preview options")
        self._flood.admit(chat_id, at)

        chat = self._chats.chat(chat_id)
        if thread_id is None and replied is not None and chat.get("is_forum"):
            thread_id = replied.get("message_thread_id")
        message_id = self._chats.new_message_id(chat_id)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": self._bot_user,
            "text": text,
        }
        if entities:
            message["entities"] = entities
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            if chat.get("is_forum"):
                message["is_topic_message"] = True
        if replied is not None:
            message["reply_to_message"] = snapshot(replied)
        if markup is not None:
            message["reply_markup"] = markup
        bot_message = BotMessage(
            chat_id=chat_id,
            message_id=message_id,
            text=text,
            entities=entities,
            reply_to=replied["message_id"] if replied is not None else None,
            thread_id=thread_id,
            versions=[text],
        )
        self._chats.messages[(chat_id, message_id)] = Stored(
            message, from_bot=True, bot=bot_message
        )
        self.bot_messages.setdefault(chat_id, []).append(bot_message)
        self.timeline.setdefault(chat_id, []).append(text)
        if chat_id > 0:
            self._open_drafts.pop(chat_id, None)
        return dict(message)

    async def edit_message_text(self, params: dict[str, Any], at: float) -> Any:
        """editMessageText of one of the bot's messages; "not modified" if nothing changes."""
        if params.get("inline_message_id") and params.get("chat_id") is None:
            raise bad("inline messages are not supported by FakeTelegram")
        chat_id = require_chat(params)
        message_id = opt_int(params, "message_id")
        if message_id is None:
            raise bad("message identifier is not specified")
        stored = self._chats.message(chat_id, message_id)
        if stored is None or stored.deleted:
            raise bad("message to edit not found")
        if not stored.from_bot:
            raise bad("message can't be edited")
        if "text" not in stored.data:
            raise bad("there is no text in the message to edit")
        text, entities = text_and_entities(params, max_units=self.max_text_units)
        markup = self._inline_markup(params)
        current = stored.data
        if (
            text == current["text"]
            and entities == current.get("entities", [])
            and markup == current.get("reply_markup")
        ):
            if not stored.changed_by_lost_call:
                self.not_modified_unexplained += 1
            raise ApiError(400, NOT_MODIFIED)
        self._flood.admit(chat_id, at)

        message = dict(current)
        message["text"] = text
        message.pop("entities", None)
        if entities:
            message["entities"] = entities
        message.pop("reply_markup", None)
        if markup is not None:
            message["reply_markup"] = markup
        message["edit_date"] = int(time.time())
        stored.data = message
        if stored.bot is not None:
            stored.bot.text = text
            stored.bot.entities = entities
            stored.bot.versions.append(text)
        self.timeline.setdefault(chat_id, []).append(text)
        return dict(message)

    async def send_message_draft(self, params: dict[str, Any], at: float) -> Any:
        """sendMessageDraft: an answer being typed, shown in a private chat; may be empty."""
        chat_id = require_chat(params)
        draft_id = opt_int(params, "draft_id")
        if not draft_id:
            raise bad("draft_id must be non-zero")
        if chat_id < 0:
            raise bad("method is available only in private chats")
        opt_int(params, "message_thread_id")
        text, _entities = text_and_entities(
            params, max_units=self.max_text_units, allow_empty=True
        )
        self._flood.admit(chat_id, at)

        self.drafts.setdefault(chat_id, {}).setdefault(draft_id, []).append(text)
        keep = flag(params.get("keep_on_stop"))
        self._open_drafts.setdefault(chat_id, {})[draft_id] = _OpenDraft(text, keep)
        self.timeline.setdefault(chat_id, []).append(f"draft:{text}")
        return True

    async def delete_message(self, params: dict[str, Any], at: float) -> Any:
        """deleteMessage of any message in the chat (the fake does not check rights)."""
        chat_id = require_chat(params)
        message_id = opt_int(params, "message_id")
        if message_id is None:
            raise bad("message identifier is not specified")
        stored = self._chats.message(chat_id, message_id)
        if stored is None or stored.deleted:
            raise bad("message to delete not found")
        self._flood.admit(chat_id, at)
        stored.deleted = True
        if stored.bot is not None:
            stored.bot.deleted = True
        return True
