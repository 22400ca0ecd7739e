"""Property: for any text and entities, the bot's model of what Telegram shows
(``bot.render.visible``) and the fake Bot API's (``telegram_normalise``) give the same answer.

The table in ``tests/support/text_cases.py`` pins each rule to tdlib's source; this checks the
two copies against each other on texts mixing every character the rules treat specially, with
properly nested entities (intersecting ones are out of both models' scope). A text with a lone
surrogate is refused by Telegram (and the fake); the bot sends U+FFFD in its place instead.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.render import Entity, visible
from tests.servers.telegram.errors import ApiError
from tests.servers.telegram.text import telegram_normalise, utf16_len
from tests.support.properties import examples

Span = tuple[str, int, int]

SPECIAL = (
    "ab "  # ordinary letters and the space
    "\n\r\t\x00\x07\x0b\x1f\x7f\x85"  # newline, CR, tab, other controls, DEL, a C1 control
    "\u2028\u2029\u202a\u202e"  # separators and bidi embeddings (removed)
    "\u0333\u033f\u030a\u0301"  # the three removed combining marks, and one that stays
    "\u200b\u200c\u200e\u200f\ufeff"  # zero-width characters and direction marks
    "\u00a0\u2002\u2800\u3000\u180e"  # Unicode spaces
    "\ufffc\U000e0041😀𝕏"  # U+FFFC, a tag character, astral characters
)
SURROGATES = "\ud800\udfff"
TYPES = ("bold", "italic", "underline", "strikethrough", "spoiler")  # may nest in any order
_SURROGATE = re.compile("[\ud800-\udfff]")


@st.composite
def sent(draw: st.DrawFn, alphabet: str = SPECIAL) -> tuple[str, tuple[Span, ...]]:
    """A text and up to three entities over it: distinct types, nested or disjoint."""
    text = draw(st.text(alphabet=st.sampled_from(alphabet), max_size=16))
    bounds = [0]
    for char in text:
        bounds.append(bounds[-1] + (2 if ord(char) > 0xFFFF else 1))
    spans: list[Span] = []
    if len(bounds) > 1:
        for kind in draw(st.lists(st.sampled_from(TYPES), unique=True, max_size=3)):
            start, end = sorted(draw(st.lists(st.sampled_from(bounds), min_size=2, max_size=2)))
            if end > start and all(
                _nested_or_apart((start, end), (o, o + n)) for _, o, n in spans
            ):
                spans.append((kind, start, end - start))
    return text, tuple(spans)


def _nested_or_apart(a: tuple[int, int], b: tuple[int, int]) -> bool:
    (a0, a1), (b0, b1) = a, b
    return a1 <= b0 or b1 <= a0 or (a0 <= b0 and b1 <= a1) or (b0 <= a0 and a1 <= b1)


def _bot(text: str, spans: tuple[Span, ...]) -> tuple[str, list[Span]]:
    shown = visible(text, [Entity(kind, offset, length) for kind, offset, length in spans])
    return shown.text, sorted(((e.type, e.offset, e.length) for e in shown.entities), key=_order)


def _fake(text: str, spans: tuple[Span, ...]) -> tuple[str, list[Span]]:
    dicts: list[dict[str, Any]] = [{"type": k, "offset": o, "length": n} for k, o, n in spans]
    shown, entities = telegram_normalise(text, dicts)
    return shown, sorted(((e["type"], e["offset"], e["length"]) for e in entities), key=_order)


def _order(span: Span) -> tuple[int, int, str]:
    """Entities on the same span may come in any order: Telegram orders them by type."""
    kind, offset, length = span
    return offset, -length, kind


@given(sent())
@example(("a\u200e\u200fb", ()))  # a run of direction marks: rewritten without entities only
@example(("a\u200e\u200fb", (("bold", 0, 1),)))
@example(("\ufffc \ufffc", ()))  # U+FFFC counts as empty for a whole text
@example(("ab\u0333c", (("bold", 0, 4),)))  # a removed mark shrinks the entity around it
@example(("\U000e0041", ()))  # found: a tag character alone is an empty text
@example(("a\u200e\u200ea", ()))  # found: the bot left a run of marks alone
@example(("\u030a", ()))  # found: the fake kept the combining ring above
@examples(1500)
def test_the_bot_and_the_fake_show_the_same(case: tuple[str, tuple[Span, ...]]) -> None:
    text, spans = case
    shown = _fake(text, spans)
    assert _bot(text, spans) == shown
    assert utf16_len(shown[0]) <= utf16_len(text)


@given(sent(SPECIAL + SURROGATES).filter(lambda case: _SURROGATE.search(case[0]) is not None))
@example(("\u030a\ud800", ()))  # found: the bot sent the lone surrogate as it was
@examples(300)
def test_a_lone_surrogate_is_refused_and_the_bot_sends_a_replacement(
    case: tuple[str, tuple[Span, ...]],
) -> None:
    text, spans = case
    dicts: list[dict[str, Any]] = [{"type": k, "offset": o, "length": n} for k, o, n in spans]
    with pytest.raises(ApiError, match="strings must be encoded in UTF-8"):
        telegram_normalise(text, dicts)
    assert _bot(text, spans) == _fake(_SURROGATE.sub("\ufffd", text), spans)
