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

from aiogram.types import MessageEntity
from telegramify_markdown.config import RenderConfig
from telegramify_markdown.converter import EventWalker

from bot.markup import Event, Source, Span, read

MESSAGE_LIMIT = 4096
"""Telegram's limit on a message's text, in UTF-16 code units after entity parsing
(Bot API `sendMessage`: "1-4096 characters after entities parsing")."""

BOX_OPEN = "\u2610"  # ☐
BOX_DONE = "\u2611"  # ☑
"""How task list items show: `- [ ] open` and `- [x] done`."""

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
_HOST = re.compile(r"(?:(?!-)[\w-]{1,63}(?<!-)\.)+(?!-)[\w-]{1,63}(?<!-)")
"""Dot-separated labels of word characters and inner hyphens, 63 at most each."""
_SPACE = re.compile(r"\s")


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
    if not url or _SPACE.search(url):
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
    if "." not in host or not _HOST.fullmatch(host):
        return None
    return url


def render(markdown: str, *, plain: bool = False) -> Rendered:
    """Markdown -> what Telegram shows; `plain` shows the source text as it is."""
    if plain:
        return visible(markdown)
    source = read(markdown)
    config = RenderConfig.isolated()
    config.markdown_symbol.task_completed = BOX_DONE
    config.markdown_symbol.task_uncompleted = BOX_OPEN
    text, converted, _ = EventWalker(config, source.text).walk(_for_walker(source))
    entities = []
    for raw in converted:
        entity = _entity(raw.type, raw.offset, raw.length, raw.url, raw.language)
        if entity is not None:
            entities.append(entity)
    return visible(text, entities)


def _entity(
    kind: str, offset: int, length: int, url: str | None, language: str | None
) -> Entity | None:
    """The converter's entity as ours; a link Telegram would refuse loses only its link."""
    if kind == "text_link":
        url = telegram_url(url or "")
        if url is None:
            return None
    elif kind == "custom_emoji":
        return None  # needs an id the converter does not pass on, and a bot Telegram allows
    return Entity(
        kind,
        offset,
        length,
        url=url if kind == "text_link" else None,
        language=language or None if kind == "pre" else None,
    )


def _for_walker(source: Source) -> tuple[Event, ...]:
    """The parser's events as telegramify-markdown's walker should see them: bare URLs as
    links, maths as code, task boxes that differ, `||spoilers||`, empty links' addresses."""
    if not (
        source.placeholders
        or source.in_place
        or source.maths
        or source.tasks
        or "||" in source.text
        or "[](" in source.text
    ):
        return source.events
    return _Rewrite(source).events()


_SPOILER = re.compile(r"\|\|(?=[^\s|])(.+?)(?<=\S)\|\|", re.DOTALL)
"""`||hidden||`: Telegram's spoiler. The bars must hug the text, so `a || b || c` stays."""
_BREAKS = ("SoftBreak", "HardBreak")
_INLINE_ENDS = ("Emphasis", "Strong", "Strikethrough", "Link", "Image")


def _ends_link(events: tuple[Event, ...], index: int) -> bool:
    """Whether the event at `index` ends a link (right after its start: no text)."""
    if index >= len(events):
        return False
    event = events[index][0]
    return event.__class__ is dict and event.get("End") == "Link"


class _Rewrite:
    """Rewrites one message's events for the walker (see `_for_walker`).

    It runs on every render of a streamed answer that has a URL or maths, so events that need
    nothing pass through one short loop untouched.
    """

    def __init__(self, source: Source) -> None:
        self.source = source
        self.spans = source.placeholders
        self.in_place = list(source.in_place)
        self.in_place.reverse()  # the next one last
        marks = "".join(source.placeholders)
        self.placeholders = re.compile(f"([{marks}])") if marks else None
        spoilers = "||" in source.text
        if marks or spoilers:
            self.marks: re.Pattern[str] | None = re.compile(
                "|".join(([f"[{marks}]"] if marks else []) + ([r"\|\|"] if spoilers else []))
            )
        else:
            self.marks = None
        self.out: list[Event] = []
        self.in_cell = False  # a table is shown as code: no links, maths inline
        self.inline_only = False  # in a heading or a table cell: display maths goes inline
        self.break_next = False  # display maths inside a paragraph ends its line

    def events(self) -> tuple[Event, ...]:
        events, out, marks = self.source.events, self.out, self.marks
        ordered: list[bool] = []  # the open lists, innermost last
        headings = cells = 0
        code = False
        index = 0
        while index < len(events):
            item = events[index]
            index += 1
            event = item[0]
            if event.__class__ is str:
                if event in _BREAKS:
                    self.break_next = False
                out.append(item)
            elif "Text" in event:
                value = event["Text"]
                if code:
                    out.append(({"Text": self._source_form(value)}, item[1]) if marks else item)
                elif (
                    self.break_next
                    or (marks is not None and marks.search(value))
                    or (self.in_place and self.in_place[-1][0] < item[1]["end"])
                ):
                    self._text(value, item[1])
                else:
                    out.append(item)
            elif "Start" in event:
                tag = event["Start"]
                if tag.__class__ is dict:
                    name = next(iter(tag))
                    if name == "List":
                        ordered.append(tag["List"] is not None)
                    elif name == "Heading":
                        headings += 1
                    elif name == "CodeBlock":
                        code = True
                elif tag == "TableCell":
                    cells += 1
                elif tag == "Paragraph":
                    alone = self._display_alone(events, index)
                    if alone is not None:
                        self._code_block(alone, item[1])
                        index += 2
                        continue
                self.in_cell, self.inline_only = cells > 0, cells + headings > 0
                self._inline(item)
                if tag.__class__ is dict and "Link" in tag and _ends_link(events, index):
                    # `[](url)`: Telegram shows no link without text, and the reader would
                    # lose the address: it becomes the link's text, as a bare URL's is.
                    address = tag["Link"]["dest_url"] or self._source_of(item[1])
                    self.out.append(({"Text": address}, item[1]))
            elif "End" in event:
                tag = event["End"]
                if tag.__class__ is dict:
                    name = next(iter(tag))
                    if name == "List":
                        ordered.pop()
                    elif name == "Heading":
                        headings -= 1
                elif tag == "CodeBlock":
                    code = False
                elif tag == "TableCell":
                    cells -= 1
                self.in_cell, self.inline_only = cells > 0, cells + headings > 0
                if tag not in _INLINE_ENDS:
                    self.break_next = False
                out.append(item)
            elif "InlineMath" in event:
                self._span(Span("math", event["InlineMath"]), item[1])
            elif "DisplayMath" in event:
                self._span(Span("display", event["DisplayMath"]), item[1])
            elif "TaskListMarker" in event and ordered and ordered[-1]:
                # The walker puts a box in place of the list marker; a number should stay.
                box = BOX_DONE if event["TaskListMarker"] else BOX_OPEN
                self._inline(({"Text": f"{box} "}, item[1]))
            else:
                self._inline(item)
        return tuple(out)

    def _source_of(self, span: Any) -> str:
        """The Markdown an event was parsed from, as written (spans count UTF-8 bytes)."""
        return self.source.text.encode()[span["start"] : span["end"]].decode()

    def _inline(self, item: Event) -> None:
        """Append inline content, first ending the line of a display formula before it."""
        if self.break_next:
            self.break_next = False
            self.out.append(("SoftBreak", item[1]))
        self.out.append(item)

    def _text(self, text: str, span: Any) -> None:
        """Text with its spans (URLs, maths) and spoilers made into the events they need."""
        place = self.in_place
        if place and place[-1][0] < span["end"]:
            data = text.encode()  # a Text event with a span in place is its source as is
            cursor = span["start"]
            while place and place[-1][0] < span["end"]:
                start, end, value = place.pop()
                self._spoilers(data[cursor - span["start"] : start - span["start"]].decode(), span)
                self._span(value, span)
                cursor = end
            text = data[cursor - span["start"] :].decode()
        self._spoilers(text, span)

    def _spoilers(self, text: str, span: Any) -> None:
        if "||" in text and not self.in_cell:
            cursor = 0
            for match in _SPOILER.finditer(text):
                self._pieces(text[cursor : match.start()], span)
                self._inline(({"InlineHtml": "<tg-spoiler>"}, span))
                self._pieces(match.group(1), span)
                self._inline(({"InlineHtml": "</tg-spoiler>"}, span))
                cursor = match.end()
            text = text[cursor:]
        self._pieces(text, span)

    def _pieces(self, text: str, span: Any) -> None:
        """Text with its placeholders turned back into what they stand for."""
        parts = self.placeholders.split(text) if self.placeholders else (text,)
        for part in parts:
            if part in self.spans:
                self._span(self.spans[part], span)
                continue
            if self.break_next:
                part = part.lstrip(" \t")  # noqa: PLW2901 - the line starts after the formula
            if part:
                self._inline(({"Text": part}, span))

    def _span(self, value: Span, span: Any) -> None:
        if value.kind == "url":
            if self.in_cell:
                self._inline(({"Text": value.text}, span))
                return
            link = {"link_type": "Autolink", "dest_url": value.target, "title": "", "id": ""}
            self._inline(({"Start": {"Link": link}}, span))
            self.out += [({"Text": value.text}, span), ({"End": "Link"}, span)]
        elif value.kind == "math" or self.inline_only:
            content = " ".join(value.text.split("\n")).strip()
            if content:
                self._inline(({"Code": content}, span))
        else:
            self._display(value.text, span)

    def _display(self, content: str, span: Any) -> None:
        """Display maths inside a paragraph: a code block on lines of its own."""
        out = self.out
        if out and out[-1][0].__class__ is dict and "Text" in out[-1][0]:
            event, place = out.pop()
            before = event["Text"].rstrip(" \t")
            if before:
                out.append(({"Text": before}, place))
        last = out[-1][0] if out else None
        if last is not None and not (last.__class__ is str or _line_start(last)):
            out.append(("SoftBreak", span))
        self.break_next = False
        self._code_block(content, span)
        self.break_next = True

    def _code_block(self, content: str, span: Any) -> None:
        self.out += [
            ({"Start": {"CodeBlock": {"Fenced": "latex"}}}, span),
            ({"Text": content.strip() + "\n"}, span),
            ({"End": "CodeBlock"}, span),
        ]

    def _display_alone(self, events: tuple[Event, ...], index: int) -> str | None:
        """The content of the display formula that is a whole paragraph, if it is one."""
        if index + 1 >= len(events) or events[index + 1][0] != {"End": "Paragraph"}:
            return None
        event = events[index][0]
        if event.__class__ is not dict:
            return None
        if "DisplayMath" in event:
            return str(event["DisplayMath"])
        value = self.spans.get(event.get("Text", ""))
        return value.text if value is not None and value.kind == "display" else None

    def _source_form(self, text: str) -> str:
        """Text where the parser reads code: placeholders become their source again."""
        if self.placeholders is None:
            return text
        return self.placeholders.sub(lambda match: self.spans[match.group()].source, text)


def _line_start(event: Any) -> bool:
    """True for the events after which the walker is at the start of a line."""
    if "TaskListMarker" in event:
        return True
    start = event.get("Start")
    return start in ("Paragraph", "Item") or (isinstance(start, dict) and "Heading" in start)


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


EXPAND_OVER = 200
"""UTF-16 units of quoted words past which the quote is collapsed (expandable)."""


def heard_block(header: str, words: str, limit: int) -> Rendered:
    """A bold header line above a quote of what the user said (a voice note's transcript),
    as plain text: at most `limit` UTF-16 units of its start, ended by "…" when cut (the whole
    goes to the model); collapsed when longer than EXPAND_OVER units or a few lines."""
    words = " ".join(words.split())
    if utf16_len(words) > limit:
        end = _prefix_within(words, max(0, limit - 1))
        while end > 0 and _joins_previous(words, end):
            end -= 1
        words = words[:end].rstrip() + "…"
    return quote_block(header, words, expandable=utf16_len(words) > EXPAND_OVER)


def thoughts_block(header: str, markdown: str, limit: int) -> Rendered:
    """A bold header line above one expandable blockquote: a model's thoughts, as Markdown.

    The quote shows the rendered end of `markdown`: at most `limit` UTF-16 units of it, led by
    "…" when cut (at a character boundary a reader sees as one, reopening a code block the cut
    falls inside), and the rendering too stays within `limit` units. Telegram allows no
    blockquote inside a blockquote, so quotes in the thoughts keep their text but not their
    entity; bold, italic, code, pre and links stay.
    """
    head = visible(header)
    units = limit
    body = render(_thoughts_tail(markdown, units)) if units > 0 else Rendered("")
    while body.size > limit:  # a heading's symbol, list markers or a table's padding
        units -= max(1, body.size - limit)
        body = render(_thoughts_tail(markdown, units)) if units > 0 else Rendered("")
    bold = Entity("bold", 0, head.size)
    if body.empty:
        return visible(head.text, (bold,))
    start = head.size + 1
    entities = [bold, Entity("expandable_blockquote", start, body.size)]
    entities += (
        replace(entity, offset=entity.offset + start)
        for entity in body.entities
        if entity.type not in _QUOTES
    )
    return visible(f"{head.text}\n{body.text}", entities)


_QUOTES = ("blockquote", "expandable_blockquote")
_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$", re.MULTILINE)


def _thoughts_tail(markdown: str, limit: int) -> str:
    """`tail(markdown, limit)`, with the opener of a code fence the cut falls inside."""
    end = tail(markdown, limit)
    if end == markdown:
        return end
    dropped = markdown[: len(markdown) - len(end) + 1]
    if "```" not in dropped and "~~~" not in dropped:
        return end
    opener: tuple[str, str] | None = None  # (marker, whole line) of the fence left open
    for match in _FENCE_LINE.finditer(dropped):
        marker, rest = match.groups()
        if opener is None:
            if not (marker[0] == "`" and "`" in rest):
                opener = (marker, match.group().strip())
        elif marker[0] == opener[0][0] and len(marker) >= len(opener[0]) and not rest.strip():
            opener = None
    if opener is None or dropped.endswith(opener[1]):
        return end
    return f"…\n{opener[1]}\n{end[1:]}"


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
    too_long: int | None = None  # the shortest cut seen that renders past the limit
    while True:
        cut = _cut_within(markdown, end, plain=plain)
        shown = render(cut.head, plain=plain).size
        if shown <= limit or cut.at <= 1:
            break
        too_long = cut.at
        # Rendering grew it: by a few marks (a fence closed), or by a factor (a table pads every
        # row to its widest), so shrink by whichever estimate keeps more, by one at least.
        by_excess = cut.at - (shown - limit) // 2
        by_ratio = cut.at * limit // shown
        end = max(1, min(cut.at - 1, max(by_excess, by_ratio)))
    # A shrink by the ratio may land far below the limit: win back room, halving the gap.
    for _ in range(_REFINE_STEPS):
        if too_long is None or too_long - cut.at <= limit // 16:
            break
        better = _cut_within(markdown, (cut.at + too_long) // 2, plain=plain)
        if better.at <= cut.at or better.at >= too_long:
            break
        if render(better.head, plain=plain).size <= limit:
            cut = better
        else:
            too_long = better.at
    return cut


_REFINE_STEPS = 6
"""Renders at most spent winning back room after a cut had to shrink a lot (tables)."""

_LOOKAHEAD = 1000
"""Characters past a page's end read to see the inline markup it falls inside."""


def _cut_within(markdown: str, end: int, *, plain: bool) -> Cut:
    """The best cut at or before `end` (an index into `markdown`)."""
    if end >= len(markdown):
        return Cut(markdown, len(markdown))
    # Read on to the end of the paragraph (a little way at most), so that a link, code span,
    # URL or formula the page's end falls inside is seen whole and not cut.
    paragraph_end = markdown.find("\n\n", end, end + _LOOKAHEAD)
    places = _Places(markdown[: paragraph_end if paragraph_end >= 0 else end + _LOOKAHEAD])
    floor = end // 2
    fence_start, body = places.fence_body(end)
    if fence_start <= floor < body < end:
        floor = body  # a cut before the body would leave a page that only repeats the opener
    at = places.best(floor=floor, end=end)
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


_ATOMS = ("Code", "InlineMath", "DisplayMath", "InlineHtml")


class _Places:
    """Where a Markdown text may be cut, read from the parser's events and their ranges."""

    _BLOCKS = ("Paragraph", "Heading", "CodeBlock", "BlockQuote", "List", "Table", "HtmlBlock")

    def __init__(self, text: str) -> None:
        self.text = text
        # Parse what render() parses (HTML escaped, URLs and maths set aside), so that blocks
        # and fences are the ones the reader sees; positions are mapped back to `text`.
        source = read(text)
        to_char = _char_index(text, len(text.encode()))

        def index(offset: int) -> int:
            return to_char(source.original_bytes(offset))

        self.blocks: list[tuple[int, bool]] = []  # (start, starts after a heading)
        self.headings: list[int] = []
        self.items: list[int] = []
        self.inline: list[tuple[int, int]] = []
        self.fences: list[tuple[int, int, str]] = []  # (start, end, opener line)
        self.tables: list[tuple[int, int]] = []
        depth = 0
        after_heading = False
        for start, stop, _ in source.in_place:  # a URL or a formula is never cut in two
            self.inline.append((index(start), index(stop)))
        parsed = source.text.encode()
        for char in source.placeholders:
            at = parsed.find(char.encode())
            self.inline.append((index(at), index(at + len(char.encode()))))
        for event, span in source.events:
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
            elif any(kind in event for kind in _ATOMS):
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
        """The opener line of the fenced code block whose body a cut at `at` falls inside."""
        start, body = self.fence_body(at)
        if start < 0 or at < body:
            return None  # not in a fence, or inside its opener line: nothing to reopen
        return next(opener for first, _, opener in self.fences if first == start)

    def fence_body(self, at: int) -> tuple[int, int]:
        """(start, where its body's text starts) of the fenced code block that `at` falls
        inside, or (-1, -1)."""
        for start, stop, _ in self.fences:
            if start < at and (at < stop or not self._closed(start, stop)):
                newline = self.text.find("\n", start)
                if newline < 0:
                    return start, len(self.text)
                body = self.text[newline + 1 :]
                return start, len(self.text) - len(body.lstrip())  # blank lines show nothing
        return -1, -1

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
