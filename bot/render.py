"""Model Markdown -> what Telegram shows: text plus message entities, cut into pages.

telegramify-markdown does the conversion. Around it this module guarantees what the converter
alone does not:

- Nothing the model wrote disappears. Telegram has no raw HTML and the converter drops HTML
  (`List<String>`, `Bearer <key>`, a `<div>` block), so HTML-looking text is escaped first and
  shown as the text it is.
- Every entity is one Telegram accepts: a link keeps its link only when Telegram's own URL
  check would pass (`telegram_url`); otherwise its text stays and only the link goes.
- A `Rendered` is what Telegram will show, normalised the way the Bot API normalises message
  text (`visible`): two values that compare equal look the same on screen, so the delivery
  engine never sends an edit Telegram would refuse as "message is not modified".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import pyromark
import telegramify_markdown
from aiogram.types import MessageEntity

MESSAGE_LIMIT = 4096
"""Telegram's limit on a message's text, in UTF-16 code units after entity parsing
(Bot API `sendMessage`: "1-4096 characters after entities parsing")."""

_OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_MATH
)
"""The Markdown dialect telegramify-markdown parses; cut points are found in the same one."""

# Telegram (tdlib's fix_formatted_text) trims spaces and newlines at both ends of a message;
# the Bot API also treats these Unicode spaces as empty there.
_TRIMMED = frozenset(
    " \n\u00a0\u1680\u180e\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u200b\u200c\u200d\u200e\u200f\u202f\u205f\u2800\u3000\ufeff"
)
# tdlib's is_empty_string also counts U+FFFC and the tag characters: a text of nothing but
# these is empty ("message text is empty"), though they are not trimmed at the ends.
_EMPTY = _TRIMMED | {"\ufffc"} | {chr(code) for code in range(0xE0000, 0xE0080)}
# tdlib's clean_input_string: \r is dropped, other control characters become spaces, and
# U+2028..U+202E and three combining vertical lines are removed; in a text sent without
# entities, a run of direction marks keeps its last and the others become U+200C.
_DROPPED = frozenset("\r\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u0333\u033f\u030a")
_NEEDS_CLEANING = re.compile(
    r"[\x00-\x09\x0b-\x1f\u2028-\u202e\u0333\u033f\u030a\ud800-\udfff\u200e\u200f]"
)
_MARK_RUN = re.compile("[\u200e\u200f]{2,}")
_TG_HOST = re.compile(r"[A-Za-z0-9_-]+")
_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]").fullmatch
_HOST_LABEL = re.compile(r"(?!-)[\w-]{1,63}(?<!-)")


def utf16_len(text: str) -> int:
    """Telegram counts offsets and lengths in UTF-16 code units: astral characters count 2."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass(frozen=True, slots=True)
class Entity:
    """One Telegram MessageEntity; offsets and lengths in UTF-16 code units."""

    type: str
    offset: int
    length: int
    url: str | None = None
    language: str | None = None

    @property
    def end(self) -> int:
        return self.offset + self.length

    def to_aiogram(self) -> MessageEntity:
        return MessageEntity(
            type=self.type,
            offset=self.offset,
            length=self.length,
            url=self.url,
            language=self.language,
        )


@dataclass(frozen=True, slots=True)
class Rendered:
    """A message as Telegram shows it; equal values mean an edit would change nothing."""

    text: str
    entities: tuple[Entity, ...] = ()

    @property
    def size(self) -> int:
        """Length in UTF-16 code units, the unit of Telegram's 4,096 limit."""
        return utf16_len(self.text)

    @property
    def empty(self) -> bool:
        """Nothing to show: Telegram refuses such a text ("message text is empty")."""
        return not self.text

    def aiogram_entities(self) -> list[MessageEntity] | None:
        return [entity.to_aiogram() for entity in self.entities] or None

    def without(self, *types: str) -> Rendered:
        """The same text with the entities of `types` removed (all of them when none given)."""
        if not types:
            return Rendered(self.text)
        return Rendered(self.text, tuple(e for e in self.entities if e.type not in types))


def join(parts: Iterable[Rendered], separator: str = "\n\n") -> Rendered:
    """Concatenate rendered parts (empty ones skipped), shifting each part's entities."""
    text: list[str] = []
    entities: list[Entity] = []
    units = 0
    for part in parts:
        if part.empty:
            continue
        if text:
            text.append(separator)
            units += utf16_len(separator)
        text.append(part.text)
        entities.extend(replace(e, offset=e.offset + units) for e in part.entities)
        units += part.size
    return visible("".join(text), entities)


def visible(text: str, entities: Iterable[Entity] = ()) -> Rendered:
    """What Telegram shows for `text` with `entities` (tdlib's fix_formatted_text).

    Control characters become spaces and a few invisible ones are dropped; spaces and
    newlines are trimmed at the end, and at the start up to the first entity; entities are
    shifted and clipped to match. A text of only empty characters becomes "".
    """
    ordered = sorted((e for e in entities if e.length > 0), key=lambda e: (e.offset, -e.length))
    if _NEEDS_CLEANING.search(text):
        text, ordered = _clean(text, ordered)
    if all(char in _EMPTY for char in text):
        return Rendered("")
    end = len(text)
    while text[end - 1] in _TRIMMED:
        end -= 1
    first_entity = ordered[0].offset if ordered else None
    start = 0
    while text[start] in _TRIMMED and (first_entity is None or start < first_entity):
        start += 1  # units == chars here: every trimmed character is in the BMP
    if start or end < len(text):
        shift = start
        limit = utf16_len(text[:end]) - shift
        clipped = []
        for entity in ordered:
            offset = entity.offset - shift
            stop = min(entity.end - shift, limit)
            if stop > offset:
                clipped.append(replace(entity, offset=offset, length=stop - offset))
        text, ordered = text[start:end], clipped
    return Rendered(text, tuple(ordered))


def _clean(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """tdlib's clean_input_string, moving entity boundaries with the characters."""
    new_at: dict[int, int] = {}
    kept: list[str] = []
    old = new = 0
    for char in text:
        new_at[old] = new
        units = 2 if ord(char) > 0xFFFF else 1
        old += units
        if char in _DROPPED:
            continue
        if 0xD800 <= ord(char) <= 0xDFFF:
            kept.append("\ufffd")  # a lone surrogate is not UTF-8; Telegram would refuse it
        else:
            kept.append(" " if ord(char) < 32 and char != "\n" else char)
        new += units
    new_at[old] = new
    moved = []
    for entity in entities:
        start, stop = new_at.get(entity.offset, new), new_at.get(entity.end, new)
        if stop > start:
            moved.append(replace(entity, offset=start, length=stop - start))
    cleaned = "".join(kept)
    if not entities:  # tdlib's replace_offending_characters; lengths do not change
        cleaned = _MARK_RUN.sub(lambda run: "\u200c" * (len(run[0]) - 1) + run[0][-1], cleaned)
    return cleaned, moved


def telegram_url(url: str) -> str | None:
    """`url` if Telegram accepts it for a text_link, else None.

    Mirrors tdlib's LinkManager::check_link: http(s) (or no scheme) with a host that has a
    dot (or is an IP literal), or tg:// with a plain host. Relative paths, anchors, mailto:
    and other schemes are refused by Telegram, which would reject the whole message.
    """
    url = url.strip()
    if not url or any(char.isspace() for char in url):
        return None
    lowered = url.lower()
    if lowered.startswith("tg:"):
        rest = url[3:].removeprefix("//")
        found = _TG_HOST.match(rest)
        if found is None or rest[found.end() : found.end() + 1] not in ("", "/", "?"):
            return None
        return url
    if "://" not in url:
        if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:(?!\d)", url) or "@" in url.split("/", 1)[0]:
            return None  # mailto:, javascript:, an e-mail address... (host:port is fine)
        candidate = "http://" + url
    elif lowered.startswith(("http://", "https://")):
        candidate = url
    else:
        return None
    try:
        parts = urlsplit(candidate)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    host = parts.hostname or ""
    if host.startswith("[") or ":" in host:
        return url  # an IPv6 literal
    labels = host.split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        return None
    return url


def render(markdown: str, *, plain: bool = False) -> Rendered:
    """Markdown -> what Telegram shows; `plain` shows the source text as it is."""
    if plain:
        return visible(markdown)
    source = show_html_as_text(markdown)
    text, raw_entities = telegramify_markdown.convert(source, latex_escape=False)
    entities = []
    for raw in raw_entities:
        entity = _entity(raw.to_dict())
        if entity is not None:
            entities.append(entity)
    return visible(text, entities)


def _entity(fields: dict[str, Any]) -> Entity | None:
    """The converter's entity as ours; a link Telegram would refuse loses only its link."""
    kind = str(fields["type"])
    url = fields.get("url")
    if kind == "text_link":
        url = telegram_url(str(url or ""))
        if url is None:
            return None
    language = fields.get("language")
    return Entity(
        kind,
        int(fields["offset"]),
        int(fields["length"]),
        url=url if kind == "text_link" else None,
        language=str(language) if language and kind == "pre" else None,
    )


def show_html_as_text(markdown: str) -> str:
    """Escape the `<` of every inline HTML tag and HTML block, so that it is shown as text.

    CommonMark reads `List<String>` or `if x<y and y>z` as HTML, and an HTML block swallows
    text up to the next blank line; Telegram cannot show HTML, so the converter would drop it
    all. Escaping can expose new HTML (a line that now continues a paragraph), so this repeats
    until none is left; every pass escapes at least one `<`, so it ends.
    """
    return _escape(markdown, _html_escapes(markdown))


def _html_escapes(markdown: str) -> set[int]:
    """Indices of the characters of `markdown` that `show_html_as_text` escapes."""
    marked: set[int] = set()
    if "<" not in markdown:
        return marked
    current = markdown
    while True:
        data = current.encode()
        starts = []
        for event, span in _events(current):
            if not isinstance(event, dict):
                continue
            if "InlineHtml" in event or "Html" in event:
                at = data.find(b"<", span["start"], span["end"])
                if at >= 0:
                    starts.append(at)
            elif "InlineMath" in event and data[span["end"] : span["end"] + 1].isdigit():
                # `$10 and $20` is two prices, not math (the converter's rule too): its text,
                # HTML included, must be read as Markdown.
                starts += [span["start"], span["end"] - 1]
        if not starts:
            return marked
        to_char, to_raw = _char_index(current, len(data)), _raw_index(markdown, marked)
        marked.update(to_raw[to_char(at)] for at in starts)
        current = _escape(markdown, marked)


def _escape(markdown: str, marked: set[int]) -> str:
    """`markdown` with a backslash before each character whose index is in `marked`."""
    if not marked:
        return markdown
    return "".join("\\" + char if index in marked else char for index, char in enumerate(markdown))


def _raw_index(markdown: str, marked: set[int]) -> list[int]:
    """For each character of `_escape(markdown, marked)`, its index in `markdown`."""
    positions = []
    for index in range(len(markdown)):
        if index in marked:
            positions.append(index)  # the backslash belongs to the character it escapes
        positions.append(index)
    positions.append(len(markdown))
    return positions


def quote_block(header: str, body: str, *, expandable: bool = True) -> Rendered:
    """A bold header line above a (collapsed) blockquote: how the bot shows a model's thoughts."""
    head = visible(header)
    inner = visible(body)
    if inner.empty:
        return visible(head.text, (Entity("bold", 0, head.size),))
    kind = "expandable_blockquote" if expandable else "blockquote"
    start = head.size + 1
    entities = [Entity("bold", 0, head.size), Entity(kind, start, inner.size)]
    return visible(f"{head.text}\n{inner.text}", entities)


def tail(text: str, limit: int) -> str:
    """The end of `text` within `limit` UTF-16 units, led by an ellipsis when cut."""
    if utf16_len(text) <= limit:
        return text
    start = len(text) - _prefix_within(text[::-1], limit - 1)
    while start < len(text) and _joins_previous(text, start):
        start += 1
    return "…" + text[start:]


# --- pages -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cut:
    """One page split off a longer text: `head` is sent, then `reopen + text[at:]` goes on.

    `reopen` restarts what the cut interrupted: a code fence, or a table's header rows.
    """

    head: str
    at: int
    reopen: str = ""


def cut_page(markdown: str, limit: int = MESSAGE_LIMIT, *, plain: bool = False) -> Cut:
    """Split off the first page of `markdown`, one that renders within `limit` UTF-16 units.

    The cut goes, in order of preference, before a heading, between two blocks (never right
    after a heading, so a heading starts the next page rather than ending this one), between
    list items, at a line break, at a space, and only for a very long word inside it.
    Nothing is cut inside a link, emphasis or code span while a better place exists; a code
    block cut in two is closed here and reopened on the next page, a table continues under
    its header row. `plain` text is
    cut at the same places but never reopened or escaped.
    """
    end = _prefix_within(markdown, max(1, limit - 8))  # room for a closing code fence
    while True:
        cut = _cut_within(markdown, end, plain=plain)
        shown = render(cut.head, plain=plain).size
        if shown <= limit or cut.at <= 1:
            return cut
        end = max(1, min(cut.at - 1, cut.at - (shown - limit) // 2))  # rendering grew it


def _cut_within(markdown: str, end: int, *, plain: bool) -> Cut:
    """The best cut at or before `end` (an index into `markdown`)."""
    if end >= len(markdown):
        return Cut(markdown, len(markdown))
    window = markdown[:end]
    places = _Places(window)
    at = places.best(floor=end // 2, end=end)
    head, reopen = markdown[:at], ""
    if plain:
        return Cut(head, at)
    fence = places.fence_at(at)
    if fence is not None:
        marker = fence[: len(fence) - len(fence.lstrip("`~"))]
        head, reopen = head.rstrip("\n") + "\n" + marker, fence + "\n"
    else:
        reopen = places.table_header_at(at)
        rest = markdown[at : at + 1]
        if not reopen and markdown[at - 1] != "\n" and rest.isascii() and _PUNCTUATION(rest):
            # A cut inside a line makes the rest start a line, where `#`, `>`, `-` or a code
            # fence would mean something the model did not write: escape that character.
            reopen = "\\"
    return Cut(head, at, reopen)


class _Places:
    """Where a Markdown text may be cut, read from the parser's events and their ranges."""

    _BLOCKS = ("Paragraph", "Heading", "CodeBlock", "BlockQuote", "List", "Table", "HtmlBlock")

    def __init__(self, text: str) -> None:
        self.text = text
        # Parse what render() will parse (HTML escaped), so blocks and fences are the ones
        # the reader sees; positions are mapped back to `text`.
        marked = _html_escapes(text)
        parsed = _escape(text, marked)
        data = parsed.encode()
        to_char, to_raw = _char_index(parsed, len(data)), _raw_index(text, marked)

        def index(offset: int) -> int:
            return to_raw[to_char(offset)]

        self.blocks: list[tuple[int, bool]] = []  # (start, starts after a heading)
        self.headings: list[int] = []
        self.items: list[int] = []
        self.inline: list[tuple[int, int]] = []
        self.fences: list[tuple[int, int, str]] = []  # (start, end, opener line)
        self.tables: list[tuple[int, int]] = []
        depth = 0
        after_heading = False
        for event, span in _events(parsed):
            start, stop = index(span["start"]), index(span["end"])
            if event == "Rule" and depth == 0:
                self.blocks.append((start, after_heading))
                after_heading = False
                continue
            if not isinstance(event, dict):
                continue
            if "Start" in event:
                tag = event["Start"]
                name = tag if isinstance(tag, str) else next(iter(tag))
                if name in self._BLOCKS and depth == 0:
                    self.blocks.append((start, after_heading))
                    if name == "Heading" and not after_heading:
                        self.headings.append(start)
                if name in self._BLOCKS or name == "Item":
                    if name == "Item" and depth == 1:
                        self.items.append(start)
                    depth += 1
                elif name in ("Emphasis", "Strong", "Strikethrough", "Link", "Image"):
                    self.inline.append((start, stop))
                if name == "CodeBlock" and isinstance(tag, dict) and "Fenced" in tag["CodeBlock"]:
                    opener = text[start:stop].split("\n", 1)[0].strip()
                    self.fences.append((start, stop, opener))
                if name == "Table":
                    self.tables.append((start, stop))
            elif "End" in event:
                tag = event["End"]
                name = tag if isinstance(tag, str) else next(iter(tag))
                if name in self._BLOCKS or name == "Item":
                    depth -= 1
                    if depth == 0:
                        after_heading = name == "Heading"
            elif "Code" in event or "InlineMath" in event or "InlineHtml" in event:
                self.inline.append((start, stop))

    def best(self, floor: int, end: int) -> int:
        """The preferred cut in (floor, end]; falls back to `end` at a character boundary."""
        headings = [at for at in self.headings if floor < at <= end]
        blocks = [at for at, after in self.blocks if floor < at <= end and not after]
        items = [at for at in self.items if floor < at <= end]
        for candidates in (headings, blocks, items):
            if candidates:
                return max(candidates)
        text = self.text
        for separator in ("\n", " "):
            at = end
            while True:
                at = text.rfind(separator, floor, at)
                if at < 0:
                    break
                if not self._inside_inline(at + 1):
                    return at + 1
        at = end
        while at > floor and (self._inside_inline(at) or _joins_previous(text, at)):
            at -= 1
        if at <= floor:
            at = end
            while at > 1 and _joins_previous(text, at):
                at -= 1
        return max(at, 1)

    def _inside_inline(self, at: int) -> bool:
        return any(start < at < stop for start, stop in self.inline)

    def fence_at(self, at: int) -> str | None:
        """The opener line of the fenced code block that a cut at `at` falls inside."""
        for start, stop, opener in self.fences:
            if start < at and (at < stop or not self._closed(start, stop)):
                return opener
        return None

    def _closed(self, start: int, stop: int) -> bool:
        body = self.text[start:stop].rstrip("\n")
        opener = body.split("\n", 1)[0].lstrip()
        marker = opener[: len(opener) - len(opener.lstrip("`~"))]
        last = body.rsplit("\n", 1)[-1].strip() if "\n" in body else ""
        return bool(marker) and last.startswith(marker) and not last.strip(marker[0])

    def table_header_at(self, at: int) -> str:
        """A table's header and delimiter rows, when a cut falls between its body rows."""
        for start, stop in self.tables:
            if start < at <= stop:
                rows = self.text[start:stop].split("\n", 2)
                if len(rows) >= 2 and at > start + len(rows[0]) + len(rows[1]) + 1:
                    return f"{rows[0]}\n{rows[1]}\n"
        return ""


def _events(markdown: str) -> list[tuple[Any, dict[str, int]]]:
    """The parser's events with their UTF-8 byte ranges in `markdown`."""
    return list(pyromark.events_with_range(markdown, options=_OPTIONS))  # type: ignore[arg-type]


def _char_index(text: str, size: int) -> Callable[[int], int]:
    """A function mapping a UTF-8 byte offset of `text` to its character index."""
    if text.isascii():
        return lambda offset: offset
    starts = []
    for position, char in enumerate(text):
        starts.extend([position] * len(char.encode()))
    starts.append(len(text))
    return lambda offset: starts[min(offset, size)]


def _joins_previous(text: str, at: int) -> bool:
    """True when a cut before text[at] would split a character a reader sees as one."""
    if at <= 0 or at >= len(text):
        return False
    char, before = text[at], text[at - 1]
    if unicodedata.combining(char) or char in "\u200d\ufe0e\ufe0f" or before == "\u200d":
        return True
    if 0x1F3FB <= ord(char) <= 0x1F3FF:  # skin tone modifiers
        return True
    if _regional(char) and _regional(before):
        run = 0
        while at - run - 1 >= 0 and _regional(text[at - run - 1]):
            run += 1
        return run % 2 == 1  # inside a flag (a pair of regional indicators)
    return False


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _prefix_within(text: str, budget: int) -> int:
    """Largest n with utf16_len(text[:n]) <= budget."""
    if text.isascii() or utf16_len(text) <= budget:
        return min(len(text), budget)
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > budget:
            return index
    return len(text)
