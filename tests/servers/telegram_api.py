"""An in-process fake of the Telegram Bot API for end-to-end tests and benchmarks.

Why a real HTTP server: the bot under test talks to Telegram through aiogram's own
``AiohttpSession`` (multipart bodies, JSON-encoded fields, error classification), and the
benchmark runs the bot as a subprocess. Mocking inside the process would skip exactly the
layers that break in production, so this serves ``{base}/bot{token}/{method}`` on 127.0.0.1
and answers like Telegram does where a bot's behaviour depends on it: message ids, text
normalisation, UTF-16 entity and text_link URL validation (entities only: a parse_mode is
refused, as the bot never sends one), "message is not modified", flood
control with ``retry_after``, drafts, long polling, blocked users, groups upgraded to
supergroups, users' files and chat administrators. Fault injection adds what Telegram does
only sometimes: error answers (JSON, or a proxy's HTML page), answers lost after the call
took effect, slow answers for some chats or methods, updates sent twice, and a token revoked
while the bot runs.

Request handling is transport-independent: :meth:`FakeTelegram.dispatch` answers one call
with a :class:`Reply`, the HTTP handler is a thin shell over it, and
``tests.servers.inprocess.InProcessSession`` calls it directly (no sockets), so scenarios can
run on an event loop with virtual time. Every time the server reads (arrival, flood buckets,
``retry_after`` deadlines) comes from the ``clock`` passed to the constructor.

Everything runs on one event loop; the helper methods (``add_message`` etc.) must be called
from that loop's thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
import time
import traceback
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from itertools import islice
from typing import Any, Literal, TypedDict, TypeVar, Unpack

from aiohttp import web

__all__ = [
    "BotMessage",
    "Call",
    "DraftsMode",
    "FakeTelegram",
    "Limits",
    "Reply",
    "UserMessageOptions",
    "telegram_normalise",
    "utf16_len",
]

MAX_TEXT_UTF16 = 4096
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # getFile refuses bigger files on Telegram's own server
# Who Telegram names as ``from`` when a message is sent on behalf of a chat (``sender_chat``).
GROUP_ANONYMOUS_BOT = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
CHANNEL_BOT = {"id": 136817688, "is_bot": True, "first_name": "Channel", "username": "Channel_Bot"}
# How the server treats sendMessageDraft: "refused" is Telegram's 400 for bots without the
# feature, "missing" an older self-hosted Bot API server that does not know the method.
DraftsMode = Literal["ok", "refused", "missing"]
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
# Not Telegram's: the bot always sends entities, so a parse_mode means something changed and the
# fake, which no longer parses markup, must say so at once rather than show the markup as text.
PARSE_MODE_NOT_IMPLEMENTED = (
    "Bad Request: parse_mode is not implemented by FakeTelegram; send entities instead"
)

ENTITY_TYPES = frozenset(
    {
        "mention",
        "hashtag",
        "cashtag",
        "bot_command",
        "url",
        "email",
        "phone_number",
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "blockquote",
        "expandable_blockquote",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
        "date_time",
    }
)
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
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_LEADING_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?=\s|$)")


@dataclass
class Limits:
    """Telegram-like flood limits.

    All token buckets are measured at request arrival, on the server's ``clock``.
    """

    private_rate: float = 1.0  # writes per second per private chat (chat_id > 0)
    private_burst: float = 3.0
    group_rate: float = 20 / 60  # writes per second per group (chat_id < 0)
    group_burst: float = 3.0
    global_rate: float = 30.0  # writes per second, whole bot
    global_burst: float = 30.0


@dataclass
class Call:
    """One HTTP request the bot made, kept so tests can assert on what was asked and answered."""

    method: str
    params: dict[str, Any]
    at: float  # the server's clock when the request arrived
    status: int
    description: str | None
    result: Any
    chat_id: int | None
    lost: bool = False  # executed, but the client never got the answer (see lose_next)

    @property
    def ok(self) -> bool:
        """Whether Telegram would have answered ``"ok": true``."""
        return self.status == 200


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


@dataclass(frozen=True)
class Reply:
    """The answer to one call, as any transport must deliver it.

    ``body`` is exactly what the HTTP server sends (JSON, or an HTML error page), so a
    transport hands it to aiogram's ``check_response`` unchanged.
    """

    status: int
    body: str
    content_type: str = "application/json"
    lost: bool = False  # the call took effect but the answer never reaches the client


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


class _ApiError(Exception):
    """A Telegram error answer; raised anywhere in a method handler."""

    def __init__(
        self, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def _bad(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


def _bad_entities(description: str) -> _ApiError:
    return _bad(f"can't parse entities: {description}")


@dataclass
class _Stored:
    """Current state of any message in a chat (user's or bot's), indexed by (chat, id)."""

    data: dict[str, Any]
    from_bot: bool
    deleted: bool = False
    bot: BotMessage | None = None
    changed_by_lost_call: bool = False  # the client never learnt its current content


@dataclass
class _Rule:
    """Applies to the next ``remaining`` calls of a method (to one chat if set)."""

    method: str  # lower-case
    chat_id: int | None
    remaining: int


@dataclass
class _Injected(_Rule):
    code: int
    description: str
    retry_after: int | None
    migrate_to_chat_id: int | None
    html: bool

    def parameters(self) -> dict[str, Any] | None:
        found = {"retry_after": self.retry_after, "migrate_to_chat_id": self.migrate_to_chat_id}
        return {k: v for k, v in found.items() if v is not None} or None


_R = TypeVar("_R", bound=_Rule)


def _take(rules: list[_R], method: str, chat_id: int | None) -> _R | None:
    """The first rule matching this call, used up by one."""
    for index, rule in enumerate(rules):
        if rule.method == method and (rule.chat_id is None or rule.chat_id == chat_id):
            rule.remaining -= 1
            if rule.remaining <= 0:
                del rules[index]
            return rule
    return None


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _html_error_page(status: int) -> str:
    """What a reverse proxy in front of the Bot API serves when it fails (nginx's page)."""
    title = f"{status} {_phrase(status)}"
    return (
        f"<html>\n<head><title>{title}</title></head>\n<body>\n"
        f"<center><h1>{title}</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n"
    )


@dataclass
class _File:
    """A file a user sent; ``path`` is issued by getFile, as Telegram does."""

    file_id: str
    file_unique_id: str
    data: bytes
    folder: str  # "photos", "documents"
    suffix: str  # ".jpg", ".pdf", ""
    path: str | None = None

    def describe(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }


@dataclass
class _OpenDraft:
    text: str
    keep_on_stop: bool


@dataclass
class _Bucket:
    """Token bucket; refilled lazily from the arrival time of each request."""

    rate: float
    burst: float
    tokens: float
    stamp: float

    def refill(self, now: float) -> None:
        if now > self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now

    def wait(self) -> float:
        if self.tokens >= 1.0:
            return 0.0
        if self.rate <= 0:
            return 3600.0
        return (1.0 - self.tokens) / self.rate


@dataclass
class _Described:
    """A successful result that Telegram accompanies with a description (setWebhook etc.)."""

    result: Any
    description: str


@dataclass
class _Method:
    name: str
    handler: Callable[[dict[str, Any], float], Awaitable[Any]]
    write: bool = False
    blockable: bool = False
    migrates: bool = False  # refused with migrate_to_chat_id once the group became a supergroup


# --------------------------------------------------------------------------- text helpers


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for limits and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


# Characters the Bot API deletes from message text (tdlib's clean_input_string).
_DELETED_CHARS = frozenset("\r\u2028\u2029\u202a\u202b\u202c\u202d\u202e")
# Trimmed at both ends: tdlib trims spaces and newlines; the real server also trims these
# Unicode spaces and invisible characters (found in a bug report against the bot).
_TRIMMED_CHARS = frozenset(
    " \n\u00a0\u1680\u180e\u202f\u205f\u2800\u3000\ufeff"
    + "".join(chr(c) for c in range(0x2000, 0x2010))  # U+2000..U+200A spaces, U+200B..U+200F
)


def telegram_normalise(
    text: str, entities: Sequence[dict[str, Any]] = ()
) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's cleanup of message text and entities (tdlib's ``fix_formatted_text``).

    Why it matters: Telegram stores and compares this form, so a client that compares its
    own raw text gets "message is not modified" or an empty-text error it did not expect.
    ``\r`` and U+2028..U+202E are deleted, other ASCII control characters except ``\n``
    become spaces; then spaces, newlines and Unicode blanks are trimmed on the right, and on
    the left up to the first entity. Entity offsets (UTF-16) follow; empty entities go.
    """
    kept: list[str] = []
    new_offset: list[int] = []  # UTF-16 offset in the old text -> offset in the new one
    pos = 0
    for ch in text:
        if ch in _DELETED_CHARS:
            new_offset.append(pos)
            continue
        kept.append(" " if ch < " " and ch != "\n" else ch)
        new_offset.append(pos)
        pos += 1
        if ord(ch) > 0xFFFF:
            new_offset.append(pos)
            pos += 1
    new_offset.append(pos)
    last = len(new_offset) - 1
    spans: list[tuple[int, int, dict[str, Any]]] = []
    for entity in entities:
        offset = min(max(int(entity["offset"]), 0), last)
        end = min(max(offset + int(entity["length"]), offset), last)
        spans.append((new_offset[offset], new_offset[end], entity))

    cleaned = "".join(kept)
    stop = len(cleaned)
    while stop and cleaned[stop - 1] in _TRIMMED_CHARS:
        stop -= 1
    size = pos - (len(cleaned) - stop)  # trimmed characters are all one UTF-16 unit
    spans = [(start, min(end, size), e) for start, end, e in spans if min(end, size) > start]
    first_entity = min((start for start, _, _ in spans), default=size)
    skip = 0
    while skip < min(stop, first_entity) and cleaned[skip] in _TRIMMED_CHARS:
        skip += 1
    out = [
        {**e, "offset": start - skip, "length": end - start}
        for start, end, e in sorted(spans, key=lambda span: (span[0], span[0] - span[1]))
    ]
    return cleaned[skip:stop], out


_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(?!\d+(?:[/?#]|$))")
_TG_HOST_RE = re.compile(r"[A-Za-z0-9_-]+")
_IPV6_RE = re.compile(r"\[[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\]")
_URL_END_RE = re.compile(r"[/?#]")


def _link_ok(url: str) -> bool:
    """Whether Telegram accepts ``url`` for a text_link (tdlib's ``LinkManager::check_link``).

    http(s) or scheme-less URLs need a host with a dot (or a bracketed IPv6 literal) and a
    valid port; ``tg:`` links need a plain alphanumeric host. Relative paths, anchors,
    ``mailto:``, ``javascript:`` and ``http://localhost`` are all refused.
    """
    scheme = _SCHEME_RE.match(url)
    rest = url
    if scheme is not None:
        name = scheme.group(1).lower()
        rest = url[scheme.end() :]
        if name == "tg":
            host = _URL_END_RE.split(rest.removeprefix("//"), maxsplit=1)[0]
            return _TG_HOST_RE.fullmatch(host) is not None
        if name not in ("http", "https") or not rest.startswith("//"):
            return False
        rest = rest[2:]
    authority = _URL_END_RE.split(rest, maxsplit=1)[0].rpartition("@")[2]
    if authority.startswith("["):
        host, bracket, port = authority.partition("]")
        if not bracket or _IPV6_RE.fullmatch(host + bracket) is None:
            return False
    else:
        host, colon, port = authority.partition(":")
        port = colon + port
        host = host.removesuffix(".")
        if "." not in host or not all(c.isalnum() or c in "-_.~%" for c in host):
            return False
    if port:
        digits = port.removeprefix(":")
        if not port.startswith(":") or not digits.isdigit() or not 0 < int(digits) < 65536:
            return False
    return True


def _surrogate_middles(text: str) -> set[int]:
    """UTF-16 offsets that fall between the two halves of a surrogate pair."""
    inside: set[int] = set()
    pos = 0
    for ch in text:
        if ord(ch) > 0xFFFF:
            inside.add(pos + 1)
            pos += 2
        else:
            pos += 1
    return inside


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_entities(text: str, raw: Any) -> list[dict[str, Any]]:
    """Validate caller-supplied entities the way Telegram does (UTF-16 offsets), normalised."""
    if raw is None:
        return []
    if isinstance(raw, str):
        raise _bad("can't parse entities JSON object")
    if not isinstance(raw, list):
        raise _bad_entities("entities must be an array")
    size = utf16_len(text)
    middles = _surrogate_middles(text) if size != len(text) else set()
    out: list[dict[str, Any]] = []
    for idx, ent in enumerate(raw):
        if not isinstance(ent, dict):
            raise _bad_entities(f"entity at index {idx} is not an object")
        etype = ent.get("type")
        if etype not in ENTITY_TYPES:
            raise _bad_entities(f'unsupported entity type "{etype}" at index {idx}')
        offset, length = ent.get("offset"), ent.get("length")
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
            raise _bad_entities(f"entity at index {idx} has invalid offset {offset!r}")
        if not isinstance(length, int) or isinstance(length, bool) or length <= 0:
            raise _bad_entities(f"entity at index {idx} has invalid length {length!r}")
        end = offset + length
        if end > size:
            raise _bad_entities(
                f"entity at index {idx} ends at UTF-16 offset {end}, "
                f"after the end of the text at UTF-16 offset {size}"
            )
        if offset in middles or end in middles:
            raise _bad_entities(f"entity at index {idx} splits a UTF-16 surrogate pair")
        clean: dict[str, Any] = {"type": etype, "offset": offset, "length": length}
        if etype == "text_link":
            url = ent.get("url")
            if not isinstance(url, str) or not url:
                raise _bad_entities(f"text_link entity at index {idx} must have a url")
            if not _link_ok(url):
                raise _bad_entities(f"Wrong HTTP URL in text_link entity at index {idx}")
            clean["url"] = url
        elif etype == "text_mention":
            user = ent.get("user")
            if not isinstance(user, dict) or not _is_int(user.get("id")):
                raise _bad_entities(f"text_mention entity at index {idx} must have a user")
            clean["user"] = user
        elif etype == "custom_emoji":
            emoji_id = ent.get("custom_emoji_id")
            if not isinstance(emoji_id, str) or not emoji_id:
                raise _bad_entities(f"custom_emoji entity at index {idx} needs custom_emoji_id")
            clean["custom_emoji_id"] = emoji_id
        elif etype == "pre":
            language = ent.get("language")
            if language is not None and not isinstance(language, str):
                raise _bad_entities(f"pre entity at index {idx} has invalid language")
            if language:
                clean["language"] = language
        elif etype == "date_time":
            unix_time = ent.get("unix_time")
            if not _is_int(unix_time):
                raise _bad_entities(f"date_time entity at index {idx} needs unix_time")
            clean["unix_time"] = unix_time
            if isinstance(ent.get("date_time_format"), str):
                clean["date_time_format"] = ent["date_time_format"]
        out.append(clean)
    out.sort(key=lambda e: (e["offset"], -e["length"]))
    return out


# --------------------------------------------------------------------------- param helpers


def _normalise(raw: dict[str, Any]) -> dict[str, Any]:
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


def _opt_int(params: dict[str, Any], key: str) -> int | None:
    value = params.get(key)
    if value is None or value == "":
        return None
    if _is_int(value):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise _bad(f"wrong parameter {key} specified")


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in _TRUE_STRINGS
    return bool(value)


def _chat_id_of(value: Any) -> int | None:
    if _is_int(value):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _require_chat(params: dict[str, Any]) -> int:
    value = params.get("chat_id")
    if value is None or value == "":
        raise _bad("chat_id is empty")
    chat_id = _chat_id_of(value)
    if chat_id is None or chat_id == 0:
        raise _bad("chat not found")
    return chat_id


def _json_param(params: dict[str, Any], key: str, what: str) -> Any:
    value = params.get(key)
    if isinstance(value, str):
        raise _bad(f"can't parse {what} JSON object")
    return value


def _text_and_entities(
    params: dict[str, Any], *, max_units: int, allow_empty: bool = False
) -> tuple[str, list[dict[str, Any]]]:
    """Check entities, normalise like Telegram, then check emptiness and length.

    A ``parse_mode`` is refused: the bot always sends entities, and the fake parses no markup.
    """
    if params.get("parse_mode") not in (None, ""):
        raise _ApiError(400, PARSE_MODE_NOT_IMPLEMENTED)
    raw_text = params.get("text")
    text = "" if raw_text is None else str(raw_text)
    entities = _check_entities(text, params.get("entities"))
    text, entities = telegram_normalise(text, entities)
    if not allow_empty and not text:
        raise _bad("message text is empty")
    if utf16_len(text) > max_units:
        raise _bad("message is too long")
    return text, entities


def _snapshot(message: dict[str, Any]) -> dict[str, Any]:
    """A message as embedded in reply_to_message: Telegram never nests replies twice."""
    return {k: v for k, v in message.items() if k != "reply_to_message"}


def _quote(replied: dict[str, Any], quote: str) -> dict[str, Any]:
    """Telegram's TextQuote for a manual quote of part of the replied message's text."""
    source = replied.get("text") or replied.get("caption") or ""
    index = source.find(quote) if quote else -1
    if index < 0:
        raise ValueError(f"{quote!r} is not part of the replied message's text")
    return {"text": quote, "position": utf16_len(source[:index]), "is_manual": True}


def _describe(call: Call) -> str:
    params = json.dumps(call.params, ensure_ascii=False, default=str)
    if len(params) > 200:
        params = params[:197] + "..."
    outcome = "ok" if call.ok else f"{call.status} {call.description}"
    return f"  {call.at:.3f} {call.method} chat={call.chat_id} -> {outcome} {params}"


# --------------------------------------------------------------------------- the server


class FakeTelegram:
    """A Telegram Bot API look-alike served over real HTTP on 127.0.0.1."""

    def __init__(
        self,
        *,
        token: str = "123456:TEST-TOKEN",
        bot_id: int = 123456,
        username: str = "test_bot",
        first_name: str = "Test Bot",
        limits: Limits | None = None,
        drafts: DraftsMode = "ok",
        drafts_supported: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``drafts_supported`` is the older spelling: False means ``drafts="refused"``."""
        self.token = token
        self.bot_id = bot_id
        self.username = username
        self.first_name = first_name
        self.limits = limits
        self.drafts_mode: DraftsMode = drafts  # ``drafts(chat_id)`` lists the drafts shown
        if drafts_supported is not None:
            self.drafts_supported = drafts_supported
        self.clock = clock
        self.max_text_units = MAX_TEXT_UTF16  # longer (normalised) texts: "message is too long"

        self.calls: list[Call] = []
        self.too_many_requests = 0
        self.retry_after_violations = 0
        # Refusals of text the bot built: each one is a bug in how it prepares messages.
        self.empty_text_refusals = 0
        self.too_long_refusals = 0
        self.entity_refusals = 0
        self.webhook: dict[str, Any] | None = None
        self.commands: list[dict[str, Any]] = []
        # (json.dumps(scope, sort_keys=True), language_code) -> commands
        self.commands_by_scope: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.internal_errors: list[str] = []  # tracebacks of bugs in this fake (answered 500)
        # "message is not modified" although the client saw (or could know) the current text
        self.not_modified_unexplained = 0
        self._last_commands_key: tuple[str, str] | None = None

        self._bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
        }
        self._calls_by_method: dict[str, list[Call]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._next_message_id: dict[int, int] = {}
        self._messages: dict[tuple[int, int], _Stored] = {}
        self._bot_messages: dict[int, list[BotMessage]] = {}
        self._timeline: dict[int, list[str]] = {}
        self._drafts: dict[int, dict[int, list[str]]] = {}
        self._open_drafts: dict[int, dict[int, _OpenDraft]] = {}
        self._blocked: set[int] = set()
        self._files: dict[str, _File] = {}  # by file_id
        self._users: dict[int, dict[str, Any]] = {}  # the last User object seen per id
        self._admins: dict[int, list[int]] = {}  # chat -> administrators, creator first
        self._creators: dict[int, int] = {}
        self._file_paths: dict[str, _File] = {}  # by the path getFile issued
        self.downloads: list[str] = []  # file paths served, in order
        self._migrated: dict[int, int] = {}  # old group id -> supergroup id
        self._injected: list[_Injected] = []
        self._losses: list[_Rule] = []
        self._deadlines: dict[int, float] = {}
        self._chat_buckets: dict[int, _Bucket] = {}
        self._global_bucket: _Bucket | None = None

        self._updates: deque[dict[str, Any]] = deque()
        self._delivered: dict[int, dict[str, Any]] = {}  # every update queued, by update_id
        self._resends: list[dict[str, Any]] = []  # delivered again whatever the offset
        self._next_update_id = 1
        self._chat_delays: dict[int, float] = {}
        self._method_delays: dict[str, float] = {}  # lower-case method -> seconds
        self._held = 0
        self.abandoned = 0  # delayed calls whose client hung up before the answer (HTTP only)
        self._poll_generation = 0
        self._waiting_polls = 0
        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None

        self._methods: dict[str, _Method] = {
            spec.name.lower(): spec
            for spec in (
                _Method("getMe", self._m_get_me),
                _Method("getUpdates", self._m_get_updates),
                _Method("setWebhook", self._m_set_webhook),
                _Method("deleteWebhook", self._m_delete_webhook),
                _Method("getWebhookInfo", self._m_get_webhook_info),
                _Method("setMyCommands", self._m_set_my_commands),
                _Method("deleteMyCommands", self._m_delete_my_commands),
                _Method("getMyCommands", self._m_get_my_commands),
                _Method("getFile", self._m_get_file),
                _Method("getChatMember", self._m_get_chat_member),
                _Method("getChatAdministrators", self._m_get_chat_administrators),
                _Method("close", self._m_true),
                _Method("logOut", self._m_true),
                _Method(
                    "sendMessage", self._m_send_message, write=True, blockable=True, migrates=True
                ),
                _Method(
                    "editMessageText",
                    self._m_edit_message_text,
                    write=True,
                    blockable=True,
                    migrates=True,
                ),
                _Method(
                    "sendMessageDraft", self._m_send_message_draft, write=True, blockable=True
                ),
                _Method("deleteMessage", self._m_delete_message, write=True, migrates=True),
                _Method("sendChatAction", self._m_send_chat_action, blockable=True, migrates=True),
            )
        }

    @property
    def drafts_supported(self) -> bool:
        """Whether sendMessageDraft works; setting False means ``drafts_mode = "refused"``."""
        return self.drafts_mode == "ok"

    @drafts_supported.setter
    def drafts_supported(self, supported: bool) -> None:
        self.drafts_mode = "ok" if supported else "refused"

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Bind a random free port on 127.0.0.1 and start serving."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        host, port = runner.addresses[0][:2]
        self._base_url = f"http://{host}:{port}"

    async def close(self) -> None:
        """Release long polls, then stop the server; safe to call twice."""
        self._closing = True
        self._notify()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``; feed to ``TelegramAPIServer.from_base``."""
        if self._base_url is None:
            raise RuntimeError("FakeTelegram.start() has not been awaited")
        return self._base_url

    # ------------------------------------------------------------------ updates from "users"

    def add_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update for getUpdates; assigns and returns its update_id."""
        update_id = self._next_update_id
        self._next_update_id += 1
        queued = {**update, "update_id": update_id}
        self._delivered[update_id] = queued
        self._updates.append(queued)
        self._notify()
        return update_id

    def resend(self, update_id: int) -> None:
        """Deliver an update once more with the same update_id, at the head of the next
        getUpdates answer whatever its offset, as Telegram does when it believes the bot never
        received it (a webhook answer that timed out, a connection lost at the wrong moment)."""
        self._resends.append(dict(self._delivered[update_id]))
        self._notify()

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
        message_id = self._new_message_id(chat_id)
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
        **options: Unpack[UserMessageOptions],
    ) -> int:
        """A user sends a photo; getFile and the file URL serve ``image``. Returns message_id.

        Telegram offers several sizes, largest last; the fake cannot scale images, so every
        size serves the same bytes (and reports their size).
        """
        message_id = self._new_message_id(chat_id)
        message = self._compose(chat_id, message_id, options)
        sizes: list[dict[str, Any]] = []
        longest = max(width, height)
        for bound in (90, 320, 800):
            if bound < longest:
                scale = bound / longest
                sizes.append(self._photo_size(image, round(width * scale), round(height * scale)))
        sizes.append(self._photo_size(image, width, height))
        message["photo"] = sizes
        self._caption(message, caption, caption_entities)
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
        **options: Unpack[UserMessageOptions],
    ) -> int:
        """A user sends a file; getFile and the file URL serve ``data``. Returns message_id."""
        message_id = self._new_message_id(chat_id)
        message = self._compose(chat_id, message_id, options)
        suffix = "." + file_name.rsplit(".", 1)[1] if "." in file_name else ""
        file = self._add_file(data, "documents", suffix)
        message["document"] = {**file.describe(), "file_name": file_name, "mime_type": mime_type}
        self._caption(message, caption, caption_entities)
        return self._post(chat_id, message)

    def _photo_size(self, image: bytes, width: int, height: int) -> dict[str, Any]:
        file = self._add_file(image, "photos", ".jpg")
        return {**file.describe(), "width": width, "height": height}

    def _add_file(self, data: bytes, folder: str, suffix: str) -> _File:
        number = len(self._files)
        file = _File(f"{folder[:-1]}-file-{number}", f"u{number}", data, folder, suffix)
        self._files[file.file_id] = file
        return file

    @staticmethod
    def _caption(
        message: dict[str, Any], caption: str | None, entities: list[dict[str, Any]] | None
    ) -> None:
        if caption is not None:
            message["caption"] = caption
            if entities:
                message["caption_entities"] = entities

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
            replied = self._messages.get((chat_id, reply_to))
            if replied is None or replied.deleted:
                raise ValueError(f"no message {reply_to} in chat {chat_id} to reply to")
            message["reply_to_message"] = _snapshot(replied.data)
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
        self._messages[(chat_id, message["message_id"])] = _Stored(message, from_bot=False)
        self.add_update({"message": message})
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
        chat = self._register_chat(
            chat_id, chat_type, chat_title, first_name, username, is_forum=is_forum
        )
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": self._user(chat_id, user_id, first_name, username, language_code),
        }

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
        stored = self._messages.get((chat_id, message_id))
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
        self._messages[(chat_id, message_id)] = _Stored(message, from_bot=False)
        self.add_update({"edited_message": message})

    def add_stopped_generation(
        self, chat_id: int, draft_id: int, message_thread_id: int | None = None
    ) -> None:
        """The user pressed "stop" on a draft; the draft goes away unless keep_on_stop."""
        payload: dict[str, Any] = {"chat": self._chat(chat_id), "draft_id": draft_id}
        if message_thread_id is not None:
            payload["message_thread_id"] = message_thread_id
        open_drafts = self._open_drafts.get(chat_id, {})
        draft = open_drafts.get(draft_id)
        if draft is not None and not draft.keep_on_stop:
            del open_drafts[draft_id]
        self.add_update({"stopped_message_generation": payload})

    def take_updates(self) -> list[dict[str, Any]]:
        """Remove and return the queued updates: a test posting them to webhooks itself."""
        updates = list(self._updates)
        self._updates.clear()
        return updates

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed by a getUpdates offset."""
        return len(self._updates)

    @property
    def waiting_polls(self) -> int:
        """getUpdates requests currently parked in a long poll."""
        return self._waiting_polls

    # ------------------------------------------------------------------ what the user sees

    def calls_for(self, method: str, chat_id: int | None = None) -> list[Call]:
        """Calls of one method (case-insensitive), optionally to one chat, in order."""
        calls = self._calls_by_method.get(method.lower(), [])
        if chat_id is None:
            return list(calls)
        return [c for c in calls if c.chat_id == chat_id]

    def bot_messages(self, chat_id: int) -> list[BotMessage]:
        """Messages the bot sent to a chat, in send order, deleted ones flagged."""
        return list(self._bot_messages.get(chat_id, []))

    def visible_texts(self, chat_id: int) -> list[str]:
        """Current texts of the bot's messages the user can still see."""
        return [m.text for m in self._bot_messages.get(chat_id, []) if not m.deleted]

    def timeline(self, chat_id: int) -> list[str]:
        """Every visible text change in order; drafts are prefixed ``draft:``."""
        return list(self._timeline.get(chat_id, []))

    def drafts(self, chat_id: int) -> dict[int, list[str]]:
        """draft_id -> every text shown in that draft."""
        return {k: list(v) for k, v in self._drafts.get(chat_id, {}).items()}

    def open_drafts(self, chat_id: int) -> dict[int, str]:
        """Drafts still on screen (a sent message or a stop without keep_on_stop clears them)."""
        return {k: v.text for k, v in self._open_drafts.get(chat_id, {}).items()}

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """Current Message object (user's or bot's) by id, or None if unknown."""
        stored = self._messages.get((chat_id, message_id))
        return None if stored is None else dict(stored.data)

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until predicate() holds, re-checking after every call or update change."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            changed = self._changed
            if predicate():
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = "\n".join(_describe(c) for c in self.calls[-20:]) or "  (none)"
                name = getattr(predicate, "__name__", repr(predicate))
                raise TimeoutError(
                    f"condition {name} not met within {timeout}s "
                    f"({len(self._updates)} unconfirmed updates); last calls:\n{recent}"
                )
            try:
                async with asyncio.timeout(remaining):
                    await changed.wait()
            except TimeoutError:
                pass

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        *,
        error_code: int,
        description: str | None = None,
        retry_after: int | None = None,
        chat_id: int | None = None,
        count: int = 1,
        html: bool = False,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """Answer the next ``count`` calls of ``method`` (to ``chat_id`` if set) with an error.

        With ``html`` the body is a proxy's HTML error page instead of Telegram's JSON, which
        aiogram reports as ``ClientDecodeError``. The description defaults to the status text.
        """
        if error_code == 429 and retry_after is None:
            raise ValueError("a 429 needs retry_after, as Telegram always sends it")
        if count < 1:
            raise ValueError("count must be >= 1")
        self._injected.append(
            _Injected(
                method=method.lower(),
                chat_id=chat_id,
                remaining=count,
                code=error_code,
                description=description or _phrase(error_code),
                retry_after=retry_after,
                migrate_to_chat_id=migrate_to_chat_id,
                html=html,
            )
        )

    def lose_next(self, method: str, *, chat_id: int | None = None, count: int = 1) -> None:
        """The next ``count`` calls of ``method`` take effect but their answers are lost.

        Over HTTP the connection closes unanswered; in-process the reply is flagged ``lost``.
        The message is sent or edited all the same, as when a network drops a response.
        """
        if count < 1:
            raise ValueError("count must be >= 1")
        self._losses.append(_Rule(method.lower(), chat_id, count))

    @property
    def lost_calls(self) -> list[Call]:
        """Calls whose answer never reached the client, in order."""
        return [call for call in self.calls if call.lost]

    def delay_chat(self, chat_id: int, seconds: float) -> None:
        """Calls to ``chat_id`` wait ``seconds`` after their arrival before they are carried out
        and answered, like Telegram when one chat's calls are slow: the client may give up
        first, and the call still takes effect. A new value applies to the calls waiting now
        too, so 0 releases them."""
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        if seconds:
            self._chat_delays[chat_id] = seconds
        else:
            self._chat_delays.pop(chat_id, None)
        self._notify()

    def delay_method(self, method: str, seconds: float) -> None:
        """Calls of ``method`` wait ``seconds`` before they are answered; as ``delay_chat``."""
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        if seconds:
            self._method_delays[method.lower()] = seconds
        else:
            self._method_delays.pop(method.lower(), None)
        self._notify()

    @property
    def held(self) -> int:
        """Calls waiting out a delay now (see ``delay_chat`` and ``delay_method``)."""
        return self._held

    def revoke_token(self) -> None:
        """The owner revoked the token in @BotFather: every later call with it gets 401."""
        self.token = f"{self.bot_id}:REVOKED-{self._next_update_id}"

    def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """The group ``old_chat_id`` became the supergroup ``new_chat_id`` (a new chat).

        From now on writes to the old id get Telegram's 400 with ``migrate_to_chat_id``.
        """
        if old_chat_id >= 0 or new_chat_id >= 0 or old_chat_id == new_chat_id:
            raise ValueError("both ids must be distinct group ids (negative)")
        old = self._chats.get(old_chat_id)
        if old is None:
            old = {"id": old_chat_id, "type": "group", "title": f"Group {-old_chat_id}"}
            self._chats[old_chat_id] = old
        title = old.get("title") or f"Group {-old_chat_id}"
        self._chats[new_chat_id] = {"id": new_chat_id, "type": "supergroup", "title": title}
        self._migrated[old_chat_id] = new_chat_id

    def add_foreign_messages(self, chat_id: int, count: int = 1) -> list[int]:
        """Other members post ``count`` messages; returns their ids.

        They take message ids, so the bot's own messages stop being consecutive, but queue no
        updates: in privacy mode a bot does not see ordinary group messages.
        """
        chat = self._chat(chat_id)
        ids: list[int] = []
        for n in range(count):
            message_id = self._new_message_id(chat_id)
            member = {"id": 700_000 + message_id, "is_bot": False, "first_name": f"Member {n}"}
            message = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": chat,
                "from": member,
                "text": f"message {message_id} from another member",
            }
            self._messages[(chat_id, message_id)] = _Stored(message, from_bot=False)
            ids.append(message_id)
        self._notify()
        return ids

    def set_admins(
        self, chat_id: int, user_ids: Iterable[int], *, creator: int | None = None
    ) -> None:
        """Who administers a group, for getChatMember and getChatAdministrators.

        ``creator`` (if set) is the owner and counts as an administrator; everyone else is a
        plain "member".
        """
        admins = [uid for uid in user_ids if uid != creator]
        self._admins[chat_id] = admins if creator is None else [creator, *admins]
        if creator is None:
            self._creators.pop(chat_id, None)
        else:
            self._creators[chat_id] = creator

    def block_chat(self, chat_id: int) -> None:
        """The user blocks the bot: writes and chat actions to it get 403."""
        self._blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        """The user unblocks the bot."""
        self._blocked.discard(chat_id)

    def user_deletes(self, chat_id: int, message_id: int) -> None:
        """The user deletes a message (theirs or the bot's) for everyone."""
        stored = self._messages.get((chat_id, message_id))
        if stored is None:
            raise KeyError(f"no message {message_id} in chat {chat_id}")
        stored.deleted = True
        if stored.bot is not None:
            stored.bot.deleted = True
        self._notify()

    # ------------------------------------------------------------------ internals

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _new_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 0) + 1
        self._next_message_id[chat_id] = message_id
        return message_id

    def _user(
        self,
        chat_id: int,
        user_id: int | None,
        first_name: str,
        username: str | None,
        language_code: str | None,
    ) -> dict[str, Any]:
        uid = user_id if user_id is not None else (chat_id if chat_id > 0 else 1001)
        user: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": first_name}
        if username is not None:
            user["username"] = username
        if language_code is not None:
            user["language_code"] = language_code
        self._users[uid] = user
        return user

    def _register_chat(
        self,
        chat_id: int,
        chat_type: str | None,
        chat_title: str | None,
        first_name: str,
        username: str | None,
        *,
        is_forum: bool,
    ) -> dict[str, Any]:
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
        self._chats[chat_id] = chat
        return chat

    def _chat(self, chat_id: int) -> dict[str, Any]:
        chat = self._chats.get(chat_id)
        if chat is None:
            if chat_id > 0:
                chat = {"id": chat_id, "type": "private", "first_name": "User"}
            else:
                chat = {"id": chat_id, "type": "supergroup", "title": f"Group {abs(chat_id)}"}
            self._chats[chat_id] = chat
        return chat

    async def _not_found(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    async def _download(self, request: web.Request) -> web.Response:
        """``/file/bot{token}/{file_path}``: the bytes of a file getFile described."""
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        file = self._file_paths.get(request.match_info["path"])
        if file is None:
            return await self._not_found(request)
        self.downloads.append(request.match_info["path"])
        return web.Response(body=file.data, content_type="application/octet-stream")

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise _bad("can't parse JSON request body") from None
                if not isinstance(body, dict):
                    raise _bad("JSON request body must be an object")
                raw.update(body)
            elif request.content_type in (
                "multipart/form-data",
                "application/x-www-form-urlencoded",
            ):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, str):
                        raw[key] = value
                    elif isinstance(value, web.FileField):
                        raw[key] = f"<file {value.filename}>"
                    else:
                        raw[key] = bytes(value).decode(errors="replace")
        return _normalise(raw)

    async def _delay(
        self, method: str, chat_id: int | None, gone: Callable[[], bool] | None
    ) -> None:
        """Wait out the delay set for this chat or method; the server closing ends it early.

        A client that hangs up meanwhile is counted in ``abandoned`` (checked every 0.1 s);
        the call is carried out all the same, as Telegram does.
        """

        def seconds() -> float:
            return max(
                self._method_delays.get(method, 0.0),
                self._chat_delays.get(chat_id, 0.0) if chat_id is not None else 0.0,
            )

        if not seconds():
            return
        loop = asyncio.get_running_loop()
        arrived = loop.time()
        self._held += 1
        self._notify()
        counted = False
        try:
            while not self._closing:
                changed = self._changed
                remaining = arrived + seconds() - loop.time()
                if remaining <= 0:
                    break
                if gone is not None and not counted and gone():
                    counted = True
                    self.abandoned += 1
                    self._notify()
                step = remaining if gone is None or counted else min(remaining, 0.1)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(step):
                        await changed.wait()
        finally:
            self._held -= 1
            self._notify()

    def _blocked_error(self, chat_id: int) -> _ApiError:
        if chat_id > 0:
            return _ApiError(403, "Forbidden: bot was blocked by the user")
        kind = self._chat(chat_id).get("type", "supergroup")
        return _ApiError(403, f"Forbidden: bot was kicked from the {kind} chat")

    def _admit(self, chat_id: int, at: float) -> None:
        """Flood control for one write that passed validation; raises 429 or takes tokens."""
        limits = self.limits
        if limits is None:
            return
        deadline = self._deadlines.get(chat_id)
        if deadline is not None and at < deadline:
            self._raise_flood(deadline - at)
        bucket = self._chat_buckets.get(chat_id)
        if bucket is None:
            if chat_id > 0:
                bucket = _Bucket(limits.private_rate, limits.private_burst, 0.0, at)
            else:
                bucket = _Bucket(limits.group_rate, limits.group_burst, 0.0, at)
            bucket.tokens = bucket.burst
            self._chat_buckets[chat_id] = bucket
        glob = self._global_bucket
        if glob is None:
            glob = _Bucket(limits.global_rate, limits.global_burst, limits.global_burst, at)
            self._global_bucket = glob
        bucket.refill(at)
        glob.refill(at)
        wait = max(bucket.wait(), glob.wait())
        if wait > 0:
            self._raise_flood(wait)
        bucket.tokens -= 1.0
        glob.tokens -= 1.0

    def _count_refusal(self, description: str) -> None:
        if "message text is empty" in description:
            self.empty_text_refusals += 1
        elif "message is too long" in description:
            self.too_long_refusals += 1
        elif "can't parse entities" in description:
            self.entity_refusals += 1

    @staticmethod
    def _raise_flood(wait: float) -> None:
        seconds = max(1, math.ceil(wait - 1e-9))
        raise _ApiError(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})

    async def _handle(self, request: web.Request) -> web.Response:
        """HTTP shell over :meth:`_serve`; a lost answer closes the connection unanswered."""
        at = self.clock()
        reply = await self._serve(
            request.match_info["token"],
            request.match_info["method"],
            at,
            lambda: self._read_params(request),
            gone=lambda: request.transport is None or request.transport.is_closing(),
        )
        if reply.lost:
            if request.transport is not None:
                request.transport.close()
            return web.Response()  # never written: the transport is already closed
        return web.Response(text=reply.body, status=reply.status, content_type=reply.content_type)

    async def dispatch(self, token: str, method: str, params: dict[str, Any]) -> Reply:
        """Answer one Bot API call without HTTP.

        ``params`` are the fields an HTTP form would carry (strings, JSON-encoded where aiogram
        encodes them); already-decoded values are accepted too.
        """
        at = self.clock()

        async def read() -> dict[str, Any]:
            return _normalise(params)

        return await self._serve(token, method, at, read)

    async def _serve(
        self,
        token: str,
        name: str,
        at: float,
        read: Callable[[], Awaitable[dict[str, Any]]],
        gone: Callable[[], bool] | None = None,
    ) -> Reply:
        """Run one call, record it and build the reply every transport sends.

        ``gone`` tells whether the client has hung up (HTTP only), for ``abandoned``.
        """
        spec = self._methods.get(name.lower())
        method = spec.name if spec is not None else name
        params: dict[str, Any] = {}
        chat_id: int | None = None
        status, description, result = 200, None, None
        parameters: dict[str, Any] | None = None
        lost = html = False
        try:
            params = await read()
            chat_id = _chat_id_of(params.get("chat_id"))
            if token != self.token:
                raise _ApiError(401, "Unauthorized")
            if spec is None:
                raise _ApiError(404, "Not Found")
            await self._delay(method.lower(), chat_id, gone)
            lost = _take(self._losses, method.lower(), chat_id) is not None
            deadline = self._deadlines.get(chat_id) if chat_id is not None else None
            if spec.write and deadline is not None and at < deadline:
                self.retry_after_violations += 1
            injected = _take(self._injected, method.lower(), chat_id)
            if injected is not None:
                html = injected.html
                raise _ApiError(injected.code, injected.description, injected.parameters())
            if method == "sendMessageDraft" and self.drafts_mode == "missing":
                raise _ApiError(404, "Not Found")
            if method == "sendMessageDraft" and self.drafts_mode == "refused":
                raise _bad("method not available")
            if spec.migrates and chat_id in self._migrated:
                raise _ApiError(400, UPGRADED, {"migrate_to_chat_id": self._migrated[chat_id]})
            if spec.blockable and chat_id is not None and chat_id in self._blocked:
                raise self._blocked_error(chat_id)
            try:
                result = await spec.handler(params, at)
            except _ApiError as exc:
                self._count_refusal(exc.description)
                raise
        except _ApiError as exc:
            status, description, parameters = exc.code, exc.description, exc.parameters
        except web.HTTPRequestEntityTooLarge:
            status, description = 413, "Request Entity Too Large"
        except Exception:
            self.internal_errors.append(traceback.format_exc())
            status, description = 500, "Internal Server Error: bug in FakeTelegram"
        if status == 429:
            self.too_many_requests += 1
            retry_after = (parameters or {}).get("retry_after")
            if chat_id is not None and isinstance(retry_after, int):
                self._deadlines[chat_id] = max(self._deadlines.get(chat_id, 0.0), at + retry_after)
        if isinstance(result, _Described):
            result, description = result.result, result.description
        if status == 200 and isinstance(result, dict) and chat_id is not None:
            stored = self._messages.get((chat_id, result.get("message_id", 0)))
            if stored is not None:
                stored.changed_by_lost_call = lost
        call = Call(method, params, at, status, description, result, chat_id, lost)
        self.calls.append(call)
        self._calls_by_method.setdefault(method.lower(), []).append(call)
        self._notify()
        if html:
            return Reply(status, _html_error_page(status), "text/html", lost)
        if status == 200:
            body: dict[str, Any] = {"ok": True, "result": result}
            if description:
                body["description"] = description
        else:
            body = {"ok": False, "error_code": status, "description": description}
            if parameters:
                body["parameters"] = parameters
        return Reply(status, json.dumps(body), lost=lost)

    # ------------------------------------------------------------------ API methods

    async def _m_true(self, params: dict[str, Any], at: float) -> Any:
        return True

    async def _m_get_me(self, params: dict[str, Any], at: float) -> Any:
        return {
            **self._bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _m_get_updates(self, params: dict[str, Any], at: float) -> Any:
        if self.webhook is not None:
            raise _ApiError(409, CONFLICT_WEBHOOK)
        offset = _opt_int(params, "offset") or 0
        limit = _opt_int(params, "limit") or 100
        limit = min(max(limit, 1), 100)
        timeout = max(_opt_int(params, "timeout") or 0, 0)
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # wakes (and so terminates) any older long poll
        if offset > 0:
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
        elif offset < 0:
            while len(self._updates) > -offset:
                self._updates.popleft()
        if timeout > 0 and not self._updates and not self._resends and not self._closing:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            self._waiting_polls += 1
            self._notify()
            try:
                while True:
                    changed = self._changed
                    if (
                        self._updates
                        or self._resends
                        or self._closing
                        or generation != self._poll_generation
                    ):
                        break
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        break
                    try:
                        async with asyncio.timeout(remaining):
                            await changed.wait()
                    except TimeoutError:
                        pass
            finally:
                self._waiting_polls -= 1
            if generation != self._poll_generation:
                raise _ApiError(409, CONFLICT_POLL)
        resent, self._resends = self._resends[:limit], self._resends[limit:]
        return resent + list(islice(self._updates, limit - len(resent)))

    async def _m_set_webhook(self, params: dict[str, Any], at: float) -> Any:
        url = params.get("url") or ""
        if not isinstance(url, str):
            raise _bad("bad webhook: invalid URL")
        if _flag(params.get("drop_pending_updates")):
            self._updates.clear()
        if not url:
            self.webhook = None
            return _Described(True, "Webhook was deleted")
        if not url.startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = {k: v for k, v in params.items() if k != "drop_pending_updates"}
        return _Described(True, "Webhook was set")

    async def _m_delete_webhook(self, params: dict[str, Any], at: float) -> Any:
        if _flag(params.get("drop_pending_updates")):
            self._updates.clear()
        had = self.webhook is not None
        self.webhook = None
        return _Described(True, "Webhook was deleted" if had else "Webhook is already deleted")

    async def _m_get_webhook_info(self, params: dict[str, Any], at: float) -> Any:
        info: dict[str, Any] = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook is not None:
            info["url"] = self.webhook["url"]
            info["max_connections"] = _opt_int(self.webhook, "max_connections") or 40
            for key in ("allowed_updates", "ip_address"):
                if key in self.webhook:
                    info[key] = self.webhook[key]
        return info

    def _scope_key(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = _json_param(params, "scope", "scope") or {"type": "default"}
        if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
            raise _bad("can't parse scope JSON object")
        language = params.get("language_code") or ""
        return json.dumps(scope, sort_keys=True), str(language)

    async def _m_set_my_commands(self, params: dict[str, Any], at: float) -> Any:
        commands = _json_param(params, "commands", "commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("BOT_COMMANDS_TOO_MUCH")
        clean: list[dict[str, Any]] = []
        for cmd in commands:
            if not isinstance(cmd, dict):
                raise _bad("can't parse BotCommand JSON object")
            name, desc = cmd.get("command"), cmd.get("description")
            if not isinstance(name, str) or not _COMMAND_RE.fullmatch(name):
                raise _bad("BOT_COMMAND_INVALID")
            if not isinstance(desc, str) or not 1 <= len(desc) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": name, "description": desc})
        key = self._scope_key(params)
        self.commands_by_scope[key] = clean
        self.commands = clean
        self._last_commands_key = key
        return True

    async def _m_delete_my_commands(self, params: dict[str, Any], at: float) -> Any:
        key = self._scope_key(params)
        self.commands_by_scope.pop(key, None)
        if self._last_commands_key == key:
            self.commands = []
        return True

    async def _m_get_my_commands(self, params: dict[str, Any], at: float) -> Any:
        return list(self.commands_by_scope.get(self._scope_key(params), []))

    async def _m_get_file(self, params: dict[str, Any], at: float) -> Any:
        file_id = params.get("file_id")
        file = self._files.get(file_id) if isinstance(file_id, str) else None
        if file is None:
            raise _bad("invalid file_id")
        if len(file.data) > MAX_DOWNLOAD_BYTES:
            raise _bad("file is too big")
        if file.path is None:
            file.path = f"{file.folder}/file_{len(self._file_paths)}{file.suffix}"
            self._file_paths[file.path] = file
        return {**file.describe(), "file_path": file.path}

    def _member(self, chat_id: int, user_id: int) -> dict[str, Any]:
        """A ChatMember object: creator, administrator or member, as set_admins configured."""
        if user_id == self.bot_id:
            user = self._bot_user
        else:
            user = self._users.get(user_id) or {
                "id": user_id,
                "is_bot": False,
                "first_name": f"User {user_id}",
            }
        if self._creators.get(chat_id) == user_id:
            return {"status": "creator", "user": user, "is_anonymous": False}
        if user_id not in self._admins.get(chat_id, []):
            return {"status": "member", "user": user}
        rights = (
            "can_manage_chat",
            "can_delete_messages",
            "can_manage_video_chats",
            "can_restrict_members",
            "can_change_info",
            "can_invite_users",
            "can_pin_messages",
            "can_manage_topics",
        )
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
            **dict.fromkeys(rights, True),
        }

    async def _m_get_chat_member(self, params: dict[str, Any], at: float) -> Any:
        chat_id = _require_chat(params)
        user_id = _opt_int(params, "user_id")
        if user_id is None:
            raise _bad("user_id is empty")
        if chat_id > 0 and user_id not in (chat_id, self.bot_id):
            raise _bad("user not found")
        return self._member(chat_id, user_id)

    async def _m_get_chat_administrators(self, params: dict[str, Any], at: float) -> Any:
        chat_id = _require_chat(params)
        if chat_id > 0:
            raise _bad("there are no administrators in the private chat")
        return [self._member(chat_id, uid) for uid in self._admins.get(chat_id, [])]

    async def _m_send_chat_action(self, params: dict[str, Any], at: float) -> Any:
        _require_chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    def _reply_target(self, chat_id: int, params: dict[str, Any]) -> dict[str, Any] | None:
        """Resolve reply_parameters / legacy reply_to_message_id to the replied message."""
        reply = _json_param(params, "reply_parameters", "reply parameters")
        if reply is not None:
            if not isinstance(reply, dict):
                raise _bad("can't parse reply parameters JSON object")
            target_id = _opt_int(reply, "message_id")
            target_chat = _chat_id_of(reply.get("chat_id")) or chat_id
            allow = _flag(reply.get("allow_sending_without_reply"))
        else:
            target_id = _opt_int(params, "reply_to_message_id")
            target_chat = chat_id
            allow = _flag(params.get("allow_sending_without_reply"))
        if target_id is None:
            return None
        stored = self._messages.get((target_chat, target_id))
        if stored is None or stored.deleted:
            if allow:
                return None
            raise _bad("message to be replied not found")
        return stored.data if target_chat == chat_id else None

    def _inline_markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        markup = _json_param(params, "reply_markup", "reply markup")
        if markup is not None and not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        return markup if markup and "inline_keyboard" in markup else None

    async def _m_send_message(self, params: dict[str, Any], at: float) -> Any:
        chat_id = _require_chat(params)
        text, entities = _text_and_entities(params, max_units=self.max_text_units)
        thread_id = _opt_int(params, "message_thread_id")
        replied = self._reply_target(chat_id, params)
        markup = self._inline_markup(params)
        _json_param(params, "link_preview_options", "link preview options")
        self._admit(chat_id, at)

        chat = self._chat(chat_id)
        if thread_id is None and replied is not None and chat.get("is_forum"):
            thread_id = replied.get("message_thread_id")
        message_id = self._new_message_id(chat_id)
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
            message["reply_to_message"] = _snapshot(replied)
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
        self._messages[(chat_id, message_id)] = _Stored(message, from_bot=True, bot=bot_message)
        self._bot_messages.setdefault(chat_id, []).append(bot_message)
        self._timeline.setdefault(chat_id, []).append(text)
        if chat_id > 0:
            self._open_drafts.pop(chat_id, None)
        return dict(message)

    async def _m_edit_message_text(self, params: dict[str, Any], at: float) -> Any:
        if params.get("inline_message_id") and params.get("chat_id") is None:
            raise _bad("inline messages are not supported by FakeTelegram")
        chat_id = _require_chat(params)
        message_id = _opt_int(params, "message_id")
        if message_id is None:
            raise _bad("message identifier is not specified")
        stored = self._messages.get((chat_id, message_id))
        if stored is None or stored.deleted:
            raise _bad("message to edit not found")
        if not stored.from_bot:
            raise _bad("message can't be edited")
        if "text" not in stored.data:
            raise _bad("there is no text in the message to edit")
        text, entities = _text_and_entities(params, max_units=self.max_text_units)
        markup = self._inline_markup(params)
        current = stored.data
        if (
            text == current["text"]
            and entities == current.get("entities", [])
            and markup == current.get("reply_markup")
        ):
            if not stored.changed_by_lost_call:
                self.not_modified_unexplained += 1
            raise _ApiError(400, NOT_MODIFIED)
        self._admit(chat_id, at)

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
        self._timeline.setdefault(chat_id, []).append(text)
        return dict(message)

    async def _m_send_message_draft(self, params: dict[str, Any], at: float) -> Any:
        chat_id = _require_chat(params)
        draft_id = _opt_int(params, "draft_id")
        if not draft_id:
            raise _bad("draft_id must be non-zero")
        if chat_id < 0:
            raise _bad("method is available only in private chats")
        _opt_int(params, "message_thread_id")
        text, _entities = _text_and_entities(
            params, max_units=self.max_text_units, allow_empty=True
        )
        self._admit(chat_id, at)

        self._drafts.setdefault(chat_id, {}).setdefault(draft_id, []).append(text)
        keep = _flag(params.get("keep_on_stop"))
        self._open_drafts.setdefault(chat_id, {})[draft_id] = _OpenDraft(text, keep)
        self._timeline.setdefault(chat_id, []).append(f"draft:{text}")
        return True

    async def _m_delete_message(self, params: dict[str, Any], at: float) -> Any:
        chat_id = _require_chat(params)
        message_id = _opt_int(params, "message_id")
        if message_id is None:
            raise _bad("message identifier is not specified")
        stored = self._messages.get((chat_id, message_id))
        if stored is None or stored.deleted:
            raise _bad("message to delete not found")
        self._admit(chat_id, at)
        stored.deleted = True
        if stored.bot is not None:
            stored.bot.deleted = True
        return True
