"""Model Markdown -> what Telegram shows: plain text plus message entities, cut into pages.

telegramify-markdown does the conversion; it always yields entities with valid UTF-16 offsets,
so a half-written `**bold` mid-stream is shown as text instead of making Telegram reject an edit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import telegramify_markdown
from aiogram.types import MessageEntity

MESSAGE_LIMIT = 4096
"""Telegram's limit on a message's text, counted in UTF-16 code units after entity parsing."""

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


def utf16_len(text: str) -> int:
    """Telegram counts offsets and lengths in UTF-16 code units: astral characters count 2."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass(frozen=True, slots=True)
class Rendered:
    """A message as Telegram receives it; equal values mean an edit would change nothing."""

    text: str
    entities: tuple[tuple[tuple[str, Any], ...], ...] = ()

    @property
    def size(self) -> int:
        return utf16_len(self.text)

    def aiogram_entities(self) -> list[MessageEntity] | None:
        return [MessageEntity(**dict(entity)) for entity in self.entities] or None

    def with_suffix(self, suffix: str) -> Rendered:
        """Append our own plain sentence (an error note) below the answer."""
        if not suffix:
            return self
        text = f"{self.text}\n\n{suffix}" if self.text else suffix
        return Rendered(text, self.entities)


def render(markdown: str, *, plain: bool = False) -> Rendered:
    """Convert Markdown to text + entities; `plain` sends the source text as it is."""
    if plain:
        return Rendered(markdown.strip())
    text, entities = telegramify_markdown.convert(markdown, latex_escape=False)
    return Rendered(text, tuple(tuple(entity.to_dict().items()) for entity in entities))


def fence_opener(markdown: str) -> str | None:
    """The opening line of a code fence still open at the end of `markdown`, if any."""
    opener: str | None = None
    for line in markdown.splitlines():
        match = _FENCE.match(line)
        if match is None:
            continue
        if opener is None:
            opener = line.strip()
        elif match.group(1)[0] == opener[0] and not match.group(2).strip():
            opener = None
    return opener


def split_point(markdown: str, limit: int = MESSAGE_LIMIT) -> int:
    """Where to end the first page of `markdown` so that it fits in one message.

    Prefers a paragraph break, then a line break, then a space, in the last half of what
    fits; only a very long unbroken word is cut mid-word. Indices are Python characters, so a
    cut never falls inside a UTF-16 surrogate pair.
    """
    budget = limit - 8  # room for a closing code fence
    end = _prefix_within(markdown, budget)
    floor = end // 2
    for separator in ("\n\n", "\n", " "):
        at = markdown.rfind(separator, floor, end)
        if at > 0:
            return at + len(separator)
    return max(end, 1)


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


@dataclass(frozen=True, slots=True)
class Cut:
    """One page split off a longer text: `head` is sent, then `reopen + text[at:]` goes on."""

    head: str
    at: int
    reopen: str = ""


def cut_page(markdown: str, limit: int = MESSAGE_LIMIT, *, plain: bool = False) -> Cut:
    """Split off one page that fits in a message.

    A code block cut in two is closed on this page and reopened on the next, so both keep
    their formatting.
    """
    at = split_point(markdown, limit)
    while True:
        head, reopen = markdown[:at], ""
        opener = None if plain else fence_opener(head)
        if opener is not None:
            fence = opener[: len(opener) - len(opener.lstrip("`~"))]
            head, reopen = head.rstrip("\n") + "\n" + fence, opener + "\n"
        if render(head, plain=plain).size <= limit or at <= 1:
            return Cut(head, at, reopen)
        at = split_point(markdown[: at - 1], limit)  # rendering grew it: cut earlier
