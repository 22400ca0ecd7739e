"""The users' side: what people do in their chats, as updates the bot receives.

A test makes users write (text, commands, stickers, photos, documents, replies with quotes,
forum topics, messages sent on behalf of a chat), edit their messages, press "stop" on a
draft, delete messages, block the bot, appoint administrators and upgrade a group; each
becomes the Message and the update Telegram would deliver. Imitated: the shapes aiogram parses
(``from``, ``sender_chat``, ``reply_to_message`` one level deep, ``quote`` with its UTF-16
position, a leading ``/command``'s bot_command entity, photo sizes largest last, an album's
photos sharing a ``media_group_id``). Voice notes, audio, round video notes and videos carry
served files (``add_speech``). Not imitated: stickers' files, forwards, service messages
other than a forum topic's creation, and the entities Telegram detects in users' text.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import Any, TypedDict, Unpack

from tests.servers.telegram.changes import Changes
from tests.servers.telegram.chats import Chats, Stored, snapshot
from tests.servers.telegram.files import Files
from tests.servers.telegram.text import utf16_len
from tests.servers.telegram.updates import Updates
from tests.servers.telegram.writes import Writes

__all__ = ["CHANNEL_BOT", "GROUP_ANONYMOUS_BOT", "UserActions", "UserMessageOptions"]

# Who Telegram names as ``from`` when a message is sent on behalf of a chat (``sender_chat``).
GROUP_ANONYMOUS_BOT = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
CHANNEL_BOT = {"id": 136817688, "is_bot": True, "first_name": "Channel", "username": "Channel_Bot"}
_LEADING_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?=\s|$)")


class UserMessageOptions(TypedDict, total=False):
    """Who posts a user's message, where, and in reply to what.

    The keywords ``add_message`` and the file helpers share; all optional.
    """

    user_id: int | None  # default: the chat id in private chats, 1001 in groups
    first_name: str
    username: str | None
    language_code: str | None
    chat_type: str | None  # default: "private" for positive ids, "supergroup" otherwise
    chat_title: str | None
    reply_to_message_id: int | None
    quote: str | None  # part of the replied message's text the user quoted
    message_thread_id: int | None
    is_forum: bool
    # Sent on behalf of a chat: the group itself (an anonymous admin) or a channel.
    sender_chat_id: int | None
    sender_chat_title: str | None


def _quote(replied: dict[str, Any], quote: str) -> dict[str, Any]:
    """Telegram's TextQuote for a manual quote of part of the replied message's text."""
    source = replied.get("text") or replied.get("caption") or ""
    index = source.find(quote) if quote else -1
    if index < 0:
        raise ValueError(f"{quote!r} is not part of the replied message's text")
    return {"text": quote, "position": utf16_len(source[:index]), "is_manual": True}


def _caption(
    message: dict[str, Any], caption: str | None, entities: list[dict[str, Any]] | None
) -> None:
    if caption is not None:
        message["caption"] = caption
        if entities:
            message["caption_entities"] = entities


class UserActions:
    """The users' half of :class:`FakeTelegram`'s interface (it inherits this).

    Must be called from the event loop's thread. Bad requests from a test (a reply to a
    message that does not exist, a quote not in it) raise ``ValueError`` at once.
    """

    _chats: Chats
    _files: Files
    _updates: Updates
    _writes: Writes
    _changes: Changes

    def add_message(
        self,
        chat_id: int,
        text: str | None = None,
        *,
        entities: list[dict[str, Any]] | None = None,
        sticker: bool = False,
        photo: bool = False,
        **options: Unpack[UserMessageOptions],
    ) -> int:
        """A user writes to the bot; returns the new message_id.

        A leading ``/command`` gets its bot_command entity like Telegram clients add; with
        ``photo`` the text becomes the caption (of a photo with no downloadable file). In a
        forum topic a non-reply message replies to the topic's creation message, as Telegram
        does.
        """
        message_id = self._chats.new_message_id(chat_id)
        message = self._compose(chat_id, message_id, options)
        if text is not None:
            ents = entities
            if ents is None:
                command = _LEADING_COMMAND_RE.match(text)
                if command is not None:
                    ents = [{"type": "bot_command", "offset": 0, "length": command.end()}]
            key = "caption" if photo else "text"
            message[key] = text
            if ents:
                message[f"{key}_entities" if photo else "entities"] = ents
        if sticker:
            message["sticker"] = {
                "file_id": f"sticker-{chat_id}-{message_id}",
                "file_unique_id": f"s{chat_id}x{message_id}",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": "👍",
            }
        if photo:
            message["photo"] = [
                {
                    "file_id": f"photo-{chat_id}-{message_id}-{size}",
                    "file_unique_id": f"p{chat_id}x{message_id}x{size}",
                    "width": size,
                    "height": size * 3 // 4,
                    "file_size": size * 100,
                }
                for size in (90, 320, 1280)
            ]
        return self._post(chat_id, message)

    def add_photo(
        self,
        chat_id: int,
        image: bytes,
        *,
        caption: str | None = None,
        caption_entities: list[dict[str, Any]] | None = None,
        width: int = 1280,
        height: int = 960,
        media_group_id: str | None = None,
        **options: Unpack[UserMessageOptions],
    ) -> int:
        """A user sends a photo; getFile and the file URL serve ``image``. Returns message_id.

        Telegram offers several sizes, largest last; the fake cannot scale images, so every
        size serves the same bytes (and reports their size). Photos of one album share a
        ``media_group_id``; the apps send them as separate updates, the caption on one.
        """
        message_id = self._chats.new_message_id(chat_id)
        message = self._compose(chat_id, message_id, options)
        sizes: list[dict[str, Any]] = []
        longest = max(width, height)
        for bound in (90, 320, 800):
            if bound < longest:
                scale = bound / longest
                sizes.append(
                    self._files.photo_size(image, round(width * scale), round(height * scale))
                )
        sizes.append(self._files.photo_size(image, width, height))
        message["photo"] = sizes
        if media_group_id is not None:
            message["media_group_id"] = media_group_id
        _caption(message, caption, caption_entities)
        return self._post(chat_id, message)

    def add_document(
        self,
        chat_id: int,
        data: bytes,
        *,
        file_name: str,
        mime_type: str,
        caption: str | None = None,
        caption_entities: list[dict[str, Any]] | None = None,
        media_group_id: str | None = None,
        **options: Unpack[UserMessageOptions],
    ) -> int:
        """A user sends a file; getFile and the file URL serve ``data``. Files sent together
        share a ``media_group_id`` (one update each, the caption on one). Returns message_id."""
        message_id = self._chats.new_message_id(chat_id)
        message = self._compose(chat_id, message_id, options)
        if media_group_id is not None:
            message["media_group_id"] = media_group_id
        suffix = "." + file_name.rsplit(".", 1)[1] if "." in file_name else ""
        file = self._files.add(data, "documents", suffix)
        message["document"] = {**file.describe(), "file_name": file_name, "mime_type": mime_type}
        _caption(message, caption, caption_entities)
        return self._post(chat_id, message)

    def add_speech(
        self,
        chat_id: int,
        data: bytes,
        *,
        kind: str = "voice",
        duration: int,
        file_name: str | None = None,
        mime_type: str | None = None,
        caption: str | None = None,
        caption_entities: list[dict[str, Any]] | None = None,
        **options: Unpack[UserMessageOptions],
    ) -> int:
        """A user sends a voice note, an audio file, a round video note or a video (``kind``:
        voice, audio, video_note, video) of ``duration`` seconds; getFile and the file URL
        serve ``data``. Returns message_id.

        The fields are those Telegram sends: a voice note is OGG/Opus (``audio/ogg``) with no
        file name, a video note is a square MP4 with ``length`` and no MIME type or name.
        """
        defaults = {
            "voice": ("voice", ".oga", "audio/ogg"),
            "audio": ("music", ".mp3", "audio/mpeg"),
            "video_note": ("video_note", ".mp4", None),
            "video": ("video", ".mp4", "video/mp4"),
        }
        folder, suffix, default_mime = defaults[kind]
        message_id = self._chats.new_message_id(chat_id)
        message = self._compose(chat_id, message_id, options)
        file = self._files.add(data, f"{folder}s", suffix)
        media: dict[str, Any] = {**file.describe(), "duration": duration}
        mime = mime_type or default_mime
        if mime is not None and kind != "video_note":
            media["mime_type"] = mime
        if file_name is not None and kind in ("audio", "video"):
            media["file_name"] = file_name
        if kind == "video_note":
            media["length"] = 240
        if kind == "video":
            media["width"] = media["height"] = 64
        message[kind] = media
        _caption(message, caption, caption_entities)
        return self._post(chat_id, message)

    def add_edited_message(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        *,
        user_id: int | None = None,
        first_name: str = "Alice",
        username: str | None = None,
        language_code: str | None = "en",
        chat_type: str | None = None,
        chat_title: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        message_thread_id: int | None = None,
        is_forum: bool = False,
    ) -> None:
        """The user edits one of their messages; queues an ``edited_message`` update.

        The user/chat keywords are only used when ``message_id`` is not a known message.
        """
        stored = self._chats.message(chat_id, message_id)
        if stored is not None and stored.from_bot:
            raise ValueError(
                f"message {message_id} in chat {chat_id} is the bot's, not the user's"
            )
        if stored is not None:
            message = dict(stored.data)
        else:
            message = self._user_message(
                chat_id,
                message_id,
                user_id,
                first_name,
                username,
                language_code,
                chat_type,
                chat_title,
                is_forum,
            )
            if message_thread_id is not None:
                message["message_thread_id"] = message_thread_id
        key = "caption" if "caption" in message else "text"
        message[key] = text
        message.pop("caption_entities" if key == "caption" else "entities", None)
        if entities:
            message["caption_entities" if key == "caption" else "entities"] = entities
        message["edit_date"] = int(time.time())
        self._chats.messages[(chat_id, message_id)] = Stored(message, from_bot=False)
        self._updates.add({"edited_message": message})

    def add_callback_query(
        self,
        chat_id: int,
        message_id: int,
        data: str,
        *,
        user_id: int | None = None,
        first_name: str = "Alice",
        language_code: str | None = "en",
    ) -> str:
        """The user taps an inline button of the bot's message; returns the query's id.

        The button need not be on the message now: an old keyboard's tap is a real case."""
        stored = self._chats.message(chat_id, message_id)
        if stored is None or not stored.from_bot:
            raise ValueError(f"no bot message {message_id} in chat {chat_id}")
        user = self._chats.user(chat_id, user_id, first_name, None, language_code)
        query_id = f"cq-{chat_id}-{message_id}-{len(self._updates)}-{data}"
        self._updates.add(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user,
                    "message": dict(stored.data),
                    "chat_instance": f"ci{chat_id}",
                    "data": data,
                }
            }
        )
        return query_id

    def add_stopped_generation(
        self, chat_id: int, draft_id: int, message_thread_id: int | None = None
    ) -> None:
        """The user pressed "stop" on a draft; the draft goes away unless keep_on_stop."""
        payload: dict[str, Any] = {"chat": self._chats.chat(chat_id), "draft_id": draft_id}
        if message_thread_id is not None:
            payload["message_thread_id"] = message_thread_id
        self._writes.stop_draft(chat_id, draft_id)
        self._updates.add({"stopped_message_generation": payload})

    def add_foreign_messages(self, chat_id: int, count: int = 1) -> list[int]:
        """Other members post ``count`` messages; returns their ids.

        They take message ids, so the bot's own messages stop being consecutive, but queue no
        updates: in privacy mode a bot does not see ordinary group messages.
        """
        chat = self._chats.chat(chat_id)
        ids: list[int] = []
        for n in range(count):
            message_id = self._chats.new_message_id(chat_id)
            member = {"id": 700_000 + message_id, "is_bot": False, "first_name": f"Member {n}"}
            message = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": chat,
                "from": member,
                "text": f"message {message_id} from another member",
            }
            self._chats.messages[(chat_id, message_id)] = Stored(message, from_bot=False)
            ids.append(message_id)
        self._changes.notify()
        return ids

    def user_deletes(self, chat_id: int, message_id: int) -> None:
        """The user deletes a message (theirs or the bot's) for everyone."""
        stored = self._chats.message(chat_id, message_id)
        if stored is None:
            raise KeyError(f"no message {message_id} in chat {chat_id}")
        stored.deleted = True
        if stored.bot is not None:
            stored.bot.deleted = True
        self._changes.notify()

    def block_chat(self, chat_id: int) -> None:
        """The user blocks the bot: writes and chat actions to it get 403."""
        self._chats.blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        """The user unblocks the bot."""
        self._chats.blocked.discard(chat_id)

    def set_admins(
        self, chat_id: int, user_ids: Iterable[int], *, creator: int | None = None
    ) -> None:
        """Who administers a group, for getChatMember and getChatAdministrators.

        ``creator`` (if set) is the owner and counts as an administrator; everyone else is a
        plain "member".
        """
        self._chats.set_admins(chat_id, user_ids, creator)

    def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """The group ``old_chat_id`` became the supergroup ``new_chat_id`` (a new chat).

        From now on writes to the old id get Telegram's 400 with ``migrate_to_chat_id``.
        """
        self._chats.migrate(old_chat_id, new_chat_id)

    def _compose(
        self, chat_id: int, message_id: int, options: UserMessageOptions
    ) -> dict[str, Any]:
        """A user's message without content: sender, chat, thread and the replied message."""
        sender_chat_id = options.get("sender_chat_id")
        sender_chat_title = options.get("sender_chat_title")
        anonymous_admin = sender_chat_id == chat_id
        message = self._user_message(
            chat_id,
            message_id,
            options.get("user_id"),
            options.get("first_name", "Alice"),
            options.get("username"),
            options.get("language_code", "en"),
            options.get("chat_type"),
            options.get("chat_title") or (sender_chat_title if anonymous_admin else None),
            options.get("is_forum", False),
        )
        chat = message["chat"]
        if sender_chat_id is not None:
            if chat_id > 0:
                raise ValueError("only group messages can be sent on behalf of a chat")
            if anonymous_admin:
                message["from"], message["sender_chat"] = dict(GROUP_ANONYMOUS_BOT), chat
            else:
                title = sender_chat_title or f"Channel {abs(sender_chat_id)}"
                channel = {"id": sender_chat_id, "type": "channel", "title": title}
                message["from"], message["sender_chat"] = dict(CHANNEL_BOT), channel
        thread_id = options.get("message_thread_id")
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            if chat.get("is_forum"):
                message["is_topic_message"] = True
        reply_to = options.get("reply_to_message_id")
        if reply_to is not None:
            replied = self._chats.message(chat_id, reply_to)
            if replied is None or replied.deleted:
                raise ValueError(f"no message {reply_to} in chat {chat_id} to reply to")
            message["reply_to_message"] = snapshot(replied.data)
            quote = options.get("quote")
            if quote is not None:
                message["quote"] = _quote(replied.data, quote)
        elif options.get("quote") is not None:
            raise ValueError("a quote needs reply_to_message_id")
        elif thread_id is not None and chat.get("is_forum"):
            message["reply_to_message"] = {
                "message_id": thread_id,
                "date": int(time.time()),
                "chat": chat,
                "from": message["from"],
                "message_thread_id": thread_id,
                "is_topic_message": True,
                "forum_topic_created": {"name": f"Topic {thread_id}", "icon_color": 0},
            }
        return message

    def _post(self, chat_id: int, message: dict[str, Any]) -> int:
        """Store a user's message and queue its update; returns its id."""
        self._chats.messages[(chat_id, message["message_id"])] = Stored(message, from_bot=False)
        self._updates.add({"message": message})
        return int(message["message_id"])

    def _user_message(
        self,
        chat_id: int,
        message_id: int,
        user_id: int | None,
        first_name: str,
        username: str | None,
        language_code: str | None,
        chat_type: str | None,
        chat_title: str | None,
        is_forum: bool,
    ) -> dict[str, Any]:
        """The fields every message a user sends carries: id, date, chat and sender."""
        chat = self._chats.register(
            chat_id, chat_type, chat_title, first_name, username, is_forum=is_forum
        )
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": self._chats.user(chat_id, user_id, first_name, username, language_code),
        }
