"""What in a model's Markdown is markup, and what only looks like it.

CommonMark read to the letter garbles text that chat models mean as text. Before the real
parse, the source is rewritten so that pyromark (the parser telegramify-markdown uses) reads
only the markup the model meant:

- HTML-looking text (`List<String>`, `<div>`): its `<` is escaped; Telegram has no HTML, and
  an HTML block would swallow text up to the next blank line.
- Prices: `$10 and $20` is not maths when a digit follows the closing `$` (pandoc's rule).
- A single `~` is "approximately"; strikethrough takes `~~`.
- A `*` run with a letter or digit on both sides (`a*b*c`, `x = 3*y*z`) is literal, as CommonMark
  already has it for `_`.
- Bare URLs (GFM's extended autolinks: `https://…`, `www.…`) and `\\( \\)` / `\\[ \\]` maths
  are each replaced by one placeholder character, so that no Markdown rule reaches inside
  them (`https://x.org/_a_` would lose its underscores); the renderer shows them as a link or
  as code. A URL without characters Markdown could read (most of them) is left in place
  instead: the parse is the same, and saves a second one.

Each rewrite can change how the rest parses (an escaped `<` can expose a paragraph), so
`read` parses again until nothing is left to rewrite. Every pass adds an escape or widens the
protected text, so it ends; text without any of these characters is parsed once.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Literal

import pyromark

OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_MATH
)
"""The Markdown dialect telegramify-markdown reads (its STANDARD_OPTIONS)."""

Event = tuple[Any, Any]
"""A pyromark event and its UTF-8 byte range in the parsed text."""

_PLACEHOLDERS = range(0xE000, 0xF900)
"""Unicode's private use area: a span is replaced by one of these that the source lacks.
To the parser it is a letter-like character (neither space nor punctuation)."""

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_URL = re.compile(rb"(?:https?://|ftp://|www\.)[^ \t\n\r\x00\x0b\x0c<]*")
_URL_AFTER = frozenset(b" \t\n\r*_~(")
"""An autolink starts a line or follows a space or one of `*_~(` (GFM)."""
_URL_MAY_FOLLOW = _URL_AFTER | frozenset(b"|>")
"""Or starts a table cell or a quote's paragraph (`|www.x.org|`, `>www.x.org`)."""
_SCHEMES = (b"https", b"http", b"ftp")
Kind = Literal["url", "math", "display"]
_MATH: dict[Kind, re.Pattern[bytes]] = {
    "math": re.compile(rb"\\\((.+?)\\\)", re.DOTALL),
    "display": re.compile(rb"\\\[(.+?)\\\]", re.DOTALL),
}
_LINK_TRAILER = frozenset("?!.,:*_~'\"[]")
"""Characters that end a sentence rather than a URL (cmark-gfm's autolink_delim set)."""
_ASCII_HOST = re.compile(r"[A-Za-z0-9._-]*")
_ENTITY_TAIL = re.compile(r"&[A-Za-z]+;\Z")
_INLINE = ("Emphasis", "Strong", "Strikethrough")
_OPAQUE_ENDS = ("Link", "Image")
_BREAKS = ("SoftBreak", "HardBreak")
_ACTIVE = re.compile(rb"[*`\[\]<>!\\$~|&]")
"""Characters of a URL that Markdown may read as markup; `_` is checked on its own."""
_DELIMITERS = (b"*", b"_", b"~")
_EMPHASIS = {"Start": "Emphasis"}
_STRONG = {"Start": "Strong"}
_STRIKE = {"Start": "Strikethrough"}
_STAR = ord("*")
_TILDE = ord("~")
_BACKSLASH = ord("\\")


@dataclass(frozen=True, slots=True)
class Span:
    """Text the parser must not read as Markdown, kept aside under a placeholder.

    `url`: a bare URL, shown as `text` and linking to `target`; `math` and `display`:
    inline and display maths, `text` being the content between the delimiters.
    """

    kind: Kind
    text: str
    target: str = ""
    source: str = ""
    """The Markdown it came from, delimiters included."""


@dataclass(frozen=True, slots=True)
class Source:
    """Markdown as the parser reads it, with its events, and the way back to the original."""

    text: str
    events: tuple[Event, ...]
    original: str
    placeholders: dict[str, Span] = field(default_factory=dict)
    """Placeholder character -> the span it stands for."""
    in_place: tuple[tuple[int, int, Span], ...] = ()
    """Spans the parser read as plain text anyway (a URL without Markdown characters), left
    in the text to save a parse: (start, end) byte offsets in `text`, inside one Text event."""
    maths: bool = False
    """The events hold maths (`$x$`, `$$x$$`)."""
    tasks: bool = False
    """The events hold task list boxes."""
    to_original: Shifts | None = None
    """UTF-8 byte offsets of `text` -> those of `original`; None when `text` is `original`."""

    def original_bytes(self, offset: int) -> int:
        """The byte offset in `original` of byte `offset` of `text`."""
        return offset if self.to_original is None else self.to_original(offset)


class Shifts:
    """Byte offsets in an edited text -> in the text before the edits.

    A table per byte would cost an allocation per byte on every render; the edits are few,
    so an offset is found by bisection among them."""

    def __init__(self, edits: list[tuple[int, int, int, int]]) -> None:
        self.edits = edits  # (new start, new end, old start, old end), in order
        self.starts = [edit[0] for edit in edits]

    def __call__(self, offset: int) -> int:
        index = bisect_right(self.starts, offset) - 1
        if index < 0:
            return offset
        _, new_end, old_start, old_end = self.edits[index]
        if offset < new_end:
            return old_start  # an inserted backslash or a placeholder: where it stands
        return old_end + offset - new_end


def read(markdown: str) -> Source:
    """Parse `markdown` after the rewrites above; see the module's docstring."""
    if not markdown.isascii() and _SURROGATE.search(markdown):
        # A lone surrogate is not UTF-8: the parser cannot take it, Telegram shows U+FFFD.
        markdown = _SURROGATE.sub("\ufffd", markdown)
    raw = markdown.encode()
    escapes: set[int] = set()
    spans: dict[int, tuple[int, Span]] = {}  # start -> (end, span), byte offsets in `raw`
    text, data = markdown, raw
    to_raw: Shifts | None = None
    placeholders: dict[str, Span] = {}
    in_place: tuple[tuple[int, int, Span], ...] = ()
    for _ in range(len(raw) + 2):  # every pass adds an edit; the bound is a backstop
        events: tuple[Event, ...] = tuple(pyromark.events_with_range(text, options=OPTIONS))
        scan = _Scan(data, events)
        found_escapes, found_spans = scan.edits()
        if not found_escapes and all(found.in_place for found in found_spans):
            in_place = tuple(
                (found.start, found.end, _span("url", data[found.start : found.end].decode(), ""))
                for found in found_spans
            )
            break
        back = _identity if to_raw is None else to_raw
        escapes.update(back(at) for at in found_escapes)
        for found in found_spans:
            if found.in_place:
                continue  # the next pass finds it again, and keeps it in place if it may
            first, last = back(found.start), back(found.end)
            for inner in [at for at in spans if first <= at < last]:
                del spans[inner]  # a wider span (maths around a URL) takes its place
            content = b"".join(raw[back(start) : back(end)] for start, end in found.pieces)
            spans[first] = (last, _span(found.kind, content.decode(), raw[first:last].decode()))
        data, to_raw, placeholders = _apply(raw, markdown, escapes, spans)
        text = data.decode()
        # Let this parse's thousand objects go before the next one is made: held together,
        # they push the garbage collector into collecting on every render.
        del events, scan, found_spans
    else:
        events = tuple(pyromark.events_with_range(text, options=OPTIONS))
        scan = _Scan(data, events)
    return Source(text, events, markdown, placeholders, in_place, scan.maths, scan.tasks, to_raw)


def _identity(offset: int) -> int:
    return offset


def _span(kind: Kind, content: str, source: str) -> Span:
    if kind != "url":
        return Span(kind, content, source=source)
    scheme = "" if "://" in content[:8] else "http://"
    return Span(kind, content, scheme + content, source or content)


def _apply(
    raw: bytes, markdown: str, escapes: set[int], spans: dict[int, tuple[int, Span]]
) -> tuple[bytes, Shifts, dict[str, Span]]:
    """`raw` with a backslash before each escaped byte and each span replaced by a placeholder;
    the offset table back to `raw`, and the placeholders."""
    free = (chr(code) for code in _PLACEHOLDERS if chr(code) not in markdown)
    edits: list[tuple[int, int, bytes]] = []
    placeholders: dict[str, Span] = {}
    for start in sorted(spans):
        end, span = spans[start]
        char = next(free, None)
        if char is None:
            break  # 6,400 spans in one message: the rest are read as Markdown
        placeholders[char] = span
        edits.append((start, end, char.encode()))
    covered = [(start, end) for start, end, _ in edits]
    edits += [(at, at, b"\\") for at in escapes if not _inside(at, covered)]
    edits.sort()
    parts: list[bytes] = []
    shifts: list[tuple[int, int, int, int]] = []
    cursor = new = 0
    for start, end, replacement in edits:
        parts += (raw[cursor:start], replacement)
        new += start - cursor
        shifts.append((new, new + len(replacement), start, end))
        new += len(replacement)
        cursor = end
    parts.append(raw[cursor:])
    return b"".join(parts), Shifts(shifts), placeholders


def _inside(at: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start <= at < end for start, end in ranges)


@dataclass(frozen=True, slots=True)
class _Found:
    """A span found in the text being parsed: its byte range and its content's pieces."""

    kind: Kind
    start: int
    end: int
    pieces: tuple[tuple[int, int], ...]
    in_place: bool = False
    """The parser read it as plain text inside one Text event: no placeholder needed."""


class _Scan:
    """One pass over the parser's events: the escapes and spans the text still needs.

    This runs on every render of a streamed answer, so the events are filtered in one
    comprehension (most are text), and the spans are looked for only around the candidates
    a fast search found.
    """

    def __init__(self, data: bytes, events: tuple[Event, ...]) -> None:
        self.data = data
        self.events = events
        self.maths = False
        self.tasks = False
        self._texts: list[int] = []  # indices of the Text events
        self._starts: list[int] = []  # and where each starts

    def edits(self) -> tuple[list[int], list[_Found]]:
        """Byte offsets to escape, and the spans to protect."""
        data = self.data
        html, dollar, tilde = b"<" in data, b"$" in data, b"~" in data
        star = _star_between(data)
        self.tasks = b"[ ]" in data or b"[x]" in data or b"[X]" in data
        escapes: list[int] = []
        if html or dollar or tilde or star:
            marked = [
                item
                for item in self.events
                if item[0].__class__ is dict and "Text" not in item[0] and "End" not in item[0]
            ]
            for event, span in marked:
                start = span["start"]
                if star and event in (_EMPHASIS, _STRONG) and data[start] == _STAR:
                    escapes += _intraword(data, start, span["end"], 2 if event == _STRONG else 1)
                elif tilde and event == _STRIKE and data[start + 1] != _TILDE:
                    escapes += (start, span["end"] - 1)  # one `~` means "approximately"
                elif html and ("InlineHtml" in event or "Html" in event):
                    at = data.find(b"<", start, span["end"])
                    if at >= 0:
                        escapes.append(at)
                elif "InlineMath" in event or "DisplayMath" in event:
                    self.maths = True
                    if "InlineMath" in event and data[span["end"] : span["end"] + 1].isdigit():
                        escapes += (start, span["end"] - 1)  # `$10 and $20`: two prices
        candidates = _candidates(data)
        return escapes, self._spans(candidates) if candidates else []

    def _spans(self, candidates: list[tuple[int, Kind]]) -> list[_Found]:
        data = self.data
        found: list[_Found] = []
        reached = 0
        for at, kind in candidates:
            if at < reached:
                continue  # inside an earlier span
            if kind == "url" and at and data[at - 1] not in _URL_MAY_FOLLOW:
                continue  # not after a space: inside a word, an autolink `<…>`, a path
            if kind == "url" and data[at - 2 : at] == b"](":
                continue  # a link's destination
            if not self._texts:
                self._texts = [
                    index
                    for index, (event, _) in enumerate(self.events)
                    if event.__class__ is dict and "Text" in event
                ]
                self._starts = [self.events[index][1]["start"] for index in self._texts]
            place = self._place(at if kind == "url" else at + 1)  # `\(` shows from its `(`
            if place is None:
                continue
            text_index, block_start, stop = place
            if kind == "url":
                if at and data[at - 1] not in _URL_AFTER and at != block_start:
                    continue
                match = _URL.match(data, at, stop)
                length = None if match is None else _autolink(match.group().decode())
                if match is None or length is None:
                    continue
                end = at + len(match.group().decode()[:length].encode())
                in_place = self._plain(text_index, at, end)
                found.append(_Found("url", at, end, ((at, end),), in_place))
            else:
                maths = _MATH[kind].match(data, at, stop)
                if maths is None or _escaped(data, at) or not maths.group(1).strip():
                    continue
                end = maths.end()
                found.append(_Found(kind, at, end, self._content(*maths.span(1))))
            reached = end
        return found

    def _place(self, at: int) -> tuple[int, int, int] | None:
        """For byte `at` inside a Text event of plain text (not in a code block, link or
        image): the event's index, where its block starts, and where plain text stops after
        it (an inline atom, a link, a table cell's or a block's end); else None."""
        events = self.events
        found = bisect_right(self._starts, at) - 1
        if found < 0:
            return None
        index = self._texts[found]
        if events[index][1]["end"] <= at:
            return None
        closed = 0
        back = index - 1
        while back >= 0:  # back to the block: is the text inside a link, image or code?
            event = events[back][0]
            back -= 1
            if event.__class__ is str or "Text" in event:
                continue
            tag = event.get("Start")
            if tag is None:
                end = event.get("End")
                closed += end in _OPAQUE_ENDS
                continue
            if tag in _INLINE:
                continue
            name = tag if tag.__class__ is str else next(iter(tag))
            if name in ("Link", "Image"):
                if not closed:
                    return None
                closed -= 1
                continue
            if name == "CodeBlock":
                return None
            block_start = events[back + 1][1]["start"]
            break
        else:
            block_start = 0
        stop = len(self.data)
        for event, span in events[index + 1 :]:
            if event.__class__ is str or "Text" in event:
                continue
            tag = event.get("Start")
            if tag is not None:
                if tag not in _INLINE:
                    stop = span["start"]
                    break
            elif "End" in event:
                if event["End"] not in _INLINE:
                    stop = span["end"] if event["End"] not in _OPAQUE_ENDS else span["start"]
                    break
            else:  # an inline atom: code, maths, HTML
                stop = span["start"]
                break
        return index, block_start, stop

    def _plain(self, index: int, start: int, end: int) -> bool:
        """True when [start, end) is inside Text event `index`, whose text is its source, and
        holds no character that takes part in Markdown: the parse is the same without a
        placeholder."""
        event, span = self.events[index]
        if end > span["end"] or len(event["Text"].encode()) != span["end"] - span["start"]:
            return False
        data = self.data
        if _ACTIVE.search(data, start, end) or (
            not data[end - 1 : end].isalnum() and data[end : end + 1] in _DELIMITERS
        ):
            return False
        at = data.find(b"_", start, end)
        while at >= 0:
            if not (data[at - 1 : at].isalnum() and data[at + 1 : at + 2].isalnum()):
                return False  # `/_a_` could be emphasis
            at = data.find(b"_", at + 1, end)
        return True

    def _content(self, start: int, end: int) -> tuple[tuple[int, int], ...]:
        """Byte ranges of [start, end) without the container markers (`> `, indentation) that
        begin its continuation lines (the parser reports where each line's text starts)."""
        if b"\n" not in self.data[start:end]:
            return ((start, end),)
        line_starts = [
            self.events[index + 1][1]["start"]
            for index, (event, _) in enumerate(self.events[:-1])
            if event in _BREAKS
        ]
        pieces = []
        cursor = start
        for line_start in line_starts:
            if line_start <= cursor:
                continue
            if line_start >= end:
                break
            newline = self.data.rfind(b"\n", cursor, line_start)
            if newline >= 0:
                pieces.append((cursor, newline + 1))
                cursor = line_start
        pieces.append((cursor, end))
        return tuple(pieces)


def _candidates(data: bytes) -> list[tuple[int, Kind]]:
    """Where a bare URL or bracketed maths may start: (byte offset, kind), in order.

    `bytes.find` is far faster than a regular expression here, and most answers have none."""
    found: list[tuple[int, Kind]] = []
    needles: tuple[tuple[bytes, Kind], ...] = (
        (b"\\(", "math"),
        (b"\\[", "display"),
        (b"www.", "url"),
    )
    for needle, kind in needles:
        at = data.find(needle)
        while at >= 0:
            found.append((at, kind))
            at = data.find(needle, at + len(needle))
    at = data.find(b"://")
    while at >= 0:
        for scheme in _SCHEMES:
            if data[at - len(scheme) : at] == scheme:
                found.append((at - len(scheme), "url"))
                break
        at = data.find(b"://", at + 3)
    found.sort()
    return found


def _star_between(data: bytes) -> bool:
    """True when a run of `*` in `data` may have letters or digits on both sides (any byte of
    a non-ASCII character counts: `_between_alnum` decides)."""
    at = data.find(b"*")
    while at >= 0:
        end = at + 1
        while data[end : end + 1] == b"*":
            end += 1
        before, after = data[at - 1 : at], data[end : end + 1]
        if (
            at
            and (before.isalnum() or before >= b"\x80")
            and (after.isalnum() or after >= b"\x80")
        ):
            return True
        at = data.find(b"*", end)
    return False


def _intraword(data: bytes, start: int, end: int, width: int) -> list[int]:
    """The delimiters of the emphasis at [start, end) that have letters or digits on both
    sides, where `*` is literal (`a*b*c`)."""
    escapes: list[int] = []
    for first in (start, end - width):
        if _between_alnum(data, first):
            escapes += range(first, first + width)
    return escapes


def _autolink(candidate: str) -> int | None:
    """How many characters of `candidate` (a scheme or `www.`, then no space and no `<`) are a
    GFM extended autolink, or None when it is not one.

    GitHub's rules (cmark-gfm): after `www.` the domain needs a dot, after a scheme it need
    not; no `_` in the domain's last two labels; trailing `?!.,:*_~'"[]` end the sentence, not
    the URL; a trailing `)` stays only while the parentheses balance; a trailing entity-like
    `&name;` (or a lone `;`) is left out.
    """
    rest = candidate.find("://") + 3 if "://" in candidate[:8] else 4
    domain_end = _ASCII_HOST.match(candidate, rest).end()  # type: ignore[union-attr]
    while domain_end < len(candidate) and _host_char(candidate[domain_end]):
        domain_end += 1
    labels = candidate[rest:domain_end].split(".")
    if domain_end == rest or "_" in "".join(labels[-2:]):
        return None
    if rest == 4 and len(labels) < 2:  # www.x is not a domain; http://localhost is
        return None
    end = len(candidate)
    while end > rest:
        last = candidate[end - 1]
        if last in _LINK_TRAILER:
            end -= 1
        elif last == ";":
            entity = _ENTITY_TAIL.search(candidate, 0, end)
            end = entity.start() if entity else end - 1
        elif last == ")" and candidate.count(")", 0, end) > candidate.count("(", 0, end):
            end -= 1
        else:
            break
    return end if end > rest else None


def _host_char(char: str) -> bool:
    """A character of a domain: letters, digits, `-`, `_`, `.` and any non-punctuation."""
    if char in "-_.":
        return True
    if char.isascii():
        return char.isalnum()
    return not char.isspace() and not unicodedata.category(char).startswith("P")


def _between_alnum(data: bytes, at: int) -> bool:
    """True when the run of `*` around byte `at` has a letter or digit on both sides."""
    first = at
    while first > 0 and data[first - 1] == _STAR:
        first -= 1
    last = at
    while last < len(data) and data[last] == _STAR:
        last += 1
    if first == 0 or last == len(data):
        return False
    before = first - 1
    while before > 0 and 0x80 <= data[before] < 0xC0:  # back to the character's first byte
        before -= 1
    after = last + 1
    while after < len(data) and 0x80 <= data[after] < 0xC0:
        after += 1
    previous = data[before:first].decode(errors="replace")
    following = data[last:after].decode(errors="replace")
    return previous.isalnum() and following.isalnum()


def _escaped(data: bytes, at: int) -> bool:
    """True when the backslash at `at` is itself escaped (an odd run of backslashes before)."""
    count = 0
    while at - count - 1 >= 0 and data[at - count - 1] == _BACKSLASH:
        count += 1
    return count % 2 == 1
