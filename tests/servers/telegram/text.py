"""Telegram's rules for a message's text and entities, as the Bot API applies them.

Telegram measures everything in UTF-16 code units, refuses text that is not UTF-8, checks each
entity (type, bounds, a text_link's URL) and then cleans and trims the text (tdlib's
``fix_formatted_text`` with ``clean_input_string``), moving the entities with the characters.
It stores and compares the cleaned form, so a bot that compared its raw text would meet
"message is not modified" or "message text is empty" only in production.

Imitated, from tdlib's source (td/telegram/misc.cpp, td/telegram/MessageEntity.cpp):

- ``\\r`` is dropped; every other ASCII control character except ``\\n`` (the tab too) becomes
  a space; U+2028..U+202E and the combining marks U+0333, U+033F and U+030A are removed.
- In a text sent without entities, a run of left-to-right/right-to-left marks (U+200E, U+200F)
  keeps its last mark and the others become U+200C (``replace_offending_characters``).
- Spaces and newlines are trimmed at the end, and at the start only up to the first entity;
  entities are shifted and clipped, and those left empty are dropped.
- A text of only "empty" characters (tdlib's ``is_empty_string``: spaces, newlines, Unicode
  spaces, zero-width characters, U+FFFC, the tag characters U+E0000..U+E007F) becomes "".

Beyond tdlib, and kept as the bot's model (bot/render.py) keeps it: the Unicode spaces and
zero-width characters of that "empty" set (all but U+FFFC and the tags) are trimmed at the ends
like spaces. tdlib's source trims only spaces and newlines; this rule comes from an earlier
observation of the real server (a bug report against the bot) that the source cannot confirm.
Trimming more than Telegram is the safe side: the bot sends the trimmed text, so it can only
leave out an edit that adds invisible characters, never cause "message is not modified".

Not imitated: parse modes (a ``parse_mode`` is refused: the bot sends entities), the merging
and splitting of intersecting entities (``fix_entities``), the entities Telegram adds by itself
(URLs, mentions, commands found in the text), the order tdlib gives entities with equal spans,
and the 35,000-byte cut of very long texts (4,096 UTF-16 units are refused long before).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from tests.servers.telegram.errors import (
    NOT_UTF8,
    PARSE_MODE_NOT_IMPLEMENTED,
    ApiError,
    bad,
    bad_entities,
)

__all__ = [
    "ENTITY_TYPES",
    "MAX_TEXT_UTF16",
    "check_entities",
    "has_lone_surrogate",
    "link_ok",
    "telegram_normalise",
    "text_and_entities",
    "utf16_len",
]

MAX_TEXT_UTF16 = 4096  # sendMessage's limit, counted after cleaning and trimming
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

# clean_input_string deletes these: \r, U+2028..U+202E, and three combining vertical lines.
_DELETED = frozenset("\r\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u0333\u033f\u030a")
# Runs of direction marks that replace_offending_characters rewrites (texts without entities).
_OFFENDING = re.compile("[\u200e\u200f]{2,}")
# Trimmed at both ends: tdlib's spaces and newlines, plus the Unicode blanks (see above).
_TRIMMED = frozenset(
    " \n\u00a0\u1680\u180e\u202f\u205f\u2800\u3000\ufeff"
    + "".join(chr(c) for c in range(0x2000, 0x2010))  # U+2000..U+200A spaces, U+200B..U+200F
)
# strip_empty_characters' "empty" characters: a text made only of these is no text at all.
_EMPTY = _TRIMMED | {"\ufffc"} | {chr(c) for c in range(0xE0000, 0xE0080)}
_SURROGATE = re.compile("[\ud800-\udfff]")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for limits and entity offsets."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def has_lone_surrogate(text: str) -> bool:
    """Whether ``text`` holds a surrogate code point, which no UTF-8 request can carry."""
    return _SURROGATE.search(text) is not None


def _neutralise(run: re.Match[str]) -> str:
    return "\u200c" * (len(run[0]) - 1) + run[0][-1]


def telegram_normalise(
    text: str, entities: Sequence[dict[str, Any]] = ()
) -> tuple[str, list[dict[str, Any]]]:
    """The text and entities Telegram shows for ``text`` sent with ``entities``.

    ``entities`` are valid ones (see :func:`check_entities`), offsets in UTF-16 units; the
    result's entities are sorted by offset, longest first. Raises :class:`ApiError` for text
    that is not UTF-8. The rules are listed in this module's docstring.
    """
    if has_lone_surrogate(text):
        raise ApiError(400, NOT_UTF8)
    kept: list[str] = []
    new_offset: list[int] = []  # UTF-16 offset in the old text -> offset in the new one
    pos = 0
    for ch in text:
        if ch in _DELETED:
            new_offset.append(pos)
            continue
        kept.append(" " if ch < " " and ch != "\n" else ch)
        new_offset.append(pos)
        pos += 1
        if ord(ch) > 0xFFFF:
            new_offset.append(pos)
            pos += 1
    new_offset.append(pos)
    cleaned = "".join(kept)
    if not entities:
        cleaned = _OFFENDING.sub(_neutralise, cleaned)  # same length: offsets stay valid
    if all(ch in _EMPTY for ch in cleaned):
        return "", []
    last = len(new_offset) - 1
    spans: list[tuple[int, int, dict[str, Any]]] = []
    for entity in entities:
        offset = min(max(int(entity["offset"]), 0), last)
        end = min(max(offset + int(entity["length"]), offset), last)
        spans.append((new_offset[offset], new_offset[end], entity))

    stop = len(cleaned)
    while cleaned[stop - 1] in _TRIMMED:  # ends: the text holds a character not in _EMPTY
        stop -= 1
    size = pos - (len(cleaned) - stop)  # trimmed characters are all one UTF-16 unit
    spans = [(start, min(end, size), e) for start, end, e in spans if min(end, size) > start]
    first_entity = min((start for start, _, _ in spans), default=size)
    skip = 0
    while skip < min(stop, first_entity) and cleaned[skip] in _TRIMMED:
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


def link_ok(url: str) -> bool:
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


def check_entities(text: str, raw: Any) -> list[dict[str, Any]]:
    """Validate caller-supplied entities the way Telegram does (UTF-16 offsets), sorted.

    Keeps only the fields Telegram keeps for each type; raises :class:`ApiError` with
    Telegram's "can't parse entities" wording for the first bad entity.
    """
    if raw is None:
        return []
    if isinstance(raw, str):
        raise bad("can't parse entities JSON object")
    if not isinstance(raw, list):
        raise bad_entities("entities must be an array")
    size = utf16_len(text)
    middles = _surrogate_middles(text) if size != len(text) else set()
    out: list[dict[str, Any]] = []
    for idx, ent in enumerate(raw):
        if not isinstance(ent, dict):
            raise bad_entities(f"entity at index {idx} is not an object")
        etype = ent.get("type")
        if etype not in ENTITY_TYPES:
            raise bad_entities(f'unsupported entity type "{etype}" at index {idx}')
        offset, length = ent.get("offset"), ent.get("length")
        if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
            raise bad_entities(f"entity at index {idx} has invalid offset {offset!r}")
        if not isinstance(length, int) or isinstance(length, bool) or length <= 0:
            raise bad_entities(f"entity at index {idx} has invalid length {length!r}")
        end = offset + length
        if end > size:
            raise bad_entities(
                f"entity at index {idx} ends at UTF-16 offset {end}, "
                f"after the end of the text at UTF-16 offset {size}"
            )
        if offset in middles or end in middles:
            raise bad_entities(f"entity at index {idx} splits a UTF-16 surrogate pair")
        out.append(_entity_fields(idx, etype, offset, length, ent))
    out.sort(key=lambda e: (e["offset"], -e["length"]))
    return out


def _entity_fields(
    idx: int, etype: str, offset: int, length: int, ent: dict[str, Any]
) -> dict[str, Any]:
    """The fields Telegram keeps for one entity of type ``etype``, checked."""
    clean: dict[str, Any] = {"type": etype, "offset": offset, "length": length}
    if etype == "text_link":
        url = ent.get("url")
        if not isinstance(url, str) or not url:
            raise bad_entities(f"text_link entity at index {idx} must have a url")
        if not link_ok(url):
            raise bad_entities(f"Wrong HTTP URL in text_link entity at index {idx}")
        clean["url"] = url
    elif etype == "text_mention":
        user = ent.get("user")
        if not isinstance(user, dict) or not _is_int(user.get("id")):
            raise bad_entities(f"text_mention entity at index {idx} must have a user")
        clean["user"] = user
    elif etype == "custom_emoji":
        emoji_id = ent.get("custom_emoji_id")
        if not isinstance(emoji_id, str) or not emoji_id:
            raise bad_entities(f"custom_emoji entity at index {idx} needs custom_emoji_id")
        clean["custom_emoji_id"] = emoji_id
    elif etype == "pre":
        language = ent.get("language")
        if language is not None and not isinstance(language, str):
            raise bad_entities(f"pre entity at index {idx} has invalid language")
        if language:
            clean["language"] = language
    elif etype == "date_time":
        unix_time = ent.get("unix_time")
        if not _is_int(unix_time):
            raise bad_entities(f"date_time entity at index {idx} needs unix_time")
        clean["unix_time"] = unix_time
        if isinstance(ent.get("date_time_format"), str):
            clean["date_time_format"] = ent["date_time_format"]
    return clean


def text_and_entities(
    params: dict[str, Any], *, max_units: int, allow_empty: bool = False
) -> tuple[str, list[dict[str, Any]]]:
    """A text method's ``text`` and ``entities``: checked, cleaned, then measured.

    Raises :class:`ApiError` as Telegram answers: "strings must be encoded in UTF-8", "can't
    parse entities: ...", "message text is empty" (unless ``allow_empty``: drafts) and
    "message is too long" (over ``max_units`` UTF-16 units after cleaning). A ``parse_mode``
    is refused: the fake does not parse markup.
    """
    if params.get("parse_mode") not in (None, ""):
        raise ApiError(400, PARSE_MODE_NOT_IMPLEMENTED)
    raw_text = params.get("text")
    text = "" if raw_text is None else str(raw_text)
    if has_lone_surrogate(text):
        raise ApiError(400, NOT_UTF8)
    entities = check_entities(text, params.get("entities"))
    text, entities = telegram_normalise(text, entities)
    if not allow_empty and not text:
        raise bad("message text is empty")
    if utf16_len(text) > max_units:
        raise bad("message is too long")
    return text, entities
